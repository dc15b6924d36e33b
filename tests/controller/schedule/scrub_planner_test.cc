#include "controller/schedule/scrub_planner.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/controller/schedule/scheduler_world.h"

namespace zfleet::controller {
namespace {

SchedulerPolicy RackOfOne() {
  SchedulerPolicy policy;
  policy.max_per_label = {{"rack", 1}};
  policy.early_start = 0;  // only planned starts
  return policy;
}

TEST(ScrubPlannerTest, ExpectedDurationFromHistoryThenSizeThenClassRate) {
  SchedulerPolicy policy;
  PoolSnapshot p;
  p.disk_class = DiskClass::kSas;
  EXPECT_EQ(ExpectedScrubDuration(p, policy), absl::Hours(1));  // nothing known
  p.size_bytes = 400e6 * 3600;
  EXPECT_EQ(ExpectedScrubDuration(p, policy), absl::Hours(1));  // at the sas rate
  p.scan_bytes_per_s = 100e6;
  EXPECT_EQ(ExpectedScrubDuration(p, policy), absl::Hours(4));
  p.expected_duration = absl::Hours(6);
  EXPECT_EQ(ExpectedScrubDuration(p, policy), absl::Hours(6));
}

TEST(ScrubPlannerTest, ExpectedDurationFromHistoryIsTheMedianOfTheLastThreeInWindowTime) {
  SchedulerPolicy policy;
  policy.classes[static_cast<int>(DiskClass::kSata)].windows = Windows({"Mon-Fri 01:00-05:00"});
  const DiskClass sata = DiskClass::kSata;
  EXPECT_EQ(ExpectedFromHistory({}, sata, policy), std::nullopt);
  // Started Monday 03:00, paused at 05:00, resumed Tuesday 01:00, done 02:00: 3 window hours.
  std::vector<FinishedScrub> runs = {{At(2, 3), At(3, 2)}};
  EXPECT_EQ(ExpectedFromHistory(runs, sata, policy), absl::Hours(3));
  policy.at_window_end = WindowEndAction::kContinue;  // it ran through the night: 23 hours
  EXPECT_EQ(ExpectedFromHistory(runs, sata, policy), absl::Hours(23));
  policy.at_window_end = WindowEndAction::kPause;
  runs[0].windowed = false;  // a manual scrub is never paused: 23 hours too
  EXPECT_EQ(ExpectedFromHistory(runs, sata, policy), absl::Hours(23));
  // The median of the newest three; older runs and runs that end before they start count not.
  runs = {{At(11, 1), At(11, 2)},     // Wednesday, 1 h
          {At(10, 1), At(10, 5)},     // 4 h
          {At(10, 5), At(10, 1)},     // bad clock: ignored
          {At(9, 1), At(9, 3)},       // 2 h
          {At(6, 1), At(6, 4, 59)}};  // older than the three
  EXPECT_EQ(ExpectedFromHistory(runs, sata, policy), absl::Hours(2));
}

TEST(ScrubPlannerTest, DueInAClosedWindowStartsInTheLastStretchBeforeIt) {
  FleetSnapshot fleet = OneRack(1, At(4, 12), 2);  // due Wednesday noon, 2 hours
  SchedulerPolicy policy = RackOfOne();
  policy.classes[static_cast<int>(DiskClass::kSata)].windows = Windows({"Mon-Fri 01:00-05:00"});
  ScrubPlan plan = PlanScrubs(kNow, fleet, policy, {});
  ASSERT_EQ(plan.pools.size(), 1u);
  // Late enough in Wednesday's night to finish inside it.
  EXPECT_EQ(plan.pools[0].latest_start, At(4, 3));
  EXPECT_FALSE(plan.pools[0].late);
  EXPECT_EQ(plan.late, 0);
  EXPECT_TRUE(plan.shortfalls.empty());

  EXPECT_THAT(Actions(Decide(At(4, 2), fleet, policy, {}, {})), ::testing::IsEmpty());
  Decision at_three = Decide(At(4, 3), fleet, policy, {}, {});
  EXPECT_THAT(Actions(at_three), ::testing::ElementsAre("start:0:planned"));
  // Without the plan it would have waited for Thursday night, 13 hours late.
}

TEST(ScrubPlannerTest, ACapStaggersPoolsDueTogetherBackwards) {
  FleetSnapshot fleet = OneRack(3, At(5, 0), 10);  // three 10h scrubs due Thursday 00:00
  SchedulerPolicy policy = RackOfOne();
  ScrubPlan plan = PlanScrubs(kNow, fleet, policy, {});
  ASSERT_EQ(plan.pools.size(), 3u);
  EXPECT_EQ(plan.pools[2].latest_start, At(5, 0));
  // Each is given its 10 hours and a fifth more (a scrub may overrun its estimate) and a tick.
  EXPECT_EQ(plan.pools[1].latest_start, At(4, 12) - kTick);
  EXPECT_EQ(plan.pools[0].latest_start, At(4, 0) - 2 * kTick);
  EXPECT_EQ(plan.late, 0);
  // The first one starts when waiting longer would make the last one late.
  EXPECT_THAT(Actions(Decide(At(3, 23), fleet, policy, {}, {})), ::testing::IsEmpty());
  EXPECT_THAT(Actions(Decide(At(4, 0), fleet, policy, {}, {})),
              ::testing::ElementsAre("start:0:planned"));
  // Rows show the latest start, and the next time the decision changes is that start.
  Decision rows = Decide(At(3, 23), fleet, policy, {}, {});
  ASSERT_EQ(rows.rows.size(), 3u);
  EXPECT_EQ(rows.rows[1].start_by, At(4, 12) - kTick);
  EXPECT_EQ(rows.wake_at, At(4, 0) - 2 * kTick);
}

TEST(ScrubPlannerTest, AHostsPoolsArePlannedIntoDifferentHoursByTheirRackToo) {
  // A rack of two slots, host h0 with two pools and h1, h2 with one each: four 4h scrubs due
  // Thursday 00:00. Planning the rack and the host apart put h0's two pools both into the
  // rack's early pair (and the host's 20:00), so that three pools were left for the rack's
  // two slots at 00:00. Planned together, starting each pool at its latest start runs at
  // most two at a time, one at a time on h0, and every pool on time.
  FleetSnapshot fleet = OneRack(3, At(5, 0), 4);
  fleet.pools.insert(fleet.pools.begin() + 1, fleet.pools[0]);
  fleet.pools[1].name = "tank2";
  SchedulerPolicy policy = RackOfOne();
  policy.max_per_label = {{"rack", 2}};
  ScrubPlan plan = PlanScrubs(kNow, fleet, policy, {});
  ASSERT_EQ(plan.pools.size(), 4u);
  EXPECT_EQ(plan.late, 0);
  auto overlap = [&](size_t a, size_t b) {
    absl::Time sa = plan.pools[a].latest_start, sb = plan.pools[b].latest_start;
    return sa < sb + absl::Hours(4) && sb < sa + absl::Hours(4);
  };
  EXPECT_FALSE(overlap(0, 1)) << "h0 runs one scrub at a time";
  for (size_t a = 0; a < 4; ++a) {
    EXPECT_LE(plan.pools[a].latest_start, At(5, 0));
    for (size_t b = a + 1; b < 4; ++b) {
      for (size_t c = b + 1; c < 4; ++c) {
        EXPECT_FALSE(overlap(a, b) && overlap(b, c) && overlap(a, c))
            << "three scrubs at once on a rack of two: " << a << b << c;
      }
    }
  }
}

TEST(ScrubPlannerTest, ARunningScrubDelaysTheChainAndMakesPoolsLate) {
  FleetSnapshot fleet = OneRack(3, At(3, 20), 10);  // due Tuesday 20:00
  SchedulerPolicy policy = RackOfOne();
  // Pool 0 scrubs, 10% done: 9 more hours, until 11:00. Then one 10h scrub can start by
  // 20:00, the other only at 21:00: late.
  fleet.pools[0].scan_function = ScanFunction::kScrub;
  fleet.pools[0].scan_state = ScanState::kScanning;
  fleet.pools[0].percent_done = 10;
  std::vector<RunningScrub> running = {
      {0, ScrubTrigger::kScheduled, RunState::kRunning, kNow, kNow}};
  ScrubPlan plan = PlanScrubs(kNow, fleet, policy, running);
  EXPECT_FALSE(plan.pools[0].planned);
  EXPECT_EQ(plan.late, 1);
  EXPECT_TRUE(plan.pools[1].late || plan.pools[2].late);
}

TEST(ScrubPlannerTest, AHostExpectedBackIsPlannedAndOneAwayIsNot) {
  FleetSnapshot fleet = OneRack(3, At(3, 20), 10);
  SchedulerPolicy policy = RackOfOne();
  fleet.hosts[0].reporting = false;  // away: its pool takes no slot in the plan
  fleet.hosts[1].reporting = false;  // silent only while the controller was away
  fleet.hosts[1].expected_back = true;
  ScrubPlan plan = PlanScrubs(kNow, fleet, policy, {});
  EXPECT_FALSE(plan.pools[0].planned);
  ASSERT_TRUE(plan.pools[1].planned);
  ASSERT_TRUE(plan.pools[2].planned);
  // The two planned pools share the rack's one slot: one of them goes first, ten hours and
  // a fifth (and a tick) before the other.
  EXPECT_EQ(std::max(plan.pools[1].latest_start, plan.pools[2].latest_start) -
                std::min(plan.pools[1].latest_start, plan.pools[2].latest_start),
            absl::Hours(12) + kTick);
}

TEST(ScrubPlannerTest, APoolThatCannotFollowAPausedScrubGoesBeforeIt) {
  // Tuesday 06:00 on a rack of one: pool 0's SATA scrub was paused at 05:00 with two hours to
  // go, so it holds the slot Wednesday 01:00-03:00. Pool 1 (SAS, any time, 6h) is due
  // Wednesday 02:00: it cannot follow the paused scrub in time, so it runs before it,
  // ending by 01:00 (given its 6h and a fifth more); the paused scrub's slot does not count
  // as taken from now.
  FleetSnapshot fleet = OneRack(2, At(4, 2), 4);
  fleet.pools[0].scan_function = ScanFunction::kScrub;
  fleet.pools[0].scan_state = ScanState::kPaused;
  fleet.pools[0].percent_done = 50;
  fleet.pools[1].disk_class = DiskClass::kSas;
  fleet.pools[1].last_scrub_start = At(4, 2) - Days(30);
  fleet.pools[1].size_bytes = 6 * 3600 * 100e6;
  SchedulerPolicy policy = RackOfOne();
  policy.classes[static_cast<int>(DiskClass::kSata)].windows = Windows({"Mon-Fri 01:00-05:00"});
  const absl::Time now = At(3, 6);
  std::vector<RunningScrub> running = {
      {0, ScrubTrigger::kScheduled, RunState::kPausedByWindow, At(3, 3), At(3, 5)}};
  ScrubPlan plan = PlanScrubs(now, fleet, policy, running);
  EXPECT_EQ(plan.pools[1].latest_start, At(3, 17, 48) - kTick);
  EXPECT_FALSE(plan.pools[1].late);
  EXPECT_EQ(plan.late, 0);
}

TEST(ScrubPlannerTest, AnAlwaysOpenPoolRunsInTheHoursTheWindowsLeave) {
  // A rack of one, Tuesday 02:00: pool 0 (SATA, Mon-Fri 01:00-05:00, 5h) is due Wednesday
  // 01:30, pool 1 (SAS, any time, 6h) Wednesday 02:00. Placed by due time alone, the SAS
  // scrub took Wednesday from 02:00 and left the SATA one only the nights before, which need
  // it to have started Monday: late. Placed into the hours the SATA window leaves, the SAS
  // scrub ends when the SATA one starts (given its 6h and a fifth more).
  FleetSnapshot fleet = OneRack(2, At(4, 1, 30), 5);
  fleet.pools[1].disk_class = DiskClass::kSas;
  fleet.pools[1].last_scrub_start = At(4, 2) - Days(30);
  fleet.pools[1].size_bytes = 6 * 3600 * 100e6;
  SchedulerPolicy policy = RackOfOne();
  policy.classes[static_cast<int>(DiskClass::kSata)].windows = Windows({"Mon-Fri 01:00-05:00"});
  ScrubPlan plan = PlanScrubs(kNow, fleet, policy, {});
  EXPECT_EQ(plan.pools[0].latest_start, At(4, 1, 30));
  EXPECT_EQ(plan.pools[1].latest_start, At(3, 18, 18) - kTick);
  EXPECT_EQ(plan.late, 0);
  EXPECT_THAT(Actions(Decide(At(3, 18, 18) - kTick, fleet, policy, {}, {})),
              ::testing::ElementsAre("start:1:planned"));
}

TEST(ScrubPlannerTest, AGroupThatCannotHoldItsScrubsIsAShortfall) {
  // Four 50h SATA scrubs a week on a rack that runs one at a time: 200 > 168 hours.
  FleetSnapshot fleet = OneRack(4, At(9, 0), 50);
  SchedulerPolicy policy = RackOfOne();
  ScrubPlan plan = PlanScrubs(kNow, fleet, policy, {});
  ASSERT_EQ(plan.shortfalls.size(), 1u);
  const Shortfall& s = plan.shortfalls[0];
  EXPECT_EQ(s.group, "rack=r1");
  EXPECT_EQ(s.disk_class, DiskClass::kSata);
  EXPECT_DOUBLE_EQ(s.need_hours, 200);
  EXPECT_DOUBLE_EQ(s.capacity_hours, 168);
  EXPECT_EQ(ShortfallText(s),
            "sata on rack=r1 needs ~200 scrub-hours every 7d; its windows under the caps give "
            "168 (4 pools)");
  EXPECT_GE(plan.late, 1);
  // Short windows and small pools are not rounded to nothing.
  EXPECT_EQ(ShortfallText({"host h1", DiskClass::kNvme, absl::Hours(24), 2.54, 0.5, 3}),
            "nvme on host h1 needs ~2.5 scrub-hours every 1d; its windows under the caps give "
            "0.50 (3 pools)");
  // Hosts, with one pool each, have room: no shortfall of their own.
  for (const Shortfall& other : plan.shortfalls)
    EXPECT_EQ(other.group.rfind("host", 0), std::string::npos);
}

TEST(ScrubPlannerTest, PlannedStartsAreNeverMoreThanHalfAnIntervalEarly) {
  // Six 40h scrubs due in six days on a rack of one: the plan wants the first one now, but
  // that is more than 3.5 days early, so it waits.
  FleetSnapshot fleet = OneRack(6, kNow + Days(6), 40);
  SchedulerPolicy policy = RackOfOne();
  ScrubPlan plan = PlanScrubs(kNow, fleet, policy, {});
  EXPECT_LT(plan.pools[0].latest_start, kNow);
  Decision d = Decide(kNow, fleet, policy, {}, {});
  EXPECT_THAT(Actions(d), ::testing::IsEmpty());
  EXPECT_EQ(d.wake_at, kNow + Days(6) - Days(3.5));
  EXPECT_THAT(Actions(Decide(kNow + Days(2.5), fleet, policy, {}, {})),
              ::testing::ElementsAre("start:0:planned"));
}

}  // namespace
}  // namespace zfleet::controller
