// A lower bound on the overdue pool-days (sim_metrics.h) that any scheduler obeying the
// policy could reach on a simulated fleet, so zfleet-sim measures the scheduler against the
// best possible and not only against cron. Pure; thread-compatible.
//
// Why it holds. At a time t a pool is not overdue only if it started within (t − interval, t]
// (or its last scrub before the simulation is that recent). Take any set of pools sharing a
// cap of k (the fleet, a host, one value of a max_per_label key) and of one class. In a span
// S, a start needs an open moment of the class's windows and a free slot. A slot frees only
// when its scrub finishes: a scrub paused at a window's end resumes first when the window
// reopens, and one that goes on keeps running. So at most k scrubs hold slots when S begins
// and at most k are unfinished when it ends, and S holds at most 2k + (the most scrubs whose
// shortest durations fit in k × the time they may run in S) starts; every needing pool beyond
// that is overdue. (With at_window_end = stop a stopped scrub frees its slot: k per open
// stretch instead of 2k.) A pool on a host whose load is
// over the threshold, or in a skip state, never starts. The sets of one family (all hosts,
// all values of one label, the fleet, single pools) do not overlap, so their bounds add up;
// the bound at t is the best family's. It is evaluated per hour of the simulation, over the
// span that covers the whole hour, so it stays a bound between the samples.
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
