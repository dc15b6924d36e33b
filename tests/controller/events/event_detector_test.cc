#include "controller/events/event_detector.h"

#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/enum_names.h"
#include "tests/testing/pool_builders.h"

namespace zfleet::controller {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

const absl::Time kNow = absl::FromUnixSeconds(1'700'000'000);

// tank: mirror-0 of sda and sdb, ONLINE, last scrub finished.
v1::Pool DetectorTank() {
  v1::Pool pool = testing::MirrorPool(
      "tank", "ONLINE",
      {testing::HealthyDisk("sda", "SN-sda"), testing::HealthyDisk("sdb", "SN-sdb")});
  pool.mutable_scan()->set_function("scrub");
  pool.mutable_scan()->set_state("finished");
  pool.mutable_errors()->set_count(0);
  return pool;
}

v1::Vdev& Sdb(v1::Pool& pool) { return *pool.mutable_vdevs(0)->mutable_children(1); }

// "severity kind device" per event, for compact expectations.
std::vector<std::string> Summary(const std::vector<NewEvent>& events) {
  std::vector<std::string> out;
  for (const NewEvent& e : events) {
    out.push_back(absl::StrCat(SeverityName(e.event.severity()), " ", e.event.kind(),
                               e.event.device().empty() ? "" : " " + e.event.device()));
  }
  return out;
}

struct PoolCase {
  std::string name;
  std::function<std::optional<v1::Pool>()> before;
  std::function<v1::Pool()> after;
  std::vector<std::string> expected;
};

void PrintTo(const PoolCase& c, std::ostream* os) { *os << c.name; }

class PoolEventsTest : public ::testing::TestWithParam<PoolCase> {};

TEST_P(PoolEventsTest, OneEventPerChange) {
  const PoolCase& c = GetParam();
  const std::optional<v1::Pool> before = c.before();
  const v1::Pool after = c.after();
  std::vector<NewEvent> events = DetectPoolEvents("nas1", before, after, kNow);
  EXPECT_EQ(Summary(events), c.expected);
  for (const NewEvent& e : events) {
    EXPECT_FALSE(e.dedup_key.empty());
    EXPECT_EQ(e.event.host_id(), "nas1");
    EXPECT_EQ(e.event.pool(), "tank");
    EXPECT_EQ(e.event.time(), absl::ToUnixSeconds(kNow));
  }
  // The same report again (after stored, reported once more) raises nothing.
  EXPECT_THAT(DetectPoolEvents("nas1", after, after, kNow + absl::Seconds(30)), IsEmpty());
}

INSTANTIATE_TEST_SUITE_P(Changes, PoolEventsTest,
                         ::testing::ValuesIn(std::vector<PoolCase>{
                             {"FirstSightHealthy", [] { return std::nullopt; }, DetectorTank, {}},
                             {"Unchanged", [] { return DetectorTank(); }, DetectorTank, {}},
                             {"Degraded",
                              [] { return DetectorTank(); },
                              [] {
                                v1::Pool p = DetectorTank();
                                p.set_state("DEGRADED");
                                Sdb(p).set_state("FAULTED");
                                return p;
                              },
                              {"warning pool_state"}},
                             {"Faulted",
                              [] { return DetectorTank(); },
                              [] {
                                v1::Pool p = DetectorTank();
                                p.set_state("FAULTED");
                                return p;
                              },
                              {"critical pool_state"}},
                             {"Suspended",
                              [] { return DetectorTank(); },
                              [] {
                                v1::Pool p = DetectorTank();
                                p.set_state("SUSPENDED");
                                return p;
                              },
                              {"critical pool_state"}},
                             {"OnlineAgain",
                              [] {
                                v1::Pool p = DetectorTank();
                                p.set_state("DEGRADED");
                                return std::optional<v1::Pool>(p);
                              },
                              DetectorTank,
                              {"info pool_state"}},
                             {"FirstSightUnavail",
                              [] { return std::nullopt; },
                              [] {
                                v1::Pool p = DetectorTank();
                                p.set_state("UNAVAIL");
                                return p;
                              },
                              {"critical pool_state"}},
                             {"ChecksumGrew",
                              [] { return DetectorTank(); },
                              [] {
                                v1::Pool p = DetectorTank();
                                Sdb(p).set_checksum_errors(12);
                                return p;
                              },
                              {"warning device_errors /dev/sdb"}},
                             {"TwoDevicesGrew",
                              [] { return DetectorTank(); },
                              [] {
                                v1::Pool p = DetectorTank();
                                Sdb(p).set_read_errors(1);
                                p.mutable_vdevs(0)->mutable_children(0)->set_write_errors(2);
                                return p;
                              },
                              {"warning device_errors /dev/sda", "warning device_errors /dev/sdb"}},
                             {"CountersCleared",
                              [] {
                                v1::Pool p = DetectorTank();
                                Sdb(p).set_checksum_errors(12);
                                return std::optional<v1::Pool>(p);
                              },
                              DetectorTank,
                              {}},
                             {"PermanentErrors",
                              [] { return DetectorTank(); },
                              [] {
                                v1::Pool p = DetectorTank();
                                p.mutable_errors()->set_count(2);
                                p.mutable_errors()->add_files("/tank/a");
                                p.mutable_errors()->add_files("/tank/b");
                                return p;
                              },
                              {"critical data_errors"}},
                             {"ResilverFinished",
                              [] {
                                v1::Pool p = DetectorTank();
                                p.set_state("DEGRADED");
                                p.mutable_scan()->set_function("resilver");
                                p.mutable_scan()->set_state("scanning");
                                return std::optional<v1::Pool>(p);
                              },
                              [] {
                                v1::Pool p = DetectorTank();
                                p.mutable_scan()->set_function("resilver");
                                p.mutable_scan()->set_state("finished");
                                p.mutable_scan()->set_end_time(1'699'999'000);
                                return p;
                              },
                              {"info pool_state", "info resilver_finished"}},
                             {"ScrubProgressOnly",
                              [] {
                                v1::Pool p = DetectorTank();
                                p.mutable_scan()->set_state("scanning");
                                p.mutable_scan()->set_percent_done(10);
                                return std::optional<v1::Pool>(p);
                              },
                              [] {
                                v1::Pool p = DetectorTank();
                                p.mutable_scan()->set_state("scanning");
                                p.mutable_scan()->set_percent_done(20);
                                return p;
                              },
                              {}},
                         }),
                         [](const ::testing::TestParamInfo<PoolCase>& info) {
                           return info.param.name;
                         });

TEST(PoolEventsMessageTest, NamesDeviceCountersAndIdentity) {
  v1::Pool after = DetectorTank();
  Sdb(after).set_checksum_errors(12);
  std::vector<NewEvent> events = DetectPoolEvents("nas1", DetectorTank(), after, kNow);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_THAT(events[0].event.message(), HasSubstr("/dev/sdb CKSUM 0 → 12"));
  EXPECT_THAT(events[0].event.message(), HasSubstr("serial SN-sdb"));
}

TEST(PoolEventsMessageTest, DataErrorsListFiles) {
  v1::Pool after = DetectorTank();
  after.mutable_errors()->set_count(1);
  after.mutable_errors()->add_files("/tank/photos/a.jpg");
  std::vector<NewEvent> events = DetectPoolEvents("nas1", DetectorTank(), after, kNow);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_THAT(events[0].event.message(),
              HasSubstr("1 permanent data error (was 0) in: /tank/photos/a.jpg"));
  // A new file with an unchanged count is a new error too.
  v1::Pool more = after;
  more.mutable_errors()->add_files("/tank/b");
  EXPECT_THAT(Summary(DetectPoolEvents("nas1", after, more, kNow)),
              ElementsAre("critical data_errors"));
}

TEST(PoolEventsMessageTest, DegradedNamesTheBadDevice) {
  v1::Pool after = DetectorTank();
  after.set_state("DEGRADED");
  Sdb(after).set_state("OFFLINE");
  std::vector<NewEvent> events = DetectPoolEvents("nas1", DetectorTank(), after, kNow);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].event.message(), "pool tank is DEGRADED (was ONLINE): /dev/sdb OFFLINE");
}

v1::ScrubRun ScrubRun(const std::string& state, uint64_t repaired = 0, uint64_t errors = 0) {
  v1::ScrubRun run;
  run.set_id(7);
  run.set_host_id("nas1");
  run.set_pool("tank");
  SetTrigger(run, v1::TRIGGER_MANUAL);
  SetRunState(run, *ParseRunState(state));
  run.set_started_at(absl::ToUnixSeconds(kNow) - 3600);
  if (state == "finished") {
    run.set_ended_at(absl::ToUnixSeconds(kNow) - 60);
    run.set_bytes_repaired(repaired);
    run.set_errors(errors);
  }
  return run;
}

TEST(ScrubRunEventsTest, FinishedCleanRepairedOrNothing) {
  EXPECT_THAT(Summary(DetectScrubRunEvents(ScrubRun("running"), ScrubRun("finished"), kNow)),
              ElementsAre("info scrub_finished"));
  EXPECT_THAT(
      Summary(DetectScrubRunEvents(ScrubRun("running"), ScrubRun("finished", 47'500'000), kNow)),
      ElementsAre("warning scrub_repaired"));
  EXPECT_THAT(Summary(DetectScrubRunEvents(ScrubRun("running"), ScrubRun("finished", 0, 3), kNow)),
              ElementsAre("warning scrub_repaired"));
  EXPECT_THAT(DetectScrubRunEvents(ScrubRun("finished"), ScrubRun("finished"), kNow), IsEmpty());
  EXPECT_THAT(DetectScrubRunEvents(ScrubRun("requested"), ScrubRun("running"), kNow), IsEmpty());
  EXPECT_THAT(DetectScrubRunEvents(ScrubRun("running"), ScrubRun("canceled"), kNow), IsEmpty());
  // An external run inserted already finished: news if recent, history if old.
  EXPECT_THAT(DetectScrubRunEvents(std::nullopt, ScrubRun("finished"), kNow), ::testing::SizeIs(1));
  EXPECT_THAT(DetectScrubRunEvents(std::nullopt, ScrubRun("finished"), kNow + absl::Hours(48)),
              IsEmpty());
  // One the agent ran on its own while the controller was away: a repair is news however old.
  v1::ScrubRun agent = ScrubRun("finished", 4096);
  SetTrigger(agent, v1::TRIGGER_AGENT);
  agent.set_id(0);
  std::vector<NewEvent> late = DetectScrubRunEvents(std::nullopt, agent, kNow + absl::Hours(240));
  EXPECT_THAT(Summary(late), ElementsAre("warning scrub_repaired"));
  EXPECT_THAT(late[0].event.message(), HasSubstr("agent scrub"));
  EXPECT_THAT(DetectScrubRunEvents(std::nullopt, ScrubRun("finished"), kNow + absl::Hours(240)),
              IsEmpty());
  agent.set_bytes_repaired(0);
  EXPECT_THAT(DetectScrubRunEvents(std::nullopt, agent, kNow + absl::Hours(240)), IsEmpty());

  std::vector<NewEvent> e =
      DetectScrubRunEvents(ScrubRun("running"), ScrubRun("finished", 47'500'000), kNow);
  EXPECT_THAT(e[0].event.message(), HasSubstr("repaired 45.3M"));
  EXPECT_EQ(e[0].dedup_key, "scrub_run:7");
}

v1::StackCheck Check(const std::string& name, const std::string& level) {
  v1::StackCheck c;
  c.set_name(name);
  c.set_level(level);
  c.set_evidence("evidence");
  c.set_fix("the fix");
  return c;
}

TEST(StackEventsTest, OnlyChecksThatGotWorse) {
  google::protobuf::RepeatedPtrField<v1::StackCheck> before, after;
  *before.Add() = Check("zfs-module-installed:6.1.0-13-amd64", "ok");
  *before.Add() = Check("systemd:zfs-zed", "warn");
  *before.Add() = Check("dkms", "fail");
  *after.Add() = Check("zfs-module-installed:6.1.0-13-amd64", "fail");
  *after.Add() = Check("systemd:zfs-zed", "warn");  // unchanged
  *after.Add() = Check("dkms", "warn");             // better
  *after.Add() = Check("zpool-cache", "fail");      // new
  *after.Add() = Check("zfs-module-loaded", "n/a");
  std::vector<NewEvent> events = DetectStackEvents("nas1", before, after, kNow);
  EXPECT_THAT(Summary(events), ElementsAre("critical stack_check", "warning stack_check"));
  EXPECT_THAT(events[0].event.message(),
              HasSubstr("pools will not import after reboot: zfs-module-installed:6.1.0-13-amd64"));
  EXPECT_THAT(events[0].event.message(), HasSubstr("fix: the fix"));
  EXPECT_THAT(DetectStackEvents("nas1", after, after, kNow), IsEmpty());
}

TEST(HostLivenessTest, MissingOnceThenBackOnce) {
  const absl::Duration missing_after = absl::Seconds(90);
  HostLiveness quiet{"nas1", kNow - absl::Seconds(91), std::nullopt, std::nullopt, std::nullopt};
  HostLiveness fine{"nas2", kNow - absl::Seconds(30), std::nullopt, std::nullopt, std::nullopt};
  LivenessResult r = DetectHostLiveness({quiet, fine}, kNow, missing_after);
  EXPECT_THAT(Summary(r.events), ElementsAre("warning host_missing"));
  ASSERT_EQ(r.changes.size(), 1u);
  EXPECT_EQ(r.changes[0].host_id, "nas1");
  EXPECT_EQ(r.changes[0].missing_since, quiet.last_seen);

  quiet.missing_since = quiet.last_seen;  // persisted
  EXPECT_THAT(DetectHostLiveness({quiet}, kNow + absl::Hours(1), missing_after).events, IsEmpty());

  HostLiveness back{"nas1", kNow + absl::Hours(2), quiet.last_seen, std::nullopt, std::nullopt};
  r = DetectHostLiveness({back}, kNow + absl::Hours(2), missing_after);
  EXPECT_THAT(Summary(r.events), ElementsAre("info host_back"));
  ASSERT_EQ(r.changes.size(), 1u);
  EXPECT_FALSE(r.changes[0].missing_since.has_value());
  EXPECT_THAT(r.events[0].event.message(), HasSubstr("after 2h1m of silence"));
}

// A controller that was down could not hear its hosts: silence counts from its start.
TEST(HostLivenessTest, SilenceBeforeTheControllerStartedDoesNotCount) {
  const absl::Duration missing_after = absl::Seconds(90);
  const absl::Time started = kNow - absl::Seconds(60);
  HostLiveness quiet{"nas1", kNow - absl::Hours(2), std::nullopt, std::nullopt, std::nullopt};
  EXPECT_FALSE(SilentTooLong(quiet.last_seen, kNow, missing_after, started));
  EXPECT_THAT(DetectHostLiveness({quiet}, kNow, missing_after, started).events, IsEmpty());
  // Still silent a full missing_after after the start: missing, dated by its last report.
  const absl::Time later = started + absl::Seconds(91);
  EXPECT_TRUE(SilentTooLong(quiet.last_seen, later, missing_after, started));
  LivenessResult r = DetectHostLiveness({quiet}, later, missing_after, started);
  EXPECT_THAT(Summary(r.events), ElementsAre("warning host_missing"));
  ASSERT_EQ(r.changes.size(), 1u);
  EXPECT_EQ(r.changes[0].missing_since, quiet.last_seen);
  EXPECT_THAT(r.events[0].event.message(), HasSubstr("(2h ago)"));
}

v1::Scan Scanning(uint64_t issued, const std::string& state = "scanning") {
  v1::Scan scan;
  scan.set_function("scrub");
  scan.set_state(state);
  scan.set_start_time(1'699'990'000);
  scan.set_bytes_issued(issued);
  scan.set_percent_done(static_cast<double>(issued) / 10);
  return scan;
}

TEST(ScanProgressTest, MovesOnlyWhenProgressOrPauseChanges) {
  std::optional<ScanProgress> p = NextScanProgress(std::nullopt, Scanning(100), kNow);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->progressed_at, kNow);
  const absl::Time later = kNow + absl::Hours(1);
  EXPECT_EQ(NextScanProgress(p, Scanning(100), later)->progressed_at, kNow);
  EXPECT_EQ(NextScanProgress(p, Scanning(200), later)->progressed_at, later);
  EXPECT_EQ(NextScanProgress(p, Scanning(100, "paused"), later)->progressed_at, later);
  v1::Scan other = Scanning(100);
  other.set_start_time(1'699'999'999);
  EXPECT_EQ(NextScanProgress(p, other, later)->progressed_at, later);
  v1::Scan done = Scanning(1000, "finished");
  EXPECT_FALSE(NextScanProgress(p, done, later).has_value());
}

TEST(ScanProgressTest, StallAfterNoProgressButNotWhenPaused) {
  ScanProgressRecord r{"nas1", "tank", *NextScanProgress(std::nullopt, Scanning(100), kNow)};
  EXPECT_FALSE(DetectStall(r, kNow + absl::Minutes(119), absl::Hours(2)).has_value());
  std::optional<ScrubConcern> c = DetectStall(r, kNow + absl::Hours(2), absl::Hours(2));
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->kind, ScrubConcern::Kind::kStalled);
  EXPECT_EQ(c->since, kNow);
  EXPECT_EQ(c->detail, "scrub at 10.00% has made no progress for 2h");
  r.progress.paused = true;
  EXPECT_FALSE(DetectStall(r, kNow + absl::Hours(5), absl::Hours(2)).has_value());
}

TEST(ScrubOverdueTest, PastIntervalPlusATenth) {
  ScrubDue due{
      "nas1", "tank", kNow - absl::Hours(24 * 100), kNow - absl::Hours(24 * 7), absl::Hours(24 * 7),
      false};
  EXPECT_FALSE(DetectScrubOverdue(due, kNow).has_value());
  EXPECT_FALSE(DetectScrubOverdue(due, kNow + absl::Hours(16)).has_value());
  std::optional<ScrubConcern> c = DetectScrubOverdue(due, kNow + absl::Hours(17));
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->since, kNow);
  EXPECT_THAT(c->detail, HasSubstr("interval 7d"));
  due.scanning = true;
  EXPECT_FALSE(DetectScrubOverdue(due, kNow + absl::Hours(17)).has_value());
  // Never scrubbed: measured from first sight.
  ScrubDue fresh{"nas1", "new", kNow, std::nullopt, absl::Hours(24 * 7), false};
  EXPECT_FALSE(DetectScrubOverdue(fresh, kNow + absl::Hours(24 * 7)).has_value());
  c = DetectScrubOverdue(fresh, kNow + absl::Hours(24 * 8));
  ASSERT_TRUE(c.has_value());
  EXPECT_THAT(c->detail, HasSubstr("never scrubbed"));
}

TEST(ScrubConcernEventTest, KeyNamesTheInstanceNotTheTick) {
  ScrubConcern c{ScrubConcern::Kind::kOverdue, "nas1", "tank", kNow, "last scrub …"};
  NewEvent a = ScrubConcernEvent(c, kNow + absl::Hours(1));
  NewEvent b = ScrubConcernEvent(c, kNow + absl::Hours(2));
  EXPECT_EQ(a.dedup_key, b.dedup_key);
  EXPECT_EQ(a.event.kind(), "scrub_overdue");
  EXPECT_EQ(a.event.severity(), v1::SEVERITY_WARNING);
  c.kind = ScrubConcern::Kind::kStalled;
  EXPECT_EQ(ScrubConcernEvent(c, kNow).event.kind(), "scrub_stalled");
  EXPECT_NE(ScrubConcernEvent(c, kNow).dedup_key, a.dedup_key);
}

TEST(VanishedPoolsTest, PresentPoolsMissingFromTheReport) {
  EXPECT_THAT(DetectVanishedPools("nas1", {"a", "b"}, {"a", "b", "c"}, kNow), IsEmpty());
  std::vector<NewEvent> gone = DetectVanishedPools("nas1", {"a", "b"}, {}, kNow);
  EXPECT_THAT(Summary(gone), ElementsAre("warning pool_state", "warning pool_state"));
  EXPECT_EQ(gone[1].event.message(),
            "pool b is no longer reported by nas1 (exported, destroyed, or not imported)");
}

TEST(HumanBytesTest, LikeZpool) {
  EXPECT_EQ(HumanBytes(0), "0B");
  EXPECT_EQ(HumanBytes(1023), "1023B");
  EXPECT_EQ(HumanBytes(1536), "1.5K");
  EXPECT_EQ(HumanBytes(47'500'000), "45.3M");
}

}  // namespace
}  // namespace zfleet::controller
