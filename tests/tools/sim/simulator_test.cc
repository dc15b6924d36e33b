#include "tools/sim/simulator.h"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "controller/config/controller_config.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/testing/windowed_policy.h"
#include "tests/tools/sim/sim_invariants.h"
#include "tools/sim/overdue_bound.h"
#include "tools/sim/sim_metrics.h"

namespace zfleet::controller {
namespace {

const absl::Time kStart =
    absl::FromCivil(absl::CivilSecond(2026, 11, 2, 0, 0, 0), absl::UTCTimeZone());  // Monday

// The example policy: at most 50 scrubs at once, 4 per rack.
std::string WindowedPolicy() { return testing::WindowedPolicyToml(50, 4); }

SchedulerPolicy Policy(const std::string& toml) {
  auto config = ParseControllerConfig(toml, "test.toml");
  EXPECT_TRUE(config.ok()) << config.status();
  return config.ok() ? config->scheduler : SchedulerPolicy();
}

// `hosts` hosts in `racks` racks, each with one pool per class in `classes`; sizes and ages
// vary by index; ages stay below the class interval when `on_time`.
SimFleet MakeFleet(int hosts, int racks, const std::vector<DiskClass>& classes, bool on_time) {
  SimFleet fleet;
  for (int h = 0; h < hosts; ++h) {
    SimHost host;
    host.name = absl::StrCat("h", h);
    host.labels["rack"] = absl::StrCat("r", h % racks);
    host.load = 1;
    for (size_t p = 0; p < classes.size(); ++p) {
      SimPool pool;
      pool.name = absl::StrCat("p", p);
      pool.disk_class = classes[p];
      pool.size_bytes = (2 + (h * 3 + p) % 7) * 1e12;
      pool.scan_bytes_per_s = 400e6;
      double interval = classes[p] == DiskClass::kSata ? 7 : 30;
      int seed = h * 5 + static_cast<int>(p);
      if (seed % 9 != 0) pool.last_scrub_age_days = (seed * 37 % 100) / 100.0 * interval;
      if (!on_time && seed % 4 == 0) pool.last_scrub_age_days = interval + 2;
      host.pools.push_back(pool);
    }
    fleet.hosts.push_back(host);
  }
  return fleet;
}

struct Flat {
  const SimHost* host;
  const SimPool* pool;
};
std::vector<Flat> Flatten(const SimFleet& fleet) {
  std::vector<Flat> out;
  for (const SimHost& h : fleet.hosts) {
    for (const SimPool& p : h.pools) out.push_back({&h, &p});
  }
  return out;
}

TEST(SimulatorTest, WindowedPolicyKeepsCapsAndWindows) {
  SimFleet fleet = MakeFleet(
      30, 6, {DiskClass::kSata, DiskClass::kSata, DiskClass::kSas, DiskClass::kNvme}, false);
  SchedulerPolicy policy = Policy(WindowedPolicy());
  SimOptions options{kStart, absl::Hours(24 * 45)};
  SimRun run = RunScheduler(fleet, policy, options);
  ASSERT_GT(run.scrubs, 120);
  ExpectCapsAndWindowsHold(fleet, policy, options, run);
  SimFigures f = ComputeFigures(fleet, policy, options, run);
  EXPECT_LE(f.peak_per_label.at("rack"), 4);
  EXPECT_EQ(f.peak_per_host, 1);
  EXPECT_EQ(f.scrub_hours_outside_windows, 0);
  // One rack starts with five pools overdue, of two classes, under a cap of 4: the bound sees
  // it only with the classes taken together (it was 0 class by class). The scheduler is within
  // a third of it (0.43 against 0.33).
  const double bound = OverdueLowerBound(fleet, policy, options);
  EXPECT_GT(bound, 0.3);
  EXPECT_GE(f.overdue_pool_days + 1e-9, bound);
  EXPECT_LT(f.overdue_pool_days, 1.4 * bound);
  // Paused and resumed scrubs keep one id over several segments.
  std::map<int64_t, int> segments_per_scrub;
  for (const SimSegment& s : run.segments) ++segments_per_scrub[s.scrub_id];
  EXPECT_GT(std::count_if(segments_per_scrub.begin(), segments_per_scrub.end(),
                          [](const auto& e) { return e.second > 1; }),
            0);
}

TEST(SimulatorTest, TightCapsStopPolicyAndHostsThatCannotPause) {
  for (const char* end_action : {"stop", "pause", "continue"}) {
    SimFleet fleet = MakeFleet(12, 3, {DiskClass::kSata, DiskClass::kSas}, false);
    for (int h = 0; h < 12; h += 3) fleet.hosts[h].can_pause = false;
    fleet.hosts[1].load = 9;                     // never eligible
    fleet.hosts[2].pools[0].state = "DEGRADED";  // never eligible
    SchedulerPolicy policy = Policy(absl::StrCat(
        "[scheduler]\nmax_concurrent = 3\nmax_per_label = { rack = 2 }\nat_window_end = \"",
        end_action,
        "\"\n[classes.sata]\nwindows = [\"Mon-Fri 01:00-05:00\", \"Sun 10:00-14:00\"]\n"
        "[classes.sas]\nwindows = [\"Sat 00:00-Mon 00:00\"]\n"));
    SimOptions options{kStart, absl::Hours(24 * 30)};
    SimRun run = RunScheduler(fleet, policy, options);
    SCOPED_TRACE(end_action);
    ExpectCapsAndWindowsHold(fleet, policy, options, run);
    auto flat = Flatten(fleet);
    for (const SimSegment& s : run.segments) {
      EXPECT_NE(flat[s.pool].host->name, "h1");
      EXPECT_FALSE(flat[s.pool].host->name == "h2" && flat[s.pool].pool->name == "p0");
    }
    SimFigures f = ComputeFigures(fleet, policy, options, run);
    if (std::string(end_action) == "continue") {
      EXPECT_GT(f.scrub_hours_outside_windows, 0);
    } else if (std::string(end_action) == "stop") {
      EXPECT_EQ(f.scrub_hours_outside_windows, 0);
    }
  }
}

TEST(SimulatorTest, NoGapBeyondIntervalPlusOneTickWhenCapacitySuffices) {
  SimFleet fleet = MakeFleet(20, 4, {DiskClass::kSata, DiskClass::kSas, DiskClass::kNvme}, true);
  SchedulerPolicy policy = Policy("[scheduler]\nmax_concurrent = 1000\nmax_per_host = 3\n");
  SimOptions options{kStart, absl::Hours(24 * 70)};
  SimRun run = RunScheduler(fleet, policy, options);
  SimFigures f = ComputeFigures(fleet, policy, options, run);
  double tick_days = absl::ToDoubleHours(policy.tick) / 24;
  EXPECT_LE(*f.classes.at("sata").max_gap_days, 7 + tick_days);
  EXPECT_LE(*f.classes.at("sas").max_gap_days, 30 + tick_days);
  EXPECT_LE(*f.classes.at("nvme").max_gap_days, 30 + tick_days);
  EXPECT_GE(*f.classes.at("sata").mean_gap_days, 7);
  // Nothing forces a pool late here (the lower bound is 0), and none is.
  EXPECT_EQ(OverdueLowerBound(fleet, policy, options), 0);
  EXPECT_EQ(f.overdue_pool_days, 0);
  // Never-scrubbed pools were spread over their first interval, not started at once.
  auto flat = Flatten(fleet);
  std::vector<absl::Time> first_starts;
  std::map<size_t, bool> seen;
  for (const SimSegment& s : run.segments) {
    if (!flat[s.pool].pool->last_scrub_age_days && !seen[s.pool]) {
      seen[s.pool] = true;
      first_starts.push_back(s.start);
    }
  }
  ASSERT_GE(first_starts.size(), 5u);
  std::sort(first_starts.begin(), first_starts.end());
  EXPECT_GT(first_starts.back() - first_starts.front(), absl::Hours(24));
}

TEST(SimulatorTest, RunsAreDeterministicAndJitterStaysInBounds) {
  SimFleet fleet = MakeFleet(8, 2, {DiskClass::kSata, DiskClass::kSas}, false);
  SchedulerPolicy policy = Policy(WindowedPolicy());
  SimOptions options{kStart, absl::Hours(24 * 20), 7, 0.2};
  EXPECT_EQ(TraceCsv(fleet, RunScheduler(fleet, policy, options)),
            TraceCsv(fleet, RunScheduler(fleet, policy, options)));
  FleetSnapshot snap = SimSnapshot(fleet, options);
  SimOptions exact{kStart};
  EXPECT_EQ(SimScrubDuration(snap.pools[0], 0, 0, exact),
            absl::Seconds(std::ceil(snap.pools[0].size_bytes / 400e6)));
  for (int n = 0; n < 50; ++n) {
    double secs = absl::ToDoubleSeconds(SimScrubDuration(snap.pools[1], 1, n, options));
    double base = snap.pools[1].size_bytes / 400e6;
    EXPECT_GE(secs, base / 1.2 - 1);
    EXPECT_LE(secs, base / 0.8 + 1);
  }
}

TEST(SimulatorTest, SkippingQuietTicksChangesNothing) {
  struct Case {
    std::string policy;
  } cases[] = {
      {WindowedPolicy()},
      {"[scheduler]\nmax_concurrent = 4\nat_window_end = \"stop\"\n[classes.sata]\n"
       "windows = [\"Mon-Fri 01:00-05:00\", \"Sun 10:00-14:00\"]\n"},
      {"[scheduler]\nmax_concurrent = 5\ntick = \"7m\"\nearly_below = 1.0\n"
       "[classes.sas]\nwindows = [\"Sat 00:00-Mon 00:00\"]\n"},
  };
  SimFleet fleet = MakeFleet(10, 3, {DiskClass::kSata, DiskClass::kSas, DiskClass::kSata}, false);
  fleet.hosts[4].can_pause = false;
  for (const Case& c : cases) {
    SchedulerPolicy policy = Policy(c.policy);
    SimOptions skipping{kStart + absl::Minutes(3), absl::Hours(24 * 16)};
    SimOptions every = skipping;
    every.every_tick = true;
    SimRun fast = RunScheduler(fleet, policy, skipping);
    SimRun slow = RunScheduler(fleet, policy, every);
    EXPECT_EQ(TraceCsv(fleet, fast), TraceCsv(fleet, slow)) << c.policy;
    EXPECT_GT(fast.scrubs, 30);
    EXPECT_LT(fast.decisions * 5, slow.decisions);
  }
}

TEST(SimulatorTest, CronBaselineRunsSundaysAtTwo) {
  SimFleet fleet = MakeFleet(3, 1, {DiskClass::kSata, DiskClass::kFc}, false);
  SchedulerPolicy policy;
  SimOptions options{kStart, absl::Hours(24 * 70)};  // 2026-11-02 .. 2027-01-11
  SimRun run = RunCronBaseline(fleet, policy, options);
  auto flat = Flatten(fleet);
  int weekly = 0;
  int monthly = 0;
  for (const SimSegment& s : run.segments) {
    absl::CivilSecond cs = absl::ToCivilSecond(s.start, absl::UTCTimeZone());
    EXPECT_EQ(absl::GetWeekday(cs), absl::Weekday::sunday);
    EXPECT_EQ(cs.hour(), 2);
    if (flat[s.pool].pool->disk_class == DiskClass::kFc) {
      EXPECT_LE(cs.day(), 7);
      ++monthly;
    } else {
      ++weekly;
    }
  }
  EXPECT_EQ(weekly, 3 * 10);  // Sundays Nov 8 .. Jan 10
  EXPECT_EQ(monthly, 3 * 2);  // Dec 6, Jan 3
  EXPECT_EQ(ComputeFigures(fleet, policy, options, run).peak_per_host, 2);
}

TEST(SimulatorTest, ComingMondayIsStrictlyAfterNow) {
  struct Case {
    absl::CivilSecond now;
    absl::CivilDay monday;
  } cases[] = {
      {absl::CivilSecond(2026, 11, 4, 15, 30, 0), absl::CivilDay(2026, 11, 9)},   // Wednesday
      {absl::CivilSecond(2026, 11, 9, 0, 0, 0), absl::CivilDay(2026, 11, 16)},    // Monday 00:00
      {absl::CivilSecond(2026, 11, 8, 23, 59, 59), absl::CivilDay(2026, 11, 9)},  // Sunday night
      {absl::CivilSecond(2026, 12, 29, 8, 0, 0), absl::CivilDay(2027, 1, 4)},     // new year
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ComingMondayUtc(absl::FromCivil(c.now, absl::UTCTimeZone())),
              absl::FromCivil(c.monday, absl::UTCTimeZone()));
  }
}

}  // namespace
}  // namespace zfleet::controller
