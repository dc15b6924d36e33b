// Event detection: which events a change raises. Pure — no store, no clock (`now` is
// passed in), no threads.
//
// An event is raised once per change, not once per report: every function compares the
// state before with the state after (or, for conditions found by the tick, names the
// condition's instance in the dedup key), so an identical report raises nothing, and
// EventTable::Insert drops an event whose dedup key is already stored.
//
// Changes that repeat one condition coalesce (NewEvent.condition): while its event is not
// acknowledged, another change of the same condition adds an occurrence to it (count, last
// seen, the latest message) instead of a row; after an acknowledgement the next change
// opens a new event. The condition of each kind, and why:
//   device_errors      host, pool, device: a counter rising on every poll is one problem
//                      of one disk, however often it rises
//   data_errors        host, pool: the permanent error count or file list growing
//   pool_state         host, pool and the new state: flapping DEGRADED ↔ ONLINE is one
//                      open "DEGRADED" and one open "ONLINE again" event, each with its
//                      count (a state of its own severity never hides in another's event)
//   pool_state (gone)  host, pool: a pool exported and imported again and again
//   stack_check        host, check and its level (the severity follows them)
//   host_missing       host: a host that keeps dropping out
//   host_back          host: and coming back
//   zpool_stuck        host: a zpool that keeps hanging (a daemon or disk going bad)
//   zpool_answering    host: and answering again
//   scrub_overdue      host, pool: overdue again after a scrub that did not hold
//   scrub_stalled      host, pool: a scan that keeps stalling
//   scrub_finished, scrub_repaired, resilver_finished: none; each scrub or resilver is an
//                      event of its own, with its own figures.
//
// Severities:
//   critical  pool FAULTED / UNAVAIL / SUSPENDED; new permanent data errors; a failing
//             zfs-module-installed:KERNEL check (pools will not import after reboot)
//   warning   zpool on a host not answering;
//             pool DEGRADED (or another state that is not ONLINE); a device whose READ,
//             WRITE or CKSUM count grew; a scrub that repaired bytes or found errors;
//             a scrub overdue or stalled; a host that stopped reporting; other stack checks
//             turning warn or fail; a resilver that finished with errors
//   info      pool ONLINE again; scrub finished clean; resilver finished; host back;
//             zpool answering again
#ifndef ZFLEET_CONTROLLER_EVENTS_EVENT_DETECTOR_H_
#define ZFLEET_CONTROLLER_EVENTS_EVENT_DETECTOR_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "controller/store/event_table.h"
#include "model/host_record.h"
#include "model/scan_watch.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::controller {

// Pool state, device counters, permanent data errors and resilver completion, comparing the
// pool's previous snapshot (`before`, nullopt on first sight) with the reported one. On
// first sight only a state other than ONLINE, non-zero counters and data errors raise.
std::vector<NewEvent> DetectPoolEvents(const std::string& host_id,
                                       const std::optional<v1::Pool>& before, const v1::Pool& after,
                                       absl::Time now);

// Pools the controller had as present (`stored`) that a valid report no longer lists:
// pool_state (warning) "no longer reported" — exported, destroyed, or not imported (a host
// that rebooted without its zfs module reports no pools at all).
std::vector<NewEvent> DetectVanishedPools(const std::string& host_id,
                                          const std::vector<std::string>& stored,
                                          const std::vector<std::string>& reported, absl::Time now);

// A scrub run that reached `finished`: scrub_repaired (warning) when it repaired bytes or
// counted errors, else scrub_finished (info). `before` is the run as stored before (nullopt
// for a run about to be inserted, e.g. an external scrub). A run first seen already
// finished more than a day before `now` (a pool's last scrub, recorded on first sight)
// raises nothing, unless the agent ran it on its own (trigger agent, reported once the
// controller is back) and it repaired data. The dedup key is the run's id when it has one,
// else its pool and times.
std::vector<NewEvent> DetectScrubRunEvents(const std::optional<v1::ScrubRun>& before,
                                           const v1::ScrubRun& after, absl::Time now);

// zpool on a host stopped answering (`after` set, `before` not): zpool_stuck (warning), with
// what hangs and when the pools were last read; or answers again: zpool_answering (info).
// `before`/`after`: since when it has not answered, nullopt when it answers.
std::vector<NewEvent> DetectZpoolEvents(const std::string& host_id,
                                        std::optional<absl::Time> before,
                                        std::optional<absl::Time> after,
                                        const v1::ZpoolHealth& health, absl::Time now);

// Stack checks whose level got worse (ok/n/a → warn → fail) between two reports of a host.
// A failing zfs-module-installed:KERNEL check is critical, anything else warning.
std::vector<NewEvent> DetectStackEvents(
    const std::string& host_id, const google::protobuf::RepeatedPtrField<v1::StackCheck>& before,
    const google::protobuf::RepeatedPtrField<v1::StackCheck>& after, absl::Time now);

struct LivenessResult {
  std::vector<NewEvent> events;
  // Hosts whose missing flag changes: missing_since set (declared missing, = last_seen) or
  // nullopt (back). last_seen as given.
  std::vector<HostLiveness> changes;
};
// host_missing (warning) for a host silent for more than `missing_after` and not yet
// flagged; host_back (info) for a flagged host seen within `missing_after`. Silence counts
// from the later of the host's last report and `watching_since` (when the controller
// started): while the controller was down or restarting, no host could reach it, and a
// whole fleet declared missing at once would bury what is really wrong.
LivenessResult DetectHostLiveness(const std::vector<HostLiveness>& hosts, absl::Time now,
                                  absl::Duration missing_after,
                                  absl::Time watching_since = absl::InfinitePast());
// Whether a host last seen at `last_seen` has been silent too long, by the rule above: the
// one rule of the liveness events, the `missing` set of the tick and triage's items.
bool SilentTooLong(absl::Time last_seen, absl::Time now, absl::Duration missing_after,
                   absl::Time watching_since = absl::InfinitePast());

// The scan progress to keep for a pool after a report: nullopt when no scan is running or
// paused; else `before` with progressed_at moved to `now` when the progress value or the
// paused flag changed, or a new record when the scan is another one (function or start).
std::optional<ScanProgress> NextScanProgress(const std::optional<ScanProgress>& before,
                                             const v1::Scan& scan, absl::Time now);

// A running (not paused) scan whose progress has not moved for `stall_after`.
std::optional<ScrubConcern> DetectStall(const ScanProgressRecord& record, absl::Time now,
                                        absl::Duration stall_after);

struct ScrubDue {
  std::string host_id;
  std::string pool;
  absl::Time first_seen;
  // Start (else end) of the last completed scrub; nullopt if never scrubbed.
  std::optional<absl::Time> last_scrub;
  absl::Duration interval;  // the pool's class interval (SchedulerPolicy)
  bool scanning = false;    // a scrub or resilver is running or paused
};
// Overdue: not scanning and `now` past last_scrub (else first_seen) + interval by more than
// a tenth of the interval (the scheduler's own early/late slack), so a pool waiting briefly
// for its window does not raise. since = the due time.
std::optional<ScrubConcern> DetectScrubOverdue(const ScrubDue& pool, absl::Time now);

// scrub_overdue / scrub_stalled (warning) for a concern; the dedup key names the concern's
// instance (pool and since), so a condition found on every tick raises once.
NewEvent ScrubConcernEvent(const ScrubConcern& concern, absl::Time now);

// "45.3M", "1.2T": bytes as zpool prints them (1024-based, one decimal).
std::string HumanBytes(uint64_t bytes);

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_EVENTS_EVENT_DETECTOR_H_
