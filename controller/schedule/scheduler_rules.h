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

// Each host's capped label values as numbers (DecideOptions::host_labels), so that checking
// a cap does not look up the host's labels.
struct HostLabelIndex {
  // By host, then by max_per_label entry: a number in [0, values) per (key, value), the same
  // for every host with that value; -1 where the host does not carry the key.
  std::vector<int> counter;
  int values = 0;
};
HostLabelIndex IndexHostLabels(const FleetSnapshot& fleet, const SchedulerPolicy& policy);

// Counts running scrubs fleet-wide, per host and per capped label value. Holds pointers
// into `fleet`, `policy` and `index`, which must outlive it. A decision checks thousands of
// pools on a large fleet, so each host's label values are looked up once, on its first Add
// or Check, or taken from `index` when one is given (made for this fleet and policy).
class CapCounter {
 public:
  CapCounter(const FleetSnapshot& fleet, const SchedulerPolicy& policy,
             const HostLabelIndex* index = nullptr);

  // +1 when a scrub starts or resumes on `host`, -1 when one pauses or stops.
  void Add(size_t host, int delta);
  // The first cap a new scrub on `host` would exceed: fleet, host, then labels in key order.
  BlockReason Check(size_t host) const;
  // The same caps, the host's first, then its labels, then the fleet's: the order in which a
  // scrub sharing the cap frees the most of the others too (one on the host frees them all).
  BlockReason CheckLocalFirst(size_t host) const;
  int fleet() const { return fleet_; }
  // Which counter the host's value of max_per_label entry `label` counts on, the same for
  // every host with that value; -1 when the host does not carry the key.
  int LabelCounter(size_t host, size_t label) const { return Counters(host)[label]; }

 private:
  static constexpr int kUnresolved = -2;
  static constexpr int kNoLabel = -1;  // the host does not carry the key
  // The counter index of each max_per_label key on `host` (kNoLabel without the key).
  const int* Counters(size_t host) const;

  const FleetSnapshot& fleet_snapshot_;
  const SchedulerPolicy& policy_;
  const HostLabelIndex* index_;
  int fleet_ = 0;
  std::vector<int> per_host_;  // by host index
  // By host, then max_per_label entry: the index into counts_, resolved on first use.
  mutable std::vector<int> counter_of_;
  // One map per max_per_label entry: label value → index into counts_.
  mutable std::vector<absl::flat_hash_map<absl::string_view, int>> value_index_;
  mutable std::vector<int> counts_;  // running scrubs per (key, value)
};

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_SCHEDULE_SCHEDULER_RULES_H_
