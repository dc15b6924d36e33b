// A lower bound on the overdue pool-days (sim_metrics.h) that any scheduler obeying the
// policy could reach on a simulated fleet, so zfleet-sim measures the scheduler against the
// best possible and not only against cron. Pure; thread-compatible.
//
// Why it holds. At a time t a pool is not overdue only if it started within (t − interval, t]
// (or its last scrub before the simulation is that recent). Take any set of pools sharing a
// cap of k (the fleet, a host, one value of a max_per_label key) and of one class, or of a
// group of classes, and the pools of it that need a start in a span S (for a group, the
// longest of its classes' spans). Each needing pool that starts in S either finishes in S,
// and at most k scrubs run at once, each only while its class's windows are open (or all
// the time when scrubs go on at a window's end), so at most as many as the shortest of them
// fit in k × the time any of the group's windows is open, and none longer than that time
// fits at all; or it is still unfinished (running or paused) when S ends. How many can be
// unfinished at once ("in flight"): at most k running, and paused ones only when a window of
// their class closed inside S. Of one class, at most:
// - on one host, max_per_host: a paused scrub resumes before any new start on its host (the
//   scheduler's order, scheduler.h), and whatever lets a pool of the host start lets the
//   paused one resume;
// - in one value of the only capped label key, its cap k: a paused scrub that does not
//   resume while another starts in the value is held by its host, full with scrubs of other
//   classes that count toward k, and it is at most one per such slot; with more keys, a
//   value holds at most what its hosts hold;
// - in the fleet, max_concurrent without label keys, else what the values of one key and
//   the hosts without it hold;
// and of a group, the sum over its classes.
// With at_window_end = stop a stopped scrub frees its slot: k per open stretch instead.
// Every needing pool beyond those is overdue. A pool on a host whose load is over the
// threshold, or in a skip state, never starts. The groups of classes of one split, the sets
// of one family (all hosts, all values of one label, the fleet, single pools) do not
// overlap, so their bounds add up; the bound at t is the best family's, each set split in
// its best way. It is evaluated per hour of the simulation, over the span that covers the
// whole hour, so it stays a bound between the samples.
#ifndef ZFLEET_TOOLS_SIM_OVERDUE_BOUND_H_
#define ZFLEET_TOOLS_SIM_OVERDUE_BOUND_H_

#include "controller/schedule/scheduler_policy.h"
#include "tools/sim/sim_fleet.h"
#include "tools/sim/simulator.h"

namespace zfleet::controller {

// Overdue pool-days no scheduler can go below on `fleet` under `policy` over the run of
// `options` (jitter and outages included). 0 = no unavoidable lateness was found.
double OverdueLowerBound(const SimFleet& fleet, const SchedulerPolicy& policy,
                         const SimOptions& options);

}  // namespace zfleet::controller

#endif  // ZFLEET_TOOLS_SIM_OVERDUE_BOUND_H_
