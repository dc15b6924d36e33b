// The eligibility rules and cap accounting behind Decide() (scheduler.h), apart so each rule
// is tested on its own. Pure; thread-compatible.
#ifndef ZFLEET_CONTROLLER_SCHEDULE_SCHEDULER_RULES_H_
#define ZFLEET_CONTROLLER_SCHEDULE_SCHEDULER_RULES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "controller/schedule/scheduler.h"

namespace zfleet::controller {

// Why a pool that should scrub does not start now. kNone = it may start.
enum class Blocker : uint8_t {
  kNone,
  kHostNotReporting,
  kResilvering,
  kScanRunning,
  kScrubPaused,
  kPoolState,
  kWindowClosed,
  kLoad,
  kCapFleet,
  kCapHost,
  kCapLabel,
};

struct BlockReason {
  Blocker blocker = Blocker::kNone;
  int label = -1;  // kCapLabel: index into policy.max_per_label
  bool ok() const { return blocker == Blocker::kNone; }
};

// What a start may skip.
enum class Bypass : uint8_t {
  kNothing,  // scheduled and plain manual starts
  kNow,      // `--now`: windows, load, skip_states and caps
};

// The text shown in `zfleet schedule`, e.g. "pool DEGRADED", "load 12.3 > 8.0",
// "cap rack=r07 reached".
std::string BlockReasonText(const BlockReason& reason, const PoolSnapshot& pool,
                            const HostSnapshot& host, const SchedulerPolicy& policy);

// The non-cap rules in the order of scheduler.h: host, scan, state, window, load.
BlockReason PoolBlocker(const PoolSnapshot& pool, const HostSnapshot& host, bool window_open,
                        const SchedulerPolicy& policy, Bypass bypass);

// Counts running scrubs fleet-wide, per host and per capped label value. Holds pointers
// into `fleet` and `policy`, which must outlive it.
class CapCounter {
 public:
  CapCounter(const FleetSnapshot& fleet, const SchedulerPolicy& policy);

  // +1 when a scrub starts or resumes on `host`, -1 when one pauses or stops.
  void Add(size_t host, int delta);
  // The first cap a new scrub on `host` would exceed: fleet, host, then labels in key order.
  BlockReason Check(size_t host) const;
  int fleet() const { return fleet_; }

 private:
  const FleetSnapshot& fleet_snapshot_;
  const SchedulerPolicy& policy_;
  int fleet_ = 0;
  std::vector<int> per_host_;  // by host index
  // One map per max_per_label entry: label value → running scrubs.
  std::vector<absl::flat_hash_map<absl::string_view, int>> per_label_;
};

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_SCHEDULE_SCHEDULER_RULES_H_
