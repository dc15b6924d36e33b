// zfleet-sim's engine on 10,000 hosts × 4 pools × 90 days with the policy of bench_fleet.h
// (windows, per-host and per-rack caps). Target: < 60 s. Prints its figures.
#include <chrono>
#include <cstdio>

#include "bench_fleet.h"
#include "tools/sim/overdue_bound.h"
#include "tools/sim/sim_metrics.h"
#include "tools/sim/simulator.h"

int main(int argc, char** argv) {
  using namespace zfleet::controller;
  int hosts = argc > 1 ? std::atoi(argv[1]) : 10000;
  int days = argc > 2 ? std::atoi(argv[2]) : 90;
  ControllerConfig config = zfleet::bench::MakeBenchPolicy();
  SimFleet fleet = zfleet::bench::MakeBenchFleet(hosts);
  SimOptions options;
  options.start = absl::FromCivil(absl::CivilSecond(2026, 11, 2, 0, 0, 0), absl::UTCTimeZone());
  options.duration = absl::Hours(24) * days;

  auto t0 = std::chrono::steady_clock::now();
  SimRun run = RunScheduler(fleet, config.scheduler, options);
  auto t1 = std::chrono::steady_clock::now();
  SimFigures figures = ComputeFigures(fleet, config.scheduler, options, run);
  auto t2 = std::chrono::steady_clock::now();
  SimRun cron = RunCronBaseline(fleet, config.scheduler, options);
  SimFigures cron_figures = ComputeFigures(fleet, config.scheduler, options, cron);
  auto t3 = std::chrono::steady_clock::now();

  auto seconds = [](auto a, auto b) { return std::chrono::duration<double>(b - a).count(); };
  std::printf(
      "sim_bench: %d hosts x 4 pools x %d days: scheduler run %.2f s (%lld decisions, "
      "%lld scrubs), figures %.2f s, cron baseline + figures %.2f s, total %.2f s "
      "(target < 60 s)\n",
      hosts, days, seconds(t0, t1), static_cast<long long>(run.decisions),
      static_cast<long long>(run.scrubs), seconds(t1, t2), seconds(t2, t3), seconds(t0, t3));
  auto t4 = std::chrono::steady_clock::now();
  double bound = OverdueLowerBound(fleet, config.scheduler, options);
  std::printf("lower bound on overdue pool-days %.3f (%.2f s)\n", bound,
              seconds(t4, std::chrono::steady_clock::now()));
  for (const auto& [cls, c] : figures.classes) {
    std::printf("%s overdue pool-days %.3f\n", cls.c_str(), c.overdue_pool_days);
  }
  std::fputs(SimReportText(fleet, options, figures, cron_figures).c_str(), stdout);
  return 0;
}
