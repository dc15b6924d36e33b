// The scheduling policy: the cadence (disk classes, their intervals and windows, skip
// states, what happens at a window's end; schedule_policy/scrub_cadence.h, which agents
// apply too when the controller is away) plus what only a fleet-wide scheduler decides:
// caps, thresholds, early starts. Plain data; controller_config.cc fills it from
// controller.toml, tests build it by hand.
#ifndef ZFLEET_CONTROLLER_SCHEDULE_SCHEDULER_POLICY_H_
#define ZFLEET_CONTROLLER_SCHEDULE_SCHEDULER_POLICY_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "schedule_policy/scrub_cadence.h"

namespace zfleet::controller {

// The cadence's skip_states, timezone, classes and at_window_end, and For(), are the base's.
struct SchedulerPolicy : ScrubCadence {
  // How often the controller evaluates the schedule (the simulator's time step too).
  absl::Duration tick = absl::Seconds(30);
  int max_concurrent = 50;  // running scrubs fleet-wide
  int max_per_host = 1;     // running scrubs per host
  // Per agent label key: running scrubs per value of that label (e.g. rack → 4 per rack).
  // Hosts without the label are not limited by that cap. Sorted by key.
  std::vector<std::pair<std::string, int>> max_per_label;
  double load_threshold = 8.0;  // a host's 1-minute load must be at most this
  absl::Duration stall_after = absl::Hours(2);
  // Early starts flatten the peak at a window's opening: a pool due while its window is
  // closed may start up to `early_start` × its interval before it is due, inside a window,
  // while the fleet runs fewer than `early_below` × max_concurrent scrubs (scheduler.h).
  // early_start = 0 turns early starts off.
  double early_start = 0.1;
  double early_below = 0.5;

  // Fleet running count below which early starts are allowed.
  int EarlyCapacity() const { return static_cast<int>(early_below * max_concurrent); }
};

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_SCHEDULE_SCHEDULER_POLICY_H_
