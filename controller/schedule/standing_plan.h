// The plan the scheduler acts on between plans (scheduler.h, "Planned starts"). A plan is made
// at every window edge of any class and at least every 12 hours, not at every tick: each plan
// is as late as possible, so one made at every tick would put off what the last one said
// must start now whenever the fleet moved a little, and on a large fleet a plan costs more
// than the rest of a decision. zfleet-sim makes its plans at the same times (ReplanTime).
// Pure: no clock, no I/O; thread-compatible.
#ifndef ZFLEET_CONTROLLER_SCHEDULE_STANDING_PLAN_H_
#define ZFLEET_CONTROLLER_SCHEDULE_STANDING_PLAN_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "controller/schedule/scheduler.h"
#include "controller/schedule/scheduler_policy.h"
#include "controller/schedule/scrub_planner.h"

namespace zfleet::controller {

// When a plan made at `made` is made again: at the next window edge of any class (a window
// that opens or closes changes what can run), at the latest 12 hours later.
absl::Time ReplanTime(absl::Time made, const SchedulerPolicy& policy);

// How soon after a plan a host that reports again makes the next one.
inline constexpr absl::Duration kHostBackReplanGap = absl::Minutes(5);

class StandingPlan {
 public:
  // The plan to act on at `now` for `fleet`: a new one when none stands, its ReplanTime has
  // come, `now` is before it was made (a clock set back) or `fleet` has a pool it does not
  // know (a host that reported its pools after the plan, as every host does once the
  // controller starts); else the standing one, its pools matched to `fleet`'s by host id and
  // pool name (pools gone since drop out). A pool whose due time moved since (a scrub ended)
  // has no planned start until the next plan, which Decide checks. A host that was not
  // reporting (nor expected back) when the plan was made has no pool in it: once it reports
  // again, a new plan is made, kHostBackReplanGap after the last at the soonest (hosts that
  // come back one by one after a network fault do not each cost a plan). Valid until the
  // next call.
  const ScrubPlan& At(absl::Time now, const FleetSnapshot& fleet, const SchedulerPolicy& policy,
                      absl::Span<const RunningScrub> running);

  absl::Time made() const { return made_; }

 private:
  // made_plan_ itself when `fleet` lists the same pools in the same order (the usual case:
  // no copy per tick), else current_ made from it; null when `fleet` has a pool the plan
  // does not know.
  const ScrubPlan* Match(const FleetSnapshot& fleet);
  // Whether a host the plan was made without (not reporting then) reports in `fleet`.
  bool AHostCameBack(const FleetSnapshot& fleet) const;

  ScrubPlan made_plan_;  // by the pools of the fleet it was made for
  std::vector<std::pair<std::string, std::string>> keys_;  // (host id, pool) of each of them
  absl::flat_hash_set<std::string> silent_hosts_;          // not reporting when it was made
  ScrubPlan current_;  // made_plan_ by the pools of a fleet that changed since
  absl::Time made_ = absl::InfinitePast();
  absl::Time replan_at_ = absl::InfinitePast();
};

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_SCHEDULE_STANDING_PLAN_H_
