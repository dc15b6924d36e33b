// How many scrubs one cap group holds over time, as the planner lays them out
// (scrub_planner.h), and the latest stretch of a given length in which it has a slot free.
// A count is enough, without saying which slot: scrubs are intervals, and intervals never
// more than `cap` at a time can always be given `cap` slots (start order, first free slot).
// Pure; thread-compatible.
#ifndef ZFLEET_CONTROLLER_SCHEDULE_BUSY_PROFILE_H_
#define ZFLEET_CONTROLLER_SCHEDULE_BUSY_PROFILE_H_

#include <utility>
#include <vector>

#include "absl/time/time.h"

namespace zfleet::controller {

class BusyProfile {
 public:
  // REQUIRES: cap >= 1.
  explicit BusyProfile(int cap) : cap_(cap) {}

  // Counts a scrub on [from, to) (nothing when to <= from). Add many, then Seal() once;
  // after that, Insert().
  void Add(absl::Time from, absl::Time to);
  void Seal();
  // Adds [from, to) to a sealed profile. Linear in the profile's steps.
  void Insert(absl::Time from, absl::Time to);

  // The latest start s <= latest such that [s, s + length) never holds `cap` scrubs. Always
  // exists (before the first scrub the group is empty), and may be in the past.
  // REQUIRES: sealed; latest finite; length >= 0.
  absl::Time LatestFit(absl::Time latest, absl::Duration length) const;

 private:
  // steps_[k]: from steps_[k].first on (until the next step) steps_[k].second scrubs run;
  // none before the first.
  size_t StepAt(absl::Time t);  // makes a step start at t; its index

  int cap_;
  std::vector<std::pair<absl::Time, int>> edges_;  // (time, ±1) before Seal
  std::vector<std::pair<absl::Time, int>> steps_;
};

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_SCHEDULE_BUSY_PROFILE_H_
