// The scheduler's look-ahead (scheduler.h, "Planned starts"): for every pool, the latest time
// it can start so that it and every pool sharing a cap with it still start by their due
// times, given the windows and caps ahead; which pools will be late anyway; and which cap
// groups cannot hold their scrubs at all. Pure: no clock, no I/O; thread-compatible.
//
// Model. Every cap (the fleet's max_concurrent, each host's max_per_host, each value of a
// max_per_label key) is a group of `cap` slots. A scrub occupies one slot of each of its
// groups for its expected duration, counted in its class's window time (it pauses when the
// window closes and resumes when it opens). Pools are placed as late as possible, latest due
// first, each at once in all its groups: in each, into the slot whose next scrub starts
// latest, and at the earliest of its own latest sensible start and the times that leave
// those slots' next scrubs room. So the pools of one host, which share its slots, are not
// planned into the same hours by their rack. The running scrubs hold slots until their
// expected ends (the longest first); such a slot takes no pool that would have to start
// before then while another slot of its group can. A scrub paused at its window's end holds
// its slot only from when the window opens again (it resumes first then), so a pool that
// cannot follow it there goes before it, ending by then: e.g. a scrub of an always-open class
// runs in the daytime instead of taking the night a paused one needs. Paused scrubs do not
// count toward the caps, so a group may hold more of them than slots: each extra one follows
// the one that ends first. Then each slot's chain is walked forward from now (behind the
// scrub running in it), and a pool whose earliest start there falls after its due time will
// be late.
//
// When windowed classes are planned too, the pools of always-open classes (which can run at
// any hour) are placed after all the others, each at the latest start before its own at
// which every group it belongs to keeps a slot free for its whole run (busy_profile.h): in
// the hours the windowed classes leave free, rather than in the nights and weekends only
// those can use.
//
// A pool's own latest sensible start is its due time when its window is open then, unless
// the scrub would outlast that stretch but fits in it: then early enough to finish inside it
// (paused at the stretch's end, it would resume first when the window reopens and take a
// slot the pools due then need). When the window is closed at its due time: the last window
// stretch before it, late enough in the stretch to finish inside it when the scrub fits.
// Each scrub holds its slots for its expected duration, a fifth more (a scrub that runs over
// its estimate does not make the next one late), and a tick (the scheduler starts the next
// one at its first tick after it ends).
#ifndef ZFLEET_CONTROLLER_SCHEDULE_SCRUB_PLANNER_H_
#define ZFLEET_CONTROLLER_SCHEDULE_SCRUB_PLANNER_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "absl/types/span.h"
#include "controller/schedule/scheduler.h"
#include "controller/schedule/scheduler_policy.h"

namespace zfleet::controller {

struct PoolPlan {
  // false: running, paused, on a host not reporting (unless expected back), or in a skip
  // state
  bool planned = false;
  absl::Time due = absl::InfiniteFuture();
  absl::Duration expected = absl::ZeroDuration();  // ExpectedScrubDuration
  // Start by then; InfinitePast when the horizon holds no room at all.
  absl::Time latest_start = absl::InfiniteFuture();
  // Cannot start by `due` under the caps and windows ahead (true when already overdue).
  bool late = false;
};

// A cap group whose windows cannot hold one interval's scrubs of a class.
struct Shortfall {
  std::string group;  // "fleet", "rack=r07", "host h0001"
  DiskClass disk_class = DiskClass::kUnknown;
  absl::Duration interval;
  double need_hours = 0;      // Σ expected durations of the group's pools of the class
  double capacity_hours = 0;  // slots usable × window hours in the coming interval
  int pools = 0;
};

struct ScrubPlan {
  std::vector<PoolPlan> pools;  // by pool index
  std::vector<Shortfall> shortfalls;
  int late = 0;  // planned pools that will be late, overdue ones included
};

// How long a scrub of `pool` runs, in window time: pool.expected_duration when known (from its
// last runs), else its size at its own scan rate, else its size at its class's
// scrub_bytes_per_s; one hour when the size is unknown too.
absl::Duration ExpectedScrubDuration(const PoolSnapshot& pool, const SchedulerPolicy& policy);

// A finished scrub of a pool: when it started and ended, and whether it was paused at its
// window's ends (the scheduler's and a lone agent's scrubs; a manual or external scrub runs
// through).
struct FinishedScrub {
  absl::Time started;
  absl::Time ended;
  bool windowed = true;
};

// A pool's expected duration from its finished scrubs, newest first: the median of the last
// three, each counted in its class's window time when it was windowed and scrubs pause at a
// window's end (a scrub paused overnight took only its window hours), in wall time
// otherwise. Scrubs that ended before they started are ignored; nullopt when none is left.
std::optional<absl::Duration> ExpectedFromHistory(absl::Span<const FinishedScrub> newest_first,
                                                  DiskClass disk_class,
                                                  const SchedulerPolicy& policy);

ScrubPlan PlanScrubs(absl::Time now, const FleetSnapshot& fleet, const SchedulerPolicy& policy,
                     absl::Span<const RunningScrub> running);

// The text `zfleet schedule` and zfleet-sim print for a shortfall, e.g. "sata on rack=r07
// needs ~520 scrub-hours every 7d; its windows under the caps give 400 (80 pools)".
std::string ShortfallText(const Shortfall& s);

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_SCHEDULE_SCRUB_PLANNER_H_
