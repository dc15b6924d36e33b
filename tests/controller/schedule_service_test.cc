// `zfleet schedule` as the controller answers it from its store: expected durations from the
// pool's finished scrubs, the plan's latest starts, and the cap groups the policy cannot hold.
#include "controller/schedule_service.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/controller/controller_fixtures.h"
#include "tests/testing/pool_builders.h"

namespace zfleet::controller {
namespace {

// Monday 2026-11-02 12:00 UTC.
const absl::Time kMonday =
    absl::FromCivil(absl::CivilSecond(2026, 11, 2, 12, 0, 0), absl::UTCTimeZone());

v1::Pool SataPool(const std::string& name, absl::Time scrub_start, absl::Time scrub_end) {
  v1::Pool pool;
  pool.set_name(name);
  pool.set_state("ONLINE");
  pool.set_allocated_bytes(uint64_t{36} * 1'000'000'000'000);  // 50 h at the sata class rate
  v1::Scan* scan = pool.mutable_scan();
  scan->set_function("scrub");
  scan->set_state("finished");
  scan->set_start_time(absl::ToUnixSeconds(scrub_start));
  scan->set_end_time(absl::ToUnixSeconds(scrub_end));
  *pool.add_vdevs() = testing::ClassedLeaf("sda", "data", "sata");
  return pool;
}

class ScheduleServiceTest : public FleetServicesTest {
 protected:
  ScheduleServiceTest() : FleetServicesTest(kMonday) {}
  void SetUp() override {
    auto& sata = config_.scheduler.classes[static_cast<int>(DiskClass::kSata)];
    sata.interval = absl::Hours(24 * 7);
    sata.windows = *ScrubWindows::Parse({"Sat 00:00-Sun 00:00"});  // 24 window hours a week
    config_.scheduler.max_per_host = 1;
    OpenServices(":memory:");
  }

  v1::GetScheduleResponse Schedule() {
    ScheduleService schedule(store_.get(), &mu_, &config_, &clock_);
    absl::StatusOr<v1::GetScheduleResponse> got = schedule.GetSchedule();
    EXPECT_TRUE(got.ok()) << got.status();
    return got.ok() ? *got : v1::GetScheduleResponse();
  }
};

TEST_F(ScheduleServiceTest, ExpectedDurationComesFromTheLastScrubs) {
  // Scrubbed last Saturday from 20:00 to 23:00.
  const absl::Time saturday = kMonday - absl::Hours(40);  // Saturday 20:00
  ReportPools("nas1", {SataPool("tank", saturday, saturday + absl::Hours(3))});
  v1::GetScheduleResponse s = Schedule();
  ASSERT_EQ(s.rows_size(), 1);
  EXPECT_EQ(s.rows(0).expected_seconds(), 3 * 3600);  // not the 50 h its size gives
  // Due next Saturday 20:00, inside the window: start by then, not late, no shortfall.
  EXPECT_EQ(s.rows(0).start_by(), absl::ToUnixSeconds(saturday + absl::Hours(24 * 7)));
  EXPECT_FALSE(s.rows(0).late());
  EXPECT_EQ(s.shortfalls_size(), 0);
}

TEST_F(ScheduleServiceTest, AScrubNobodyPausedCountsInWallTime) {
  // Scrubbed by hand this morning, 08:00 to 11:00, while the window was closed: zpool ran it
  // through, so it took 3 hours, not the 0 window hours it spent.
  const absl::Time morning = kMonday - absl::Hours(4);
  ReportPools("nas1", {SataPool("tank", morning, morning + absl::Hours(3))});
  v1::GetScheduleResponse s = Schedule();
  ASSERT_EQ(s.rows_size(), 1);
  EXPECT_EQ(s.rows(0).expected_seconds(), 3 * 3600);
}

TEST_F(ScheduleServiceTest, APoolLongerThanItsWindowsIsAShortfall) {
  // Never scrubbed here: its expected duration is its size at the class rate, 50 h, and the
  // host's one slot gets 24 window hours a week.
  v1::Pool tank = SataPool("tank", kMonday, kMonday);
  tank.mutable_scan()->set_function("none");
  tank.mutable_scan()->set_state("none");
  ReportPools("nas1", {tank});
  v1::GetScheduleResponse s = Schedule();
  ASSERT_EQ(s.rows_size(), 1);
  EXPECT_EQ(s.rows(0).expected_seconds(), 50 * 3600);
  ASSERT_GE(s.shortfalls_size(), 1);
  EXPECT_EQ(s.shortfalls(0).class_(), "sata");
  EXPECT_EQ(s.shortfalls(0).interval_seconds(), 7 * 24 * 3600);
  EXPECT_DOUBLE_EQ(s.shortfalls(0).need_hours(), 50);
  EXPECT_DOUBLE_EQ(s.shortfalls(0).capacity_hours(), 24);
  EXPECT_EQ(s.shortfalls(0).pools(), 1);
  EXPECT_THAT(s.shortfalls(0).text(),
              ::testing::HasSubstr("sata on " + s.shortfalls(0).group() +
                                   " needs ~50 scrub-hours every 7d; its windows under the caps "
                                   "give 24 (1 pools)"));
}

TEST_F(ScheduleServiceTest, AfterARestartSilenceCountsFromWhenTheControllerStarted) {
  // nas1 last reported two hours ago, long past missing_after, and the controller (down
  // since) has just started: until nas1 has had missing_after to report, its pool is planned
  // as if it reported, as liveness counts it. Without that its pool had no planned start
  // until the next plan, up to 12 hours later.
  const absl::Time saturday = kMonday - absl::Hours(40);
  clock_.Set(kMonday - absl::Hours(2));
  ReportPools("nas1", {SataPool("tank", saturday, saturday + absl::Hours(3))});
  clock_.Set(kMonday);
  ASSERT_GT(absl::Hours(2), config_.MissingAfter());
  ScheduleService restarted(store_.get(), &mu_, &config_, &clock_);
  restarted.set_watching_since(kMonday);
  absl::StatusOr<v1::GetScheduleResponse> s = restarted.GetSchedule();
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->rows_size(), 1);
  EXPECT_EQ(s->rows(0).start_by(), absl::ToUnixSeconds(saturday + absl::Hours(24 * 7)));
  // A controller watching since before the silence began sees the host missing: no plan.
  v1::GetScheduleResponse watching = Schedule();
  ASSERT_EQ(watching.rows_size(), 1);
  EXPECT_FALSE(watching.rows(0).has_start_by());
  // Nor one whose first plan comes missing_after since its start, without a report.
  clock_.Set(kMonday + config_.MissingAfter() + absl::Seconds(1));
  ScheduleService later(store_.get(), &mu_, &config_, &clock_);
  later.set_watching_since(kMonday);
  s = later.GetSchedule();
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->rows_size(), 1);
  EXPECT_FALSE(s->rows(0).has_start_by());
}

}  // namespace
}  // namespace zfleet::controller
