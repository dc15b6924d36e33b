#include <functional>
#include <string>
#include <vector>

#include "controller/schedule/scheduler.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/controller/schedule/scheduler_world.h"

namespace zfleet::controller {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(SchedulerEarlyTest, PoolsDueInAClosedWindowMayStartEarlyOnIdleCapacity) {
  struct Case {
    std::string name;
    absl::Duration due_in;  // pool 0's due time after kNow
    double early_start;
    int running;  // other scrubs running fleet-wide
    int max_concurrent;
    std::vector<std::string> actions;
  } cases[] = {
      {"due at 12:00, window closed then", absl::Hours(10), 0.1, 0, 50, {"start:0:early"}},
      {"due at 04:00, window open then", absl::Hours(2), 0.1, 0, 50, {}},
      {"outside the early period", absl::Hours(17), 0.1, 0, 50, {}},
      {"early starts off", absl::Hours(10), 0, 0, 50, {}},
      {"fleet busy", absl::Hours(10), 0.1, 1, 2, {}},
      {"fleet idle enough", absl::Hours(10), 0.1, 1, 4, {"start:0:early"}},
  };
  for (const Case& c : cases) {
    World w;
    w.policy.classes[0].windows = Windows({"Mon-Fri 01:00-05:00"});
    w.policy.early_start = c.early_start;
    w.policy.max_concurrent = c.max_concurrent;
    w.fleet.pools[0].last_scrub_start = kNow + c.due_in - Days(7);
    for (int i = 0; i < c.running; ++i) w.Run(3);
    Decision d = w.Decide();
    EXPECT_EQ(Actions(d), c.actions) << c.name;
    EXPECT_EQ(d.rows[0].phase, c.actions.empty() ? PoolPhase::kNotDue : PoolPhase::kStarting)
        << c.name;
    EXPECT_EQ(d.rows[0].reason, "") << c.name;
  }
}

TEST(SchedulerWakeTest, WakeAtIsTheNextTimeTheDecisionCanChange) {
  World w;
  w.fleet.pools[0].last_scrub_start = kNow - Days(7) + absl::Hours(5);
  EXPECT_EQ(w.Decide().wake_at, kNow + absl::Hours(5));  // pool 0 falls due

  w.policy.classes[0].windows = Windows({"Mon-Fri 01:00-05:00"});
  w.policy.early_start = 0;
  w.fleet.pools[0].last_scrub_start = kNow - Days(8);
  EXPECT_EQ(w.Decide(At(3, 6)).wake_at, At(4, 1));  // due, waits for the window

  w.policy.early_start = 0.1;
  w.fleet.pools[0].last_scrub_start = At(3, 12) - Days(7);  // due Tue 12:00, closed then
  EXPECT_EQ(w.Decide(At(2, 6)).wake_at, At(3, 12) - absl::Hours(24 * 7) * 0.1);

  // In its early period but the window is closed now: wake when it opens.
  EXPECT_EQ(w.Decide(At(2, 20)).wake_at, At(3, 1));
  EXPECT_THAT(Actions(w.Decide(At(2, 20))), IsEmpty());
  EXPECT_THAT(Actions(w.Decide(At(3, 1))), ElementsAre("start:0:early"));

  EXPECT_EQ(Decide(kNow, {}, w.policy, {}, {}).wake_at, absl::InfiniteFuture());
}

TEST(SchedulerStallTest, RunningScrubsWithoutProgressAreReported) {
  World w;
  w.running.push_back(
      {1, ScrubTrigger::kScheduled, RunState::kRunning, kNow - Days(1), kNow - absl::Hours(3)});
  w.running.push_back(
      {2, ScrubTrigger::kExternal, RunState::kRunning, kNow - Days(1), kNow - absl::Hours(1)});
  w.running.push_back(
      {3, ScrubTrigger::kScheduled, RunState::kPausedByOperator, kNow - Days(1), kNow - Days(1)});
  EXPECT_THAT(w.Decide().stalled, ElementsAre(1));
  w.policy.stall_after = absl::Minutes(30);
  EXPECT_THAT(w.Decide().stalled, ElementsAre(1, 2));
}

TEST(SchedulerRowsTest, EveryPoolHasARowInFleetOrder) {
  World w;
  w.fleet.pools[1].size_bytes = 36e11;
  w.fleet.pools[1].scan_bytes_per_s = 1e9;
  w.fleet.pools[2].last_scrub_start.reset();
  w.fleet.pools[2].last_scrub_end.reset();
  w.Run(3);
  Decision d = w.Decide();
  ASSERT_EQ(d.rows.size(), 4u);
  for (size_t i = 0; i < 4; ++i) EXPECT_EQ(d.rows[i].pool, i);
  EXPECT_EQ(d.rows[0].disk_class, DiskClass::kSata);
  EXPECT_EQ(d.rows[0].last_scrub, kNow - Days(8) + absl::Hours(5));
  EXPECT_EQ(d.rows[0].next_due, kNow - Days(1));
  EXPECT_EQ(d.rows[0].phase, PoolPhase::kStarting);
  EXPECT_EQ(d.rows[1].next_due, kNow + Days(29));
  EXPECT_EQ(d.rows[1].phase, PoolPhase::kNotDue);
  EXPECT_EQ(d.rows[1].estimated_duration, absl::Hours(1));
  EXPECT_EQ(d.rows[2].last_scrub, std::nullopt);
  EXPECT_EQ(d.rows[2].next_due, kNow - Days(100) + SpreadOffset("h1", "tank", Days(7)));
  EXPECT_EQ(d.rows[3].phase, PoolPhase::kRunning);
  EXPECT_EQ(PoolPhaseName(d.rows[3].phase), "running");

  DecideOptions quiet{/*explain=*/false, nullptr};
  EXPECT_THAT(Decide(kNow, w.fleet, w.policy, w.running, w.manual, quiet).rows, IsEmpty());
}

TEST(SchedulerCandidatesTest, TheHintGivesTheSameActionsAsAFullScan) {
  FleetSnapshot fleet;
  SchedulerPolicy policy;
  policy.max_concurrent = 40;
  policy.max_per_label = {{"rack", 3}};
  policy.classes[0].windows = Windows({"Sat 00:00-Mon 06:00", "Mon-Fri 01:00-05:00"});
  for (int h = 0; h < 200; ++h) {
    fleet.hosts.push_back({absl::StrCat("h", h),
                           {{"rack", absl::StrCat("r", h % 13)}},
                           h % 17 == 0 ? 9.0 : 1.0,
                           h % 31 != 0,
                           true});
    for (int p = 0; p < 3; ++p) {
      PoolSnapshot pool;
      pool.host = h;
      pool.name = absl::StrCat("p", p);
      pool.disk_class = p == 2 ? DiskClass::kSas : DiskClass::kSata;
      pool.first_seen = kNow - Days(3);
      if ((h + p) % 5 != 0) pool.last_scrub_start = kNow - absl::Hours((h * 37 + p * 11) % 800);
      fleet.pools.push_back(pool);
    }
  }
  std::vector<RunningScrub> running;
  for (size_t i = 5; i < fleet.pools.size(); i += 41) {
    running.push_back({i, ScrubTrigger::kScheduled, RunState::kRunning, kNow, kNow});
  }
  for (absl::Time now : {kNow, At(3, 12), At(7, 3)}) {
    std::vector<size_t> hint;
    for (size_t i = 0; i < fleet.pools.size(); ++i) {
      const PoolSnapshot& p = fleet.pools[i];
      absl::Time due = DueTime(p, fleet.hosts[p.host], policy);
      if (EarlyStartTime(due, p.disk_class, policy) <= now) hint.push_back(i);
    }
    Decision full = Decide(now, fleet, policy, running, {});
    hint.push_back(hint.front());  // a repeated entry changes nothing
    Decision hinted = Decide(now, fleet, policy, running, {}, {false, &hint});
    EXPECT_EQ(Actions(full), Actions(hinted)) << now;
    EXPECT_FALSE(full.actions.empty()) << now;
  }
}

TEST(SchedulerInputTest, OutOfRangeIndicesAreIgnored) {
  World w;
  w.fleet.pools.push_back(w.fleet.pools[0]);
  w.fleet.pools.back().host = 99;
  w.running.push_back({77, ScrubTrigger::kScheduled, RunState::kRunning, kNow, kNow});
  w.manual.push_back({88, true, kNow});
  Decision d = w.Decide();
  EXPECT_THAT(Actions(d), ElementsAre("start:0:due"));
  EXPECT_EQ(d.rows.size(), 4u);
}

TEST(SchedulerNamesTest, NamesRoundTrip) {
  EXPECT_EQ(ParseScanFunction("resilver"), ScanFunction::kResilver);
  EXPECT_EQ(ParseScanFunction("none"), ScanFunction::kNone);
  EXPECT_EQ(ParseScanState("paused"), ScanState::kPaused);
  EXPECT_EQ(ParseScanState("?"), ScanState::kNone);
  EXPECT_EQ(ScrubTriggerName(ScrubTrigger::kExternal), "external");
  EXPECT_EQ(ActionKindName(ActionKind::kResume), "resume");
  EXPECT_EQ(ParseWindowEndAction("continue"), WindowEndAction::kContinue);
  EXPECT_EQ(WindowEndActionName(WindowEndAction::kStop), "stop");
}

}  // namespace
}  // namespace zfleet::controller
