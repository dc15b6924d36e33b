// zfleet-sim's engines: the real scheduler (Decide) on a virtual clock, and today's per-host
// cron as a baseline. Pure: time is the argument, nothing reads the clock or does I/O.
// Thread-compatible.
#ifndef ZFLEET_TOOLS_SIM_SIMULATOR_H_
#define ZFLEET_TOOLS_SIM_SIMULATOR_H_

#include <cstdint>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "controller/schedule/scheduler.h"
#include "controller/schedule/scheduler_policy.h"
#include "tools/sim/sim_fleet.h"

namespace zfleet::controller {

// A stretch of time in which one class may not scrub whatever its windows say (a change
// freeze, a maintenance month). The scheduler is not told in advance: it sees the class's
// windows closed while it lasts.
struct SimOutage {
  DiskClass disk_class = DiskClass::kUnknown;
  absl::Time from;
  absl::Time to;
};

struct SimOptions {
  absl::Time start;
  absl::Duration duration = absl::Hours(24 * 90);
  uint64_t seed = 1;
  // Each scrub's rate is scan_bytes_per_s × a factor drawn from [1 − jitter, 1 + jitter]
  // (deterministic from seed, pool and scrub number). 0 = duration is exactly size / rate.
  double jitter = 0;
  // Call Decide() at every tick instead of skipping ticks at which nothing can change
  // (slower; tests use it to show that skipping changes nothing).
  bool every_tick = false;
  std::vector<SimOutage> outages = {};

  absl::Time end() const { return start + duration; }
};

// One stretch of time a scrub was running. A scrub paused and resumed has several.
struct SimSegment {
  int64_t scrub_id = 0;  // 1, 2, … in start order
  size_t pool = 0;       // flat pool index: hosts in order, their pools in order
  absl::Time start;
  absl::Time end;
  bool open = false;  // still running when the simulation ended (end = its end)
  ScrubTrigger trigger = ScrubTrigger::kScheduled;
};

struct SimRun {
  std::vector<SimSegment> segments;  // ordered by scrub_id, then start
  int64_t scrubs = 0;                // scrubs started
  int64_t yields = 0;                // scrubs paused for a due pool (scheduler.h, "Yield")
  int64_t decisions = 0;             // Decide() calls (scheduler run only)
};

// The snapshot the scheduler sees at `start`: every host reporting with its fleet.json load,
// pools with their state, first_seen = start, and a pool scrubbed `age` days ago as having
// started its last completed scrub then (ending min(start, then + its duration)).
FleetSnapshot SimSnapshot(const SimFleet& fleet, const SimOptions& options);

// How long the `nth` scrub (0-based) of flat pool `pool` runs: ceil(size / (rate × jitter
// factor)) seconds, at least 1s.
absl::Duration SimScrubDuration(const PoolSnapshot& pool, size_t pool_index, int64_t nth,
                                const SimOptions& options);

// Runs Decide() every policy.tick from options.start to options.end() (skipping ticks at
// which nothing can change: no completion, no due or early time reached, no window change,
// no action taken on the previous tick, which gives the same result as evaluating every tick).
// Scrubs complete between ticks at start + duration.
SimRun RunScheduler(const SimFleet& fleet, const SchedulerPolicy& policy,
                    const SimOptions& options);

// Per-host cron as set up today: classes with an interval under 28 days scrub every Sunday at
// 02:00, the others on the first Sunday of each month at 02:00 (local time in
// policy.timezone). No caps, no windows; a pool still scrubbing skips that run (zpool refuses).
SimRun RunCronBaseline(const SimFleet& fleet, const SchedulerPolicy& policy,
                       const SimOptions& options);

// The stretches of [from, to) in which class `c` may scrub: inside its windows and outside
// every outage of options. In time order; at most `max_spans`.
std::vector<std::pair<absl::Time, absl::Time>> SimOpenSpans(const SchedulerPolicy& policy,
                                                            const SimOptions& options, DiskClass c,
                                                            absl::Time from, absl::Time to,
                                                            size_t max_spans = 100000);

// The policy in force at `t`: `policy` with the windows of every class in an outage at `t`
// never open.
SchedulerPolicy PolicyAt(const SchedulerPolicy& policy, const SimOptions& options, absl::Time t);

// The first outage edge after `t`; InfiniteFuture when none.
absl::Time NextOutageEdge(const SimOptions& options, absl::Time t);

// The first Monday 00:00 UTC strictly after `now`: the default --start.
absl::Time ComingMondayUtc(absl::Time now);

}  // namespace zfleet::controller

#endif  // ZFLEET_TOOLS_SIM_SIMULATOR_H_
