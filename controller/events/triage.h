// `zfleet triage`: one screen of what needs attention, most severe first, each item with
// the action to take. Pure: the caller reads the store; this only decides and words.
//
// Items (TriageItem.kind), one per problem, in this order within a severity (root causes
// before what they cause):
//   host_missing    a host silent for more than missing_after
//   zpool_stuck     zpool on a host does not answer (hangs, or times out on every call);
//                   action: the ZFS daemon, the kernel log and the disk behind it
//   stack           a ZFS stack check at warn or fail (critical: a failing
//                   zfs-module-installed:KERNEL — rebuild the module for that kernel)
//   bad_disk        a leaf with non-zero counters or not ONLINE, with identity, counters and
//                   their trend; action: replace it (FAULTED/UNAVAIL/REMOVED, or errors that
//                   keep growing), `zpool online` (OFFLINE), or `zpool clear POOL DEVICE`
//                   (a transient error that stopped growing)
//   data_errors     permanent data errors in a pool (critical; action: restore the files)
//   unhealthy_pool  a pool not ONLINE (critical when FAULTED/UNAVAIL/SUSPENDED)
//   scrub_stalled, scrub_overdue
// Then input order (hosts and pools by name).
//
// Root causes hold what they make stale: every other item of a missing host, and the pool
// items (bad_disk, data_errors, unhealthy_pool, scrub_*) of a host whose zpool does not
// answer, are read from its last report. They are not listed but returned as `held`, so
// their incidents stay open as they were (incident_plan.h) instead of resolving.
//
// Events are not items: each problem is one item however often it changed; the event log
// stays underneath (`zfleet events`).
#ifndef ZFLEET_CONTROLLER_EVENTS_TRIAGE_H_
#define ZFLEET_CONTROLLER_EVENTS_TRIAGE_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "controller/store/history_table.h"
#include "model/host_record.h"
#include "model/pool_record.h"
#include "model/scan_watch.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::controller {

struct TriageInput {
  absl::Time now;
  absl::Duration missing_after;
  // When the controller started: silence before it does not count (SilentTooLong).
  absl::Time watching_since = absl::InfinitePast();
  std::vector<PoolRecord> pools;  // pools needing attention (others are ignored anyway)
  // "host/pool" → the pool's counter samples per leaf (HistoryTable::GetDiskHistory).
  absl::flat_hash_map<std::string, DiskHistory> disk_history;
  // Hosts that may need attention (HostTable::ListNeedingAttention); others may be
  // included, they add nothing.
  std::vector<HostRecord> hosts;
  std::vector<ScrubConcern> scrub_concerns;
};

struct Triage {
  v1::TriageResponse response;      // the items to list
  std::vector<v1::TriageItem> held;  // items under a root cause, in the same order
  // Hosts with a root cause: host → host_missing or zpool_stuck.
  absl::flat_hash_map<std::string, std::string> roots;

  // Whether an item or incident of `kind` on `host_id` is held under a root cause.
  bool Holds(const std::string& host_id, const std::string& kind) const;
};

Triage BuildTriage(const TriageInput& input);

// A stack check triage lists: level warn or fail.
bool StackCheckNeedsAttention(const v1::StackCheck& check);

// Errors "keep growing" when, since the last reset (a sample whose total is below the one
// before, e.g. after `zpool clear`), the total grew in at least two samples at least an
// hour apart: a burst within one scrub is transient, growth across time is a failing disk.
// `history` is oldest first.
bool ErrorsKeepGrowing(const std::vector<v1::CounterSample>& history);

// When the current run of errors began: the first sample since the last reset with a
// non-zero total; 0 when unknown.
int64_t ErrorsSince(const std::vector<v1::CounterSample>& history);

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_EVENTS_TRIAGE_H_
