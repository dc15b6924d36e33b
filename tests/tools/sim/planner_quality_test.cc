// The scheduler's planned starts measured against the lower bound on overdue pool-days, on
// generated fleets: never below the bound (else it is no bound), close to it where the
// policy is tight, near zero where the bound is zero; never over a cap, never a start
// outside its windows or in an outage.
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "controller/config/controller_config.h"
#include "controller/schedule/scrub_planner.h"
#include "gtest/gtest.h"
#include "tests/tools/sim/sim_invariants.h"
#include "tools/sim/overdue_bound.h"
#include "tools/sim/sim_metrics.h"
#include "tools/sim/simulator.h"

namespace zfleet::controller {
namespace {

const absl::Time kQualityStart =
    absl::FromCivil(absl::CivilSecond(2026, 11, 2, 0, 0, 0), absl::UTCTimeZone());  // Monday

struct PoolKind {
  const char* name;
  DiskClass cls;
  double size;
  double rate;
  int interval_days;
};

// The issue's fleet: racks of 20 hosts, each with SATA pools (weekly, weekend and weekday
// nights), a SAS pool (monthly, any time) and an NVMe pool (monthly, at night); last scrubs
// spread over each class's interval, or none at all.
SimFleet GeneratedFleet(int hosts, const std::vector<PoolKind>& kinds, bool history,
                        int rack_size = 20) {
  SimFleet fleet;
  for (int h = 0; h < hosts; ++h) {
    SimHost host;
    host.name = absl::StrFormat("h%04d", h);
    host.labels["rack"] = absl::StrFormat("r%03d", h / rack_size);
    host.load = 1;
    for (size_t k = 0; k < kinds.size(); ++k) {
      SimPool pool;
      pool.name = kinds[k].name;
      pool.disk_class = kinds[k].cls;
      // Sizes vary by ±30% around the kind's.
      pool.size_bytes = kinds[k].size * (0.7 + 0.6 * ((h * 7 + k * 3) % 11) / 10.0);
      pool.scan_bytes_per_s = kinds[k].rate;
      int seed = h * static_cast<int>(kinds.size()) + static_cast<int>(k);
      if (history) {
        pool.last_scrub_age_days = (seed * 7919 % (kinds[k].interval_days * 100)) / 100.0;
      }
      host.pools.push_back(pool);
    }
    fleet.hosts.push_back(std::move(host));
  }
  return fleet;
}

const std::vector<PoolKind> kMixedPools = {{"tank0", DiskClass::kSata, 8e12, 400e6, 7},
                                           {"tank1", DiskClass::kSata, 4e12, 300e6, 7},
                                           {"bulk", DiskClass::kSas, 16e12, 600e6, 30},
                                           {"fast", DiskClass::kNvme, 4e12, 2e9, 30}};

std::string QualityPolicyToml(int max_concurrent, int per_rack, const std::string& sata_windows) {
  return absl::StrFormat(R"([scheduler]
tick = "1m"
max_concurrent = %d
max_per_host = 1
max_per_label = { rack = %d }
at_window_end = "pause"
[classes.sata]
interval = "7d"
windows = [%s]
[classes.sas]
interval = "30d"
[classes.nvme]
interval = "30d"
windows = ["Mon-Sun 00:00-06:00"]
)",
                         max_concurrent, per_rack, sata_windows);
}

SchedulerPolicy QualityPolicy(const std::string& toml) {
  auto config = ParseControllerConfig(toml, "quality.toml");
  EXPECT_TRUE(config.ok()) << config.status();
  return config.ok() ? config->scheduler : SchedulerPolicy();
}

struct Outcome {
  double overdue = 0;
  double bound = 0;
  double hours_outside = 0;
  int64_t scrubs = 0;
  int64_t yields = 0;
};

Outcome RunQuality(const SimFleet& fleet, const SchedulerPolicy& policy,
                   const SimOptions& options) {
  SimRun run = RunScheduler(fleet, policy, options);
  ExpectCapsAndWindowsHold(fleet, policy, options, run);
  SimFigures f = ComputeFigures(fleet, policy, options, run);
  Outcome o{f.overdue_pool_days, OverdueLowerBound(fleet, policy, options),
            f.scrub_hours_outside_windows, f.scrubs, f.yields};
  EXPECT_GE(o.overdue + 1e-9, o.bound) << "the bound is not a bound";
  return o;
}

constexpr char kWeekendAndNights[] = R"("Sat 00:00-Mon 06:00", "Mon-Fri 01:00-05:00")";

// Pool-days of a run: the denominator of "how much of the time was a pool overdue".
double PoolDays(const SimFleet& fleet, const SimOptions& options) {
  return static_cast<double>(fleet.PoolCount()) * absl::ToDoubleHours(options.duration) / 24;
}

TEST(PlannerQualityTest, RealisticFleetStaysOnCadence) {
  SimFleet fleet = GeneratedFleet(200, kMixedPools, /*history=*/true);
  SchedulerPolicy policy = QualityPolicy(QualityPolicyToml(100, 4, kWeekendAndNights));
  SimOptions options{kQualityStart, absl::Hours(24 * 60)};
  Outcome o = RunQuality(fleet, policy, options);
  // Last scrubs spread over every hour of the week fall due faster in the first week than
  // the weekday nights can start them in some racks: no scheduler avoids all of that.
  EXPECT_GT(o.bound, 10);
  // Not at the bound yet (about 3.7× it, 0.20% of pool-days; 3.8× before the plan gave each
  // scrub a fifth more than its estimate, 4.5× before always-open pools went into the hours
  // the windowed ones leave): paused long scrubs take the next night, and pools due in the
  // daytime crowd the weekend's opening.
  EXPECT_LT(o.overdue, 0.0025 * PoolDays(fleet, options));
  EXPECT_LT(o.overdue, 4 * o.bound);
  SimFigures cron = ComputeFigures(fleet, policy, options, RunCronBaseline(fleet, policy, options));
  EXPECT_GT(cron.overdue_pool_days, 20 * o.overdue);
  EXPECT_LT(o.hours_outside, 1);  // at most a tick past each window's close
}

TEST(PlannerQualityTest, TightWindowsCostOnlyTheUnavoidableStart) {
  // SATA gets only Sunday morning; small pools, so that it is enough once the cadence has
  // moved into it. The pools due before the first Sunday are late whatever happens.
  SimFleet fleet = GeneratedFleet(60, {{"tank", DiskClass::kSata, 1e12, 300e6, 7}}, true);
  SchedulerPolicy policy = QualityPolicy(QualityPolicyToml(50, 6, R"("Sun 00:00-08:00")"));
  SimOptions options{kQualityStart, absl::Hours(24 * 42)};
  Outcome o = RunQuality(fleet, policy, options);
  EXPECT_GT(o.bound, 100);
  EXPECT_LE(o.overdue, o.bound * 1.05);
}

TEST(PlannerQualityTest, RackFullOfBigPoolsIsAShortfallBeforeItIsLate) {
  // One rack whose SATA pools need more than its windows give: 20 hosts × ~14 TB at 250 MB/s
  // (~310 scrub-hours a week) under 4 × 70 window hours.
  SimFleet fleet = GeneratedFleet(20, {{"big", DiskClass::kSata, 14e12, 250e6, 7}}, true);
  SchedulerPolicy policy = QualityPolicy(QualityPolicyToml(100, 4, kWeekendAndNights));
  SimOptions options{kQualityStart, absl::Hours(24 * 42)};
  ScrubPlan plan = PlanScrubs(options.start, SimSnapshot(fleet, options), policy, {});
  ASSERT_FALSE(plan.shortfalls.empty());
  EXPECT_EQ(plan.shortfalls[0].group, "rack=r000");
  EXPECT_GT(plan.shortfalls[0].need_hours, plan.shortfalls[0].capacity_hours);
  EXPECT_GT(plan.late, 0);
  Outcome o = RunQuality(fleet, policy, options);
  EXPECT_GT(o.overdue, 0);
}

TEST(PlannerQualityTest, NewFleetWithoutHistorySpreadsItsFirstScrubs) {
  SimFleet fleet = GeneratedFleet(200, kMixedPools, /*history=*/false);
  SchedulerPolicy policy = QualityPolicy(QualityPolicyToml(100, 4, kWeekendAndNights));
  SimOptions options{kQualityStart, absl::Hours(24 * 60)};
  Outcome o = RunQuality(fleet, policy, options);
  EXPECT_EQ(o.bound, 0);
  // None late. Before due pools took the slots of scrubs not due (yield) it was 0.30
  // pool-days: 7 starts up to two hours late in the weekends, where the plan's packing of the
  // scrubs resumed at the window's opening is worse than the one it made before they paused
  // (0.81 before the plan gave each scrub a fifth more than its estimate, 1.6 before
  // always-open pools went into the hours the windowed ones leave, 2.6 before a scrub paused
  // at a window's end held its slot only from the window's reopening, 6.4 before pools were
  // planned in all their caps at once).
  EXPECT_EQ(o.overdue, 0);
  // Few yield: under one scrub in a hundred.
  EXPECT_GT(o.yields, 0);
  EXPECT_LT(o.yields, o.scrubs / 100);
}

TEST(PlannerQualityTest, NewFleetsOfOtherSizesHaveNoneLateEither) {
  // The same kinds of pools over 3 to 15 racks: which starts the plan packs tightly differs
  // with every size, the outcome must not.
  SchedulerPolicy policy = QualityPolicy(QualityPolicyToml(100, 4, kWeekendAndNights));
  SimOptions options{kQualityStart, absl::Hours(24 * 60)};
  for (int hosts : {50, 120, 300}) {
    SimFleet fleet = GeneratedFleet(hosts, kMixedPools, /*history=*/false);
    Outcome o = RunQuality(fleet, policy, options);
    EXPECT_EQ(o.bound, 0) << hosts;
    EXPECT_EQ(o.overdue, 0) << hosts;
  }
}

TEST(PlannerQualityTest, ScrubsThatOverrunTheirEstimateDoNotMakeTheNextOnesLate) {
  // The same new fleet, each scrub's rate varying by ±20% from its pool's: the plan's
  // estimates are off both ways. Planned with no room past each estimate, an overrun made
  // the next pool in its slots late: 6.7 overdue pool-days. A fifth more per scrub: 0.19;
  // with yields, 0.05. Not zero: the bound knows each scrub's real length, the scheduler only
  // its estimate, and what is left are 13 starts 1 to 15 minutes late, behind scrubs that
  // ran over their estimates and could not yield.
  SimFleet fleet = GeneratedFleet(200, kMixedPools, /*history=*/false);
  SchedulerPolicy policy = QualityPolicy(QualityPolicyToml(100, 4, kWeekendAndNights));
  SimOptions options{kQualityStart, absl::Hours(24 * 60)};
  options.jitter = 0.2;
  Outcome o = RunQuality(fleet, policy, options);
  EXPECT_EQ(o.bound, 0);
  EXPECT_LT(o.overdue, 0.00001 * PoolDays(fleet, options));
}

TEST(PlannerQualityTest, MonthLongOutageOfOneClassIsAsShortAsItCanBe) {
  SimFleet fleet = GeneratedFleet(100, kMixedPools, /*history=*/true);
  SchedulerPolicy policy = QualityPolicy(QualityPolicyToml(100, 4, kWeekendAndNights));
  SimOptions options{kQualityStart, absl::Hours(24 * 70)};
  options.outages.push_back({DiskClass::kSata, kQualityStart + absl::Hours(24 * 14),
                             kQualityStart + absl::Hours(24 * 44)});
  Outcome o = RunQuality(fleet, policy, options);
  // Every SATA pool runs out of its week during the month: the bound sees it.
  EXPECT_GT(o.bound, 200 * 20);
  EXPECT_GE(o.overdue, o.bound);
  // After the outage the backlog is caught up within days, not left to trail.
  EXPECT_LT(o.overdue, o.bound * 1.15);
}

}  // namespace
}  // namespace zfleet::controller
