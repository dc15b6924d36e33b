#include "controller/schedule/busy_profile.h"

#include "gtest/gtest.h"
#include "tests/controller/schedule/scheduler_world.h"

namespace zfleet::controller {
namespace {

TEST(BusyProfileTest, LatestFitEndsBeforeTheLastFullStretch) {
  BusyProfile two(2);
  two.Add(At(3, 1), At(3, 5));
  two.Add(At(3, 3), At(3, 8));
  two.Add(At(3, 10), At(3, 12));
  two.Seal();
  // Full (two at once) only on [03:00, 05:00).
  EXPECT_EQ(two.LatestFit(At(3, 20), absl::Hours(2)), At(3, 20));  // free there
  EXPECT_EQ(two.LatestFit(At(3, 4), absl::Hours(1)), At(3, 2));    // ends when it begins
  EXPECT_EQ(two.LatestFit(At(3, 4), absl::Hours(2)), At(3, 1));
  EXPECT_EQ(two.LatestFit(At(3, 5), absl::Hours(3)), At(3, 5));
  EXPECT_EQ(two.LatestFit(At(3, 2), absl::Hours(3)), At(3, 0));  // nothing before 01:00
}

TEST(BusyProfileTest, InsertedRunsCountLikeAddedOnes) {
  BusyProfile one(1);
  one.Add(At(3, 10), At(3, 12));
  one.Seal();
  EXPECT_EQ(one.LatestFit(At(3, 11), absl::Hours(1)), At(3, 9));
  EXPECT_EQ(one.LatestFit(At(3, 13), absl::Hours(1)), At(3, 13));
  one.Insert(At(3, 6), At(3, 9));
  one.Insert(At(3, 9), At(3, 9));  // empty: nothing
  // Free: before 06:00, [09:00, 10:00), from 12:00.
  EXPECT_EQ(one.LatestFit(At(3, 11), absl::Hours(1)), At(3, 9));
  EXPECT_EQ(one.LatestFit(At(3, 11), absl::Hours(2)), At(3, 4));
  EXPECT_EQ(one.LatestFit(At(3, 12), absl::Hours(5)), At(3, 12));
  one.Insert(At(3, 12), At(3, 14));
  EXPECT_EQ(one.LatestFit(At(3, 12), absl::Hours(1)), At(3, 9));
}

}  // namespace
}  // namespace zfleet::controller
