// Where the controller turns what it stores into events and history bookkeeping: hooks for
// the report path (called by ReportProcessor inside the report's transaction) and for the
// controller's periodic tick. Each hook reads and writes only through Store; detection
// itself is pure (event_detector.h).
//
// Thread-compatible, like Store: callers hold the controller's store mutex.
// Each hook returns the store's error (Internal) and then has written nothing of its own
// when called inside a transaction that the caller rolls back.
#ifndef ZFLEET_CONTROLLER_EVENT_HOOKS_H_
#define ZFLEET_CONTROLLER_EVENT_HOOKS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "controller/controller_config.h"
#include "controller/store.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::controller {

// Retention of pool snapshots: `[history] retention = "30d"` in controller.toml once
// controller_config parses it; until then the default applies.
struct HistoryPolicy {
  absl::Duration retention = absl::Hours(24 * 30);
};

// --- Report path: inside Store::RunInTransaction, in this order. ---

// After UpsertHost. `before` is the host as stored before this report (Store::GetHost
// called before UpsertHost; nullopt for a new host). Raises stack_check events for checks
// that got worse and host_back when the host was flagged missing (clearing the flag), and
// keeps the host's stack-attention flag (for triage) current. NotFound if the host is
// unknown (UpsertHost did not run).
absl::Status OnHostReported(Store& store, const ControllerConfig& config,
                            const std::string& host_id, const std::optional<HostRecord>& before,
                            const v1::HostInfo& after, absl::Time now);

// After each RecordPool. When the snapshot changed: raises pool_state, data_errors,
// device_errors and resilver_finished events. Always: follows the scan's progress (for
// stall detection) and clears the pool's stalled/overdue concerns that the report resolves.
absl::Status OnPoolStored(Store& store, const std::string& host_id, const PoolWrite& write,
                          const v1::Pool& after, absl::Time now);

// Before MarkPoolsAbsent, for a report whose pools are valid; `reported` = the names it
// lists. Raises pool_state for each present pool the report no longer lists.
absl::Status OnPoolsReported(Store& store, const std::string& host_id,
                             const std::vector<std::string>& reported, absl::Time now);

// After each UpdateScrubRun (before = the run as it was) and InsertScrubRun (before =
// nullopt, after.id = the id InsertScrubRun returned). Raises scrub_finished or
// scrub_repaired when the run reached finished.
absl::Status OnScrubRunUpdated(Store& store, const std::optional<v1::ScrubRun>& before,
                               const v1::ScrubRun& after, absl::Time now);

// --- Periodic: the controller's tick (every few seconds to a minute). ---

// REQUIRES: no transaction open (each step runs in its own). Every tick: host_missing /
// host_back; stalled scans (config.scheduler.stall_after) as scrub_concerns and
// scrub_stalled events. At most hourly: overdue scrubs (class intervals from
// config.scheduler; pools in skip_states or on missing hosts are left out) and
// scrub_overdue events. At most daily: thins snapshots older than history.retention.
// Runs every step; returns the first error.
absl::Status OnTick(Store& store, const ControllerConfig& config, const HistoryPolicy& history,
                    absl::Time now);

// The pool's scrub interval: the shortest class interval among its disks (DESIGN.md).
absl::Duration PoolInterval(const v1::Pool& pool, const SchedulerPolicy& policy);
// The same from the classes' names (PoolFacts.disk_classes); none → the unknown class's.
absl::Duration ClassesInterval(const std::vector<std::string>& classes,
                               const SchedulerPolicy& policy);

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_EVENT_HOOKS_H_
