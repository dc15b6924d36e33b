// The controller's AgentPolicy as the agent applies it while it cannot reach the
// controller: the cadence (schedule_policy/, the scheduler's own rules: intervals, windows
// and what happens at their end, skip states), the per-host cap,
// the load threshold and what the controller knew of each pool.
#ifndef ZFLEET_AGENT_AUTONOMY_AUTONOMY_POLICY_H_
#define ZFLEET_AGENT_AUTONOMY_AUTONOMY_POLICY_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "schedule_policy/scrub_cadence.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::agent {

// Copyable value type; thread-compatible.
struct AutonomyPolicy {
  v1::AgentPolicy wire;  // as the controller sent it
  // How long without the controller before the agent scrubs on its own; zero = never.
  absl::Duration autonomous_after = absl::ZeroDuration();
  ScrubCadence cadence;
  int max_per_host = 1;
  double load_threshold = 0;
  std::map<std::string, v1::PoolCadence> pools;  // by pool name
  // When the controller was last reached: a pool the controller did not list counts as
  // first seen then (so a never-scrubbed one is spread over its first interval from there).
  absl::Time contact = absl::UnixEpoch();
};

// Reads `policy`, reached at `contact`. InvalidArgument naming the first bad field: a class
// interval not positive, a window that does not parse, a time zone this host does not know,
// max_per_host or autonomous_after_s out of range. Classes this build does not know are
// ignored (a newer controller's); classes the policy does not list keep their defaults; an
// empty timezone is UTC, an empty at_window_end pause.
absl::StatusOr<AutonomyPolicy> ReadAutonomyPolicy(const v1::AgentPolicy& policy,
                                                  absl::Time contact);

}  // namespace zfleet::agent

#endif  // ZFLEET_AGENT_AUTONOMY_AUTONOMY_POLICY_H_
