// The condition each kind of event coalesces under (event_detector.h): the same for every
// occurrence of one problem, different for another device, pool, state or check, and none
// for the kinds where each change is an event of its own.
#include <optional>
#include <string>
#include <vector>

#include "controller/events/event_detector.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/enum_names.h"
#include "tests/testing/pool_builders.h"

namespace zfleet::controller {
namespace {

using ::testing::ElementsAre;

const absl::Time kConditionsNow = absl::FromUnixSeconds(1'700'000'000);

v1::Pool Tank(uint64_t sda_cksum = 0, uint64_t sdb_cksum = 0, const std::string& state = "ONLINE") {
  v1::Pool pool =
      testing::MirrorPool("tank", state,
                          {testing::WithErrors(testing::DiskLeaf("sda"), 0, 0, sda_cksum),
                           testing::WithErrors(testing::DiskLeaf("sdb"), 0, 0, sdb_cksum)});
  pool.mutable_errors()->set_count(0);
  return pool;
}

// kind → condition of each event, in order.
std::vector<std::string> Conditions(const std::vector<NewEvent>& events) {
  std::vector<std::string> out;
  for (const NewEvent& e : events) out.push_back(e.event.kind() + " " + e.condition);
  return out;
}

TEST(EventConditionsTest, DeviceErrorsOnePerDeviceWhateverTheCountsAndTime) {
  const auto first = DetectPoolEvents("nas1", Tank(), Tank(0, 1), kConditionsNow);
  const auto later =
      DetectPoolEvents("nas1", Tank(0, 1), Tank(0, 37), kConditionsNow + absl::Hours(5));
  ASSERT_EQ(first.size(), 1u);
  ASSERT_EQ(later.size(), 1u);
  EXPECT_EQ(first[0].condition, later[0].condition);
  EXPECT_NE(first[0].dedup_key, later[0].dedup_key);  // two changes, one condition
  const auto other = DetectPoolEvents("nas1", Tank(0, 37), Tank(2, 37), kConditionsNow);
  ASSERT_EQ(other.size(), 1u);
  EXPECT_NE(other[0].condition, first[0].condition);
  const auto other_host = DetectPoolEvents("nas2", Tank(), Tank(0, 1), kConditionsNow);
  EXPECT_NE(other_host[0].condition, first[0].condition);
}

TEST(EventConditionsTest, PoolStateOnePerNewState) {
  const auto degraded = DetectPoolEvents("nas1", Tank(), Tank(0, 0, "DEGRADED"), kConditionsNow);
  const auto again =
      DetectPoolEvents("nas1", Tank(), Tank(0, 0, "DEGRADED"), kConditionsNow + absl::Minutes(1));
  const auto online = DetectPoolEvents("nas1", Tank(0, 0, "DEGRADED"), Tank(), kConditionsNow);
  const auto first_sight =
      DetectPoolEvents("nas1", std::nullopt, Tank(0, 0, "DEGRADED"), kConditionsNow);
  ASSERT_EQ(degraded.size(), 1u);
  EXPECT_EQ(degraded[0].condition, again[0].condition);
  EXPECT_EQ(degraded[0].condition, first_sight[0].condition);
  EXPECT_NE(degraded[0].condition, online[0].condition);
  const auto gone = DetectVanishedPools("nas1", {"tank"}, {}, kConditionsNow);
  const auto gone_again =
      DetectVanishedPools("nas1", {"tank"}, {}, kConditionsNow + absl::Hours(1));
  EXPECT_EQ(gone[0].condition, gone_again[0].condition);
  EXPECT_NE(gone[0].condition, degraded[0].condition);
}

TEST(EventConditionsTest, DataErrorsOnePerPool) {
  v1::Pool one = Tank();
  one.mutable_errors()->set_count(1);
  v1::Pool two = Tank();
  two.mutable_errors()->set_count(2);
  const auto a = DetectPoolEvents("nas1", Tank(), one, kConditionsNow);
  const auto b = DetectPoolEvents("nas1", one, two, kConditionsNow + absl::Minutes(1));
  EXPECT_THAT(Conditions(a), ElementsAre("data_errors data_errors:nas1/tank"));
  EXPECT_EQ(Conditions(a), Conditions(b));
}

TEST(EventConditionsTest, HostStackAndScrubConcernsOnePerSubject) {
  HostLiveness silent{"nas1", kConditionsNow - absl::Hours(1), std::nullopt, std::nullopt,
                      std::nullopt};
  HostLiveness back{"nas1", kConditionsNow, kConditionsNow - absl::Hours(2), std::nullopt,
                    std::nullopt};
  const auto missing = DetectHostLiveness({silent}, kConditionsNow, absl::Minutes(2)).events;
  const auto returned = DetectHostLiveness({back}, kConditionsNow, absl::Minutes(2)).events;
  EXPECT_THAT(Conditions(missing), ElementsAre("host_missing host_missing:nas1"));
  EXPECT_THAT(Conditions(returned), ElementsAre("host_back host_back:nas1"));

  // A zpool that hangs again and again, each time since another moment, is one open event.
  const v1::ZpoolHealth health;
  const auto stuck = DetectZpoolEvents("nas1", std::nullopt, kConditionsNow - absl::Minutes(5),
                                       health, kConditionsNow);
  const auto again = DetectZpoolEvents("nas1", std::nullopt, kConditionsNow, health,
                                       kConditionsNow + absl::Hours(1));
  const auto answers = DetectZpoolEvents("nas1", kConditionsNow, std::nullopt, health,
                                         kConditionsNow + absl::Hours(2));
  EXPECT_THAT(Conditions(stuck), ElementsAre("zpool_stuck zpool_stuck:nas1"));
  EXPECT_EQ(Conditions(stuck), Conditions(again));
  EXPECT_THAT(Conditions(answers), ElementsAre("zpool_answering zpool_answering:nas1"));

  google::protobuf::RepeatedPtrField<v1::StackCheck> ok, warn;
  v1::StackCheck check;
  check.set_name("zfs-zed");
  check.set_level("warn");
  *warn.Add() = check;
  EXPECT_THAT(Conditions(DetectStackEvents("nas1", ok, warn, kConditionsNow)),
              ElementsAre("stack_check stack_check:nas1:zfs-zed:warn"));

  ScrubConcern stalled{ScrubConcern::Kind::kStalled, "nas1", "tank", kConditionsNow, "no progress"};
  ScrubConcern stalled_later = stalled;
  stalled_later.since = kConditionsNow + absl::Hours(3);
  EXPECT_EQ(ScrubConcernEvent(stalled, kConditionsNow).condition,
            ScrubConcernEvent(stalled_later, kConditionsNow + absl::Hours(5)).condition);
  ScrubConcern overdue = stalled;
  overdue.kind = ScrubConcern::Kind::kOverdue;
  EXPECT_NE(ScrubConcernEvent(overdue, kConditionsNow).condition,
            ScrubConcernEvent(stalled, kConditionsNow).condition);
}

TEST(EventConditionsTest, EachScrubAndResilverIsAnEventOfItsOwn) {
  v1::ScrubRun run;
  run.set_id(7);
  run.set_host_id("nas1");
  run.set_pool("tank");
  SetRunState(run, v1::RUN_FINISHED);
  run.set_ended_at(absl::ToUnixSeconds(kConditionsNow));
  const auto finished = DetectScrubRunEvents(std::nullopt, run, kConditionsNow);
  ASSERT_EQ(finished.size(), 1u);
  EXPECT_EQ(finished[0].condition, "");

  v1::Pool resilvering = Tank();
  resilvering.mutable_scan()->set_function("resilver");
  resilvering.mutable_scan()->set_state("scanning");
  v1::Pool resilvered = resilvering;
  resilvered.mutable_scan()->set_state("finished");
  resilvered.mutable_scan()->set_end_time(absl::ToUnixSeconds(kConditionsNow));
  const auto done = DetectPoolEvents("nas1", resilvering, resilvered, kConditionsNow);
  EXPECT_THAT(Conditions(done), ElementsAre("resilver_finished "));
}

}  // namespace
}  // namespace zfleet::controller
