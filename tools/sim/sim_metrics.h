// The figures zfleet-sim prints, computed from a run's segments alone (so anyone can
// recompute them from the --trace CSV plus fleet.json), and their JSON/CSV/text renderings.
// Pure; thread-compatible.
//
// Definitions (times in days; a "start" is a scrub's first segment start):
// - scrubs: scrubs started.
// - gap: time between consecutive starts of one pool; a pool with last_scrub_age_days has
//   a first gap from start − age to its first start. max_gap_days / mean_gap_days per class,
//   null when the class has no gap.
// - overdue_pool_days: Σ over pools of the time within [start, end) when more than the
//   class interval had passed since the pool's latest start (start − age before its first
//   one; a never-scrubbed pool counts from the simulation start).
// - peak_concurrent: the most segments running at once fleet-wide, on one host, and on the
//   hosts sharing one value of each label key (a segment ending when another starts does
//   not overlap it).
// - scrub_hours_outside_windows: running time outside the pool class's windows.
#ifndef ZFLEET_TOOLS_SIM_SIM_METRICS_H_
#define ZFLEET_TOOLS_SIM_SIM_METRICS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "controller/schedule/scheduler_policy.h"
#include "tools/sim/sim_fleet.h"
#include "tools/sim/simulator.h"

namespace zfleet::controller {

struct ClassFigures {
  int64_t pools = 0;
  int64_t scrubs = 0;
  double overdue_pool_days = 0;
  std::optional<double> max_gap_days;
  std::optional<double> mean_gap_days;
};

struct SimFigures {
  int64_t scrubs = 0;
  int64_t yields = 0;  // scrubs paused so that a due pool could start
  double overdue_pool_days = 0;
  std::map<std::string, ClassFigures> classes;  // classes with at least one pool
  int64_t peak_fleet = 0;
  int64_t peak_per_host = 0;
  std::map<std::string, int64_t> peak_per_label;  // every label key in the fleet
  double scrub_hours_outside_windows = 0;
};

// What the fleet and policy allow at best, beside a run's figures: the lower bound on
// overdue pool-days (overdue_bound.h) and the cap groups that cannot hold their scrubs at
// the start (scrub_planner.h's shortfalls, as text).
struct SimBest {
  double overdue_lower_bound = 0;
  std::vector<std::string> shortfalls;
  // "host/pool" of the pools the plan at the start already sees late, in fleet order.
  std::vector<std::string> late_at_start;
};

SimFigures ComputeFigures(const SimFleet& fleet, const SchedulerPolicy& policy,
                          const SimOptions& options, const SimRun& run);

// The one JSON document zfleet-sim --json prints (pretty, with a trailing newline):
// {"start", "end", "days", "hosts", "pools", "seed", "outages": [{"class", "from", "to"}],
//  "scrubs", "yields", "overdue_pool_days",
//  "classes": {"sata": {"pools", "scrubs", "overdue_pool_days", "max_gap_days",
//  "mean_gap_days"}},
//  "peak_concurrent": {"fleet", "per_host", "per_label": {"rack": n}},
//  "scrub_hours_outside_windows", "baseline": {the same figures for cron}}.
// Day and hour figures are rounded to 3 decimals.
// With `best`: "overdue_lower_bound", "shortfalls" and "late_at_start" too.
std::string SimReportJson(const SimFleet& fleet, const SimOptions& options,
                          const SimFigures& scheduler, const SimFigures& baseline,
                          const SimBest* best = nullptr);

// The same, as an aligned text table (zfleet-sim without --json); one "outage: …" line per
// outage under the first line; with `best`, the shortfalls and "late at the start: N pools
// (h1/tank, …)" naming at most 10.
std::string SimReportText(const SimFleet& fleet, const SimOptions& options,
                          const SimFigures& scheduler, const SimFigures& baseline,
                          const SimBest* best = nullptr);

// --trace: "scrub_id,host,pool,class,start,end" then one row per segment, times RFC 3339
// UTC; a segment still running at the end has an empty end.
std::string TraceCsv(const SimFleet& fleet, const SimRun& run);

}  // namespace zfleet::controller

#endif  // ZFLEET_TOOLS_SIM_SIM_METRICS_H_
