// The lower bound on overdue pool-days, worked out by hand on a rack small enough to follow:
// how many scrubs a cap group can have in flight decides what the bound may claim.
#include "tools/sim/overdue_bound.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "controller/config/controller_config.h"
#include "gtest/gtest.h"

namespace zfleet::controller {
namespace {

const absl::Time kBoundStart =
    absl::FromCivil(absl::CivilSecond(2026, 11, 2, 0, 0, 0), absl::UTCTimeZone());

// Four hosts of rack r1, one SATA pool each, all needing a scrub from the start on, each
// scrub exactly 10 hours.
SimFleet RackOfFourDueNow() {
  SimFleet fleet;
  for (int h = 0; h < 4; ++h) {
    SimHost host;
    host.name = absl::StrCat("h", h);
    host.labels = {{"rack", "r1"}, {"psu", "p1"}};
    host.pools.push_back({"tank", DiskClass::kSata, 10 * 3600 * 100e6, 100e6, 7.0});
    fleet.hosts.push_back(std::move(host));
  }
  return fleet;
}

SchedulerPolicy BoundPolicy(const std::string& labels, const std::string& at_window_end,
                            const std::string& sata_windows = "") {
  auto config = ParseControllerConfig(
      absl::StrCat(
          "[scheduler]\nmax_per_host = 1\n", "max_per_label = { ", labels, " }\n",
          "at_window_end = \"", at_window_end, "\"\n",
          sata_windows.empty() ? "" : "[classes.sata]\nwindows = [" + sata_windows + "]\n"),
      "bound.toml");
  EXPECT_TRUE(config.ok()) << config.status();
  return config.ok() ? config->scheduler : SchedulerPolicy();
}

TEST(OverdueBoundTest, ARackHoldsItsCapInFlightAndFinishesWhatFitsItsSlots) {
  // Hour h of the day: at most 2 in flight, and no 10-hour scrub can have finished before
  // the hour ending at 10:00, however many slots the rack has: of 4 needing pools, 2 are
  // overdue for hours 0-8: 18 pool-hours. (Counting only the 2 × (h + 1) slot-hours, as if a
  // scrub could be split across slots, claimed 13.)
  SimOptions options{kBoundStart, absl::Hours(24)};
  EXPECT_DOUBLE_EQ(OverdueLowerBound(RackOfFourDueNow(), BoundPolicy("rack = 2", "pause"), options),
                   18.0 / 24);
  // Stopped at a window's end or not: the window never ends here.
  EXPECT_DOUBLE_EQ(OverdueLowerBound(RackOfFourDueNow(), BoundPolicy("rack = 2", "stop"), options),
                   18.0 / 24);
  // A rack of 4 starts them all at once.
  EXPECT_DOUBLE_EQ(OverdueLowerBound(RackOfFourDueNow(), BoundPolicy("rack = 4", "pause"), options),
                   0);
}

TEST(OverdueBoundTest, WithTwoCappedLabelsAValueMayHoldWhatItsHostsHold) {
  SimOptions options{kBoundStart, absl::Hours(24)};
  // While no window closes nothing pauses: at most the rack's 2 are in flight, as with the
  // rack capped alone.
  EXPECT_DOUBLE_EQ(
      OverdueLowerBound(RackOfFourDueNow(), BoundPolicy("rack = 2, psu = 2", "pause"), options),
      18.0 / 24);
  // Once a window has closed, a paused scrub may wait on a full psu while others start in its
  // rack: the bound claims no more than the hosts' caps allow in flight, here all four pools.
  // Only the first hour, before the window closes at 01:00, has 2 overdue.
  EXPECT_DOUBLE_EQ(OverdueLowerBound(RackOfFourDueNow(),
                                     BoundPolicy("rack = 2, psu = 2", "pause",
                                                 R"("Mon-Sun 00:00-01:00", "Mon-Sun 02:00-23:59")"),
                                     options),
                   2.0 / 24);
}

TEST(OverdueBoundTest, ClassesSharingACapShareItsSlots) {
  // Two hosts of one rack capped at 1, each with a SATA and a SAS pool, all four needing a
  // scrub from the start and each taking 10 hours. Taken class by class, each class would
  // have a slot of its own: one of its two pools in flight, the other overdue until the slot
  // has finished one (in the hour ending at 10:00): 9 pool-hours each, 18 in all. Together
  // they have the one slot: one in flight, three overdue until the first finishes, two until
  // the second, one until the third: 3×9 + 2×10 + 1×10 = 57 pool-hours.
  SimFleet fleet;
  for (int h = 0; h < 2; ++h) {
    SimHost host;
    host.name = absl::StrCat("h", h);
    host.labels = {{"rack", "r1"}};
    host.pools.push_back({"tank", DiskClass::kSata, 10 * 3600 * 100e6, 100e6, 7.0});
    host.pools.push_back({"bulk", DiskClass::kSas, 10 * 3600 * 100e6, 100e6, 30.0});
    fleet.hosts.push_back(std::move(host));
  }
  SimOptions options{kBoundStart, absl::Hours(48)};
  EXPECT_DOUBLE_EQ(OverdueLowerBound(fleet, BoundPolicy("rack = 1", "pause"), options), 57.0 / 24);
}

TEST(OverdueBoundTest, WithMoreThanFourClassesTheyAreBoundedAloneAndAllTogether) {
  // Five hosts of one rack capped at 1, each with a 10-hour pool of its own class, all
  // needing a scrub from the start. Alone, each class would have the slot to itself: 0.
  // Together: one in flight, four overdue until the first finishes (hour 9), then three,
  // two, one: 4×9 + 3×10 + 2×10 + 1×10 = 96 pool-hours.
  SimFleet fleet;
  const DiskClass classes[] = {DiskClass::kSata, DiskClass::kScsi, DiskClass::kUsb,
                               DiskClass::kSas, DiskClass::kNvme};
  for (int h = 0; h < 5; ++h) {
    SimHost host;
    host.name = absl::StrCat("h", h);
    host.labels = {{"rack", "r1"}};
    host.pools.push_back({"tank", classes[h], 10 * 3600 * 100e6, 100e6, 40.0});
    fleet.hosts.push_back(std::move(host));
  }
  SimOptions options{kBoundStart, absl::Hours(48)};
  EXPECT_DOUBLE_EQ(OverdueLowerBound(fleet, BoundPolicy("rack = 1", "pause"), options),
                   96.0 / 24);
}

}  // namespace
}  // namespace zfleet::controller
