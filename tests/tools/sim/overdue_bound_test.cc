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

SchedulerPolicy BoundPolicy(const std::string& labels, const std::string& at_window_end) {
  auto config = ParseControllerConfig(
      absl::StrCat("[scheduler]\nmax_per_host = 1\n", "max_per_label = { ", labels, " }\n",
                   "at_window_end = \"", at_window_end, "\"\n"),
      "bound.toml");
  EXPECT_TRUE(config.ok()) << config.status();
  return config.ok() ? config->scheduler : SchedulerPolicy();
}

TEST(OverdueBoundTest, ARackHoldsItsCapInFlightAndFinishesWhatFitsItsSlots) {
  // Hour h of the day: at most 2 in flight plus the 10-hour scrubs that fit 2 × (h + 1)
  // hours; of 4 needing pools, 2 are overdue for hours 0-3 and 1 for hours 4-8: 13
  // pool-hours.
  SimOptions options{kBoundStart, absl::Hours(24)};
  EXPECT_DOUBLE_EQ(OverdueLowerBound(RackOfFourDueNow(), BoundPolicy("rack = 2", "pause"), options),
                   13.0 / 24);
  // Stopped at a window's end or not: the window never ends here.
  EXPECT_DOUBLE_EQ(OverdueLowerBound(RackOfFourDueNow(), BoundPolicy("rack = 2", "stop"), options),
                   13.0 / 24);
  // A rack of 4 starts them all at once.
  EXPECT_DOUBLE_EQ(OverdueLowerBound(RackOfFourDueNow(), BoundPolicy("rack = 4", "pause"), options),
                   0);
}

TEST(OverdueBoundTest, WithTwoCappedLabelsAValueMayHoldWhatItsHostsHold) {
  // A paused scrub may wait on a full psu while others start in its rack: the bound claims
  // no more than the hosts' caps allow in flight, here all four pools.
  SimOptions options{kBoundStart, absl::Hours(24)};
  EXPECT_DOUBLE_EQ(
      OverdueLowerBound(RackOfFourDueNow(), BoundPolicy("rack = 2, psu = 2", "pause"), options), 0);
}

}  // namespace
}  // namespace zfleet::controller
