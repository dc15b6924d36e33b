#include "controller/schedule/standing_plan.h"

#include <vector>

#include "gtest/gtest.h"
#include "tests/controller/schedule/scheduler_world.h"

namespace zfleet::controller {
namespace {

// Three 10h SATA scrubs due Thursday 00:00 on a rack that runs one at a time (the plan
// staggers them, each given its 10 hours and a fifth more: Wednesday 00:00, 12:00, Thursday
// 00:00); SATA windows open Tuesday to Thursday all day.
struct Staggered {
  FleetSnapshot fleet = OneRack(3, At(5, 0), 10);
  SchedulerPolicy policy;

  Staggered() {
    policy.max_per_label = {{"rack", 1}};
    policy.early_start = 0;
    policy.classes[static_cast<int>(DiskClass::kSata)].windows = Windows({"Tue-Thu 00:00-24:00"});
  }
};

TEST(StandingPlanTest, ReplanTimeIsTheNextWindowEdgeOrTwelveHoursLater) {
  SchedulerPolicy policy;  // every class always open
  EXPECT_EQ(ReplanTime(kNow, policy), kNow + absl::Hours(12));
  policy.classes[static_cast<int>(DiskClass::kNvme)].windows = Windows({"Mon-Sun 00:00-06:00"});
  EXPECT_EQ(ReplanTime(kNow, policy), At(3, 6));  // Tuesday 02:00 → the window closes at 06:00
  EXPECT_EQ(ReplanTime(At(3, 7), policy), At(3, 19));
}

TEST(StandingPlanTest, ThePlanStandsUntilItsReplanTimeEvenWhenTheFleetMoves) {
  Staggered w;
  StandingPlan standing;
  const ScrubPlan& first = standing.At(kNow, w.fleet, w.policy, {});
  ASSERT_EQ(first.pools.size(), 3u);
  EXPECT_EQ(first.pools[0].latest_start, At(4, 0) - 2 * kTick);
  EXPECT_EQ(standing.made(), kNow);
  // An hour later pool 2 is found scrubbing (someone started it by hand). A new plan would
  // let pool 0 wait until 12:00; the standing one keeps what it said.
  w.fleet.pools[2].scan_function = ScanFunction::kScrub;
  w.fleet.pools[2].scan_state = ScanState::kScanning;
  std::vector<RunningScrub> running = {
      {2, ScrubTrigger::kExternal, RunState::kRunning, kNow, kNow}};
  EXPECT_EQ(PlanScrubs(kNow + absl::Hours(1), w.fleet, w.policy, running).pools[0].latest_start,
            At(4, 12) - kTick);
  const ScrubPlan& later = standing.At(kNow + absl::Hours(1), w.fleet, w.policy, running);
  EXPECT_EQ(later.pools[0].latest_start, At(4, 0) - 2 * kTick);
  EXPECT_EQ(standing.made(), kNow);
  // Twelve hours after it was made (no window edge in between), a new plan.
  standing.At(kNow + absl::Hours(12), w.fleet, w.policy, running);
  EXPECT_EQ(standing.made(), kNow + absl::Hours(12));
  // A clock set back makes a new one too.
  standing.At(kNow, w.fleet, w.policy, running);
  EXPECT_EQ(standing.made(), kNow);
}

TEST(StandingPlanTest, PoolsAreMatchedByHostAndNameWhenTheFleetChanges) {
  Staggered w;
  StandingPlan standing;
  const absl::Time pool1_start = standing.At(kNow, w.fleet, w.policy, {}).pools[1].latest_start;
  // The store lists the pools in another order, and h2's pool is gone.
  std::swap(w.fleet.pools[0], w.fleet.pools[1]);
  w.fleet.pools.pop_back();
  const ScrubPlan& matched = standing.At(kNow + absl::Minutes(1), w.fleet, w.policy, {});
  ASSERT_EQ(matched.pools.size(), 2u);
  EXPECT_EQ(standing.made(), kNow);
  EXPECT_EQ(matched.pools[0].latest_start, pool1_start);           // h1/tank, now at index 0
  EXPECT_EQ(matched.pools[1].latest_start, At(4, 0) - 2 * kTick);  // h0/tank, now at index 1
}

TEST(StandingPlanTest, APoolTheStandingPlanDoesNotKnowMakesANewPlan) {
  // The controller starts before its agents report: the first plan knows no pool.
  Staggered w;
  StandingPlan standing;
  EXPECT_TRUE(standing.At(kNow, FleetSnapshot(), w.policy, {}).pools.empty());
  const ScrubPlan& reported = standing.At(kNow + absl::Minutes(1), w.fleet, w.policy, {});
  EXPECT_EQ(standing.made(), kNow + absl::Minutes(1));
  ASSERT_EQ(reported.pools.size(), 3u);
  EXPECT_EQ(reported.pools[0].latest_start, At(4, 0) - 2 * kTick);
  // A new pool on h0 later: planned at once too.
  PoolSnapshot added = w.fleet.pools[0];
  added.name = "bulk";
  w.fleet.pools.push_back(added);
  const ScrubPlan& grown = standing.At(kNow + absl::Minutes(2), w.fleet, w.policy, {});
  EXPECT_EQ(standing.made(), kNow + absl::Minutes(2));
  ASSERT_EQ(grown.pools.size(), 4u);
  EXPECT_TRUE(grown.pools[3].planned);
}

TEST(StandingPlanTest, AHostThatReportsAgainIsPlannedWithinTheReplanGap) {
  // h0 was not reporting when the plan was made: its pool has no planned start, and the
  // others are planned as if it did not exist.
  Staggered w;
  w.fleet.hosts[0].reporting = false;
  StandingPlan standing;
  EXPECT_FALSE(standing.At(kNow, w.fleet, w.policy, {}).pools[0].planned);
  // It reports a minute later: the plan stands until kHostBackReplanGap after it was made.
  w.fleet.hosts[0].reporting = true;
  EXPECT_FALSE(standing.At(kNow + absl::Minutes(1), w.fleet, w.policy, {}).pools[0].planned);
  EXPECT_EQ(standing.made(), kNow);
  const ScrubPlan& back = standing.At(kNow + kHostBackReplanGap, w.fleet, w.policy, {});
  EXPECT_EQ(standing.made(), kNow + kHostBackReplanGap);
  ASSERT_TRUE(back.pools[0].planned);
  EXPECT_NE(back.pools[0].latest_start, absl::InfiniteFuture());
  // A host that stops reporting makes no new plan (Decide does not start its pools anyway),
  // and nor does its return, since the standing plan has its pools.
  w.fleet.hosts[1].reporting = false;
  standing.At(kNow + absl::Hours(1), w.fleet, w.policy, {});
  w.fleet.hosts[1].reporting = true;
  EXPECT_TRUE(standing.At(kNow + absl::Hours(2), w.fleet, w.policy, {}).pools[1].planned);
  EXPECT_EQ(standing.made(), kNow + kHostBackReplanGap);
}

}  // namespace
}  // namespace zfleet::controller
