// Which of its own pools an agent scrubs while it cannot reach its controller: the
// controller's cadence for this one host. Pure: no clock, no zpool, no files.
//
// A pool starts when all hold: no scan (scrub or resilver) is running or paused on it; its
// state is not in the policy's skip_states; it is due (ScrubDueTime: the start of its last
// completed scrub + its class's interval, the class by PoolScrubClass, as the scheduler
// dates it; the last scrub is the later of what the controller last knew and what the pool's
// scan shows; a pool never scrubbed is due first_seen + its spread offset); its class's
// window is open; the host's load is at most the threshold; and fewer than max_per_host
// scrubs run on the host (every scrub scanning counts, whoever started it; paused ones do
// not). Most overdue first, then by name. Early starts and fleet-wide or label caps are the
// controller's alone: an agent knows only its own host.
#ifndef ZFLEET_AGENT_AUTONOMY_AUTONOMOUS_PLAN_H_
#define ZFLEET_AGENT_AUTONOMY_AUTONOMOUS_PLAN_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/time/time.h"
#include "agent/autonomy/autonomy_policy.h"
#include "schedule_policy/scrub_cadence.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::agent {

// What the plan knows of the host beyond its pools.
struct PlanHost {
  std::string host_id;          // the spread offset of a never-scrubbed pool hashes it
  std::optional<double> load1;  // the 1-minute load average; nullopt = unknown (not checked)
  absl::flat_hash_set<std::string> held;  // pools not to start now (just tried)
  // Scrubs started that the pools do not show yet (read before the start): they count
  // toward max_per_host.
  int starting = 0;
};

struct PlannedScrub {
  std::string pool;
  // Spelled in full: in zfleet::agent, DiskClass also names a function (disks/disk_class.h).
  ::zfleet::DiskClass disk_class = ::zfleet::DiskClass::kUnknown;
  std::optional<absl::Time> last_scrub;  // start (else end) of its last completed scrub
  absl::Time due;
};

// The pools to start at `now`, in start order; at most max_per_host minus those running.
std::vector<PlannedScrub> PlanAutonomousScrubs(const AutonomyPolicy& policy,
                                               const std::vector<v1::Pool>& pools, absl::Time now,
                                               const PlanHost& host);

}  // namespace zfleet::agent

#endif  // ZFLEET_AGENT_AUTONOMY_AUTONOMOUS_PLAN_H_
