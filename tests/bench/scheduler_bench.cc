// One scheduler decision over 100,000 pools (25,000 hosts × 4), with explanation rows, as the
// controller's tick and `zfleet schedule` make it between plans (standing_plan.h: the plan
// is made at window edges and at least every 12 hours), and the plan alone, which a tick at
// such a time adds. Target: a decision < 100 ms. Prints its figures.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "bench_fleet.h"
#include "controller/schedule/scheduler.h"
#include "controller/schedule/scrub_planner.h"
#include "controller/schedule/standing_plan.h"
#include "tools/sim/simulator.h"

int main() {
  using namespace zfleet::controller;
  const int kHosts = 25000;
  ControllerConfig config = zfleet::bench::MakeBenchPolicy();
  SimOptions options;
  options.start = absl::FromCivil(absl::CivilSecond(2026, 11, 7, 12, 0, 0), absl::UTCTimeZone());
  FleetSnapshot fleet = SimSnapshot(zfleet::bench::MakeBenchFleet(kHosts), options);
  // 1,500 scrubs already running (every 16th host), a few manual requests.
  std::vector<RunningScrub> running;
  for (size_t i = 0; i < fleet.pools.size() && running.size() < 1500; i += 64) {
    running.push_back(
        {i, ScrubTrigger::kScheduled, RunState::kRunning, options.start, options.start});
  }
  std::vector<ManualRequest> manual = {{7, false, options.start}, {11, true, options.start}};
  // A week after the snapshot (a Saturday, sata windows open): every sata pool and about a
  // quarter of the monthly ones are due, so most of the fleet is sorted and explained.
  const absl::Time now = options.start + absl::Hours(24 * 7);

  {
    std::vector<double> ms;
    ScrubPlan plan;
    for (int i = 0; i < 3; ++i) {
      auto t0 = std::chrono::steady_clock::now();
      plan = PlanScrubs(now, fleet, config.scheduler, running);
      auto t1 = std::chrono::steady_clock::now();
      ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    }
    std::sort(ms.begin(), ms.end());
    std::printf(
        "scheduler_bench: the look-ahead plan alone: median %.1f ms; %d late, %zu shortfalls\n",
        ms[ms.size() / 2], plan.late, plan.shortfalls.size());
  }
  StandingPlan standing;
  standing.At(now, fleet, config.scheduler, running);
  for (bool explain : {true, false}) {
    std::vector<double> ms;
    Decision d;
    for (int i = 0; i < 7; ++i) {
      auto t0 = std::chrono::steady_clock::now();
      const ScrubPlan& plan = standing.At(now, fleet, config.scheduler, running);
      d = Decide(now, fleet, config.scheduler, running, manual, {explain, nullptr, &plan});
      auto t1 = std::chrono::steady_clock::now();
      ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    }
    std::sort(ms.begin(), ms.end());
    std::printf(
        "scheduler_bench: one decision on the standing plan, %zu pools, %zu running, explain=%s: "
        "median %.1f ms, "
        "min %.1f ms (target < 100 ms); %zu actions, %zu rows, %zu waiting\n",
        fleet.pools.size(), running.size(), explain ? "yes" : "no", ms[ms.size() / 2], ms[0],
        d.actions.size(), d.rows.size(),
        static_cast<size_t>(std::count_if(d.rows.begin(), d.rows.end(), [](const PoolRow& r) {
          return r.phase == PoolPhase::kWaiting;
        })));
  }
  return 0;
}
