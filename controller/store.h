// The controller's durable state in SQLite: hosts, pools, vdevs, pool snapshots, scrub runs
// and the command queue. One owning connection, WAL, schema migrated through
// PRAGMA user_version, every statement prepared and bound.
//
// Thread-compatible: callers serialize access (the controller holds one mutex around the
// store), so there is exactly one writer.
// Every method returns Internal (with SQLite's message) on a database error, including a
// full disk, and leaves the database as it was (each mutation is one transaction).
#ifndef ZFLEET_CONTROLLER_STORE_H_
#define ZFLEET_CONTROLLER_STORE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::controller {

struct HostRecord {
  std::string host_id;
  std::string instance_id;
  absl::Time first_seen;
  absl::Time last_seen;
  v1::HostInfo info;
  std::string collect_error;  // last zpool collection error the agent reported, "" if none
  uint32_t pool_count = 0;    // pools currently present
};

struct PoolRecord {
  std::string host_id;
  v1::Pool pool;          // the latest snapshot
  absl::Time first_seen;
  absl::Time last_seen;   // last report that contained this pool
  absl::Time changed_at;  // when the latest snapshot was stored
};

enum class CommandState { kPending, kDone, kFailed };

struct CommandRecord {
  std::string id;
  std::string host_id;
  std::string pool;
  v1::CommandKind kind = v1::COMMAND_KIND_UNSPECIFIED;
  int64_t scrub_run_id = 0;  // 0 when the command belongs to no run
  absl::Time created_at;
  CommandState state = CommandState::kPending;
  std::string error;
  std::optional<absl::Time> acked_at;
};

// Result of storing one pool from a report.
struct PoolWrite {
  std::optional<v1::Pool> previous;  // the snapshot before this report; nullopt if new
  bool changed = false;              // a new snapshot row was written
};

// --- History, events and triage (issue 5): types of the section at the end of Store. ---

enum class Severity : uint8_t { kInfo, kWarning, kCritical };
// "info", "warning", "critical".
const char* SeverityName(Severity s);
// The names above → severity; nullopt for anything else.
std::optional<Severity> ParseSeverity(const std::string& name);

struct EventFilter {
  absl::Time since = absl::InfinitePast();
  std::optional<Severity> min_severity;  // nullopt: all
  std::string host_id;                   // "": all hosts
  std::string pool;                      // "": all pools (with host_id: that host's pool)
  bool unacknowledged_only = false;
  int limit = 1000;  // at most this many, newest first
};

struct AckResult {
  std::vector<int64_t> acknowledged;  // now or earlier (an earlier ack is kept as it was)
  std::vector<int64_t> unknown;
};

struct HostLiveness {
  std::string host_id;
  absl::Time last_seen;
  std::optional<absl::Time> missing_since;  // set while the host is declared missing
  std::optional<bool> stack_attention;      // a stack check at warn or fail; nullopt: unknown
};

// A running or paused scan, and when its progress last moved.
struct ScanProgress {
  std::string function;               // scrub, resilver
  std::optional<int64_t> start_time;  // as zpool reported it (unix seconds)
  double progress = 0;                // bytes issued, else scanned, else percent done
  std::optional<double> percent_done;
  bool paused = false;
  absl::Time progressed_at;
};
struct ScanProgressRecord {
  std::string host_id;
  std::string pool;
  ScanProgress progress;
};

// A pool whose scrub is overdue or stalled (found by the controller's tick).
struct ScrubConcern {
  enum class Kind : uint8_t { kOverdue, kStalled };
  Kind kind = Kind::kOverdue;
  std::string host_id;
  std::string pool;
  absl::Time since;    // overdue: when it fell due; stalled: when progress last moved
  std::string detail;  // one line, e.g. "last scrub 2026-01-02T03:04:05Z, interval 7d"
};
const char* ScrubConcernKindName(ScrubConcern::Kind kind);  // "overdue", "stalled"

// A present pool's latest state and scrub outcome, read without parsing its snapshot.
struct PoolStatusRow {
  std::string host_id;
  std::string pool;
  std::string state;
  std::string scan_function;
  std::string scan_state;
  // PoolFacts.disk_classes split; nullopt when not known (not stored since schema v2).
  std::optional<std::vector<std::string>> disk_classes;
  absl::Time first_seen;
  std::optional<v1::ScrubRun> last_ended;     // latest finished, canceled or failed run
  std::optional<v1::ScrubRun> last_finished;  // latest finished run
  std::optional<uint64_t> device_errors;      // sum of the leaves' counters, when known
};

// The fleet as `zfleet status` needs it (Store::GetFleetStatus).
struct FleetStatusRecord {
  struct Pool {
    v1::PoolStatus status;  // host_reporting left unset: the caller knows the clock
    absl::Time host_last_seen;
  };
  std::vector<absl::Time> host_last_seen;  // one per host, as ListHosts lists them
  std::vector<Pool> pools;                 // present pools, ordered by host then pool
};

// A leaf's counters as the latest snapshot has them (the vdevs rows).
struct LeafCounterRow {
  std::string host_id;
  std::string pool;
  std::string vdev;
  std::string path;
  std::string state;
  std::optional<uint64_t> read_errors;
  std::optional<uint64_t> write_errors;
  std::optional<uint64_t> checksum_errors;
};

struct EventCount {
  std::string severity;
  int64_t total = 0;
  int64_t unacknowledged = 0;
};

// Per leaf vdev name: its counter samples, oldest first.
using DiskHistory = std::map<std::string, std::vector<v1::CounterSample>>;

class Store {
 public:
  // Opens (creating if needed) the database at `path` (":memory:" for tests), enables WAL
  // and synchronous=FULL, and migrates the schema to the current version. Returns
  // FailedPrecondition if the file's schema is newer than this binary knows, Internal if
  // the file cannot be opened or is not a database.
  static absl::StatusOr<std::unique_ptr<Store>> Open(const std::string& path);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // --- Reports. The controller calls these inside one RunInTransaction per report. ---

  // Inserts or updates the host: instance id, info, collect error, last_seen = now
  // (first_seen set on insert).
  absl::Status UpsertHost(const std::string& host_id, const std::string& instance_id,
                          const v1::HostInfo& info, const std::string& collect_error,
                          absl::Time now);

  // Stores `pool` for `host_id` (which must exist). Writes a pool_snapshots row and
  // refreshes the pool's vdev rows only when the pool's material facts differ from its
  // latest snapshot (state, status, scan kind and outcome, errors, the vdev tree with its
  // counters and identities; presence of an optional field counts); sizes and a running
  // scan's progress only refresh the latest snapshot in place. Always updates last_seen
  // and marks the pool present. NotFound if the host is unknown.
  absl::StatusOr<PoolWrite> RecordPool(const std::string& host_id, const v1::Pool& pool,
                                       absl::Time now);

  // Marks the host's pools whose names are not in `present` as no longer present (they are
  // kept with their history but left out of ListPools). An unknown host is a no-op.
  absl::Status MarkPoolsAbsent(const std::string& host_id,
                               const std::vector<std::string>& present);

  // Runs `fn` inside BEGIN IMMEDIATE … COMMIT; rolls back and returns fn's error, or the
  // commit's error. Nested calls are not supported (REQUIRES: not already inside one; a
  // nested call returns FailedPrecondition). Store methods called inside `fn` that fail
  // undo only their own writes, so `fn` may carry on after one.
  absl::Status RunInTransaction(const std::function<absl::Status()>& fn);

  // --- Reads. ---
  absl::StatusOr<std::vector<HostRecord>> ListHosts();
  absl::StatusOr<std::optional<HostRecord>> GetHost(const std::string& host_id);
  // Present pools, ordered by host then pool name.
  absl::StatusOr<std::vector<PoolRecord>> ListPools();
  // NotFound-free lookup: nullopt when the host or pool is unknown or absent.
  absl::StatusOr<std::optional<PoolRecord>> GetPool(const std::string& host_id,
                                                    const std::string& pool);

  // --- Scrub runs. ---
  // Inserts a run for the pool named by run.host_id/run.pool; returns its id. `run.id` is
  // ignored. NotFound if that pool was never reported.
  absl::StatusOr<int64_t> InsertScrubRun(const v1::ScrubRun& run);
  // Overwrites the run with id `run.id` (its host_id and pool are ignored: a run never
  // moves); NotFound if there is none.
  absl::Status UpdateScrubRun(const v1::ScrubRun& run);
  // Runs of one pool, newest (highest id) first, at most `limit` (none if limit <= 0).
  absl::StatusOr<std::vector<v1::ScrubRun>> ListScrubRuns(const std::string& host_id,
                                                          const std::string& pool,
                                                          int limit);
  // The newest run of every pool that has one (any state), in one query.
  absl::StatusOr<std::vector<v1::ScrubRun>> LatestScrubRuns();
  // Runs in state requested or running for the host, oldest first.
  absl::StatusOr<std::vector<v1::ScrubRun>> OpenScrubRuns(const std::string& host_id);

  // --- Commands. ---
  // NotFound if the host is unknown; Internal if the id is already taken.
  absl::Status InsertCommand(const CommandRecord& command);
  // Pending commands for the host, oldest first.
  absl::StatusOr<std::vector<CommandRecord>> PendingCommands(const std::string& host_id);
  // Marks a pending command done (ack.ok) or failed (error = ack.error), acked_at = now.
  // Returns the command as it is now, or nullopt when no command with that id exists for
  // that host. Acking an already acked command is a no-op that returns it unchanged
  // (repeated acks are harmless).
  absl::StatusOr<std::optional<CommandRecord>> AckCommand(const std::string& host_id,
                                                          const v1::CommandAck& ack,
                                                          absl::Time now);

  // ===== History, events and triage (issue 5): store_events.cc, store_history.cc,
  // store_state.cc. When RecordPool writes a new snapshot it also writes its summary
  // (snapshot_facts, pools.attention and disk_classes) and the leaves' changed counters
  // (vdev_counters); the hooks of event_hooks.h write the rest on the report path and the
  // tick; event_queries.h reads. =====

  // --- Events (store_events.cc). ---
  // Inserts `event` (its id and acknowledgement fields are ignored) unless an event with
  // the same `dedup_key` exists. Returns the new id, or nullopt when it was a duplicate.
  // NotFound if event.host_id is unknown; InvalidArgument for an unknown severity or an
  // empty dedup_key.
  absl::StatusOr<std::optional<int64_t>> InsertEvent(const v1::Event& event,
                                                     const std::string& dedup_key);
  // Events matching `filter`, newest first.
  absl::StatusOr<std::vector<v1::Event>> ListEvents(const EventFilter& filter);
  // Acknowledges each id not yet acknowledged (by, now); ids already acknowledged keep
  // their first acknowledgement and are listed as acknowledged; missing ids as unknown.
  absl::StatusOr<AckResult> AckEvents(const std::vector<int64_t>& ids, const std::string& by,
                                      absl::Time now);
  // Events per severity (all time, and not yet acknowledged), ordered by severity name.
  absl::StatusOr<std::vector<EventCount>> CountEvents();

  // --- Hosts' liveness (store_events.cc). ---
  // Every host with last_seen and its missing flag, ordered by name.
  absl::StatusOr<std::vector<HostLiveness>> ListHostLiveness();
  // One host's liveness; nullopt if unknown.
  absl::StatusOr<std::optional<HostLiveness>> GetHostLiveness(const std::string& host_id);
  // Sets (a time) or clears (nullopt) the host's missing flag. NotFound if unknown.
  absl::Status SetHostMissing(const std::string& host_id, std::optional<absl::Time> since);
  // Records whether the host has a stack check at warn or fail. NotFound if unknown.
  absl::Status SetHostStackAttention(const std::string& host_id, bool attention);
  // Hosts with a stack check at warn or fail (or not known yet), or last seen before
  // `seen_before`: the hosts triage looks at. Ordered by name.
  absl::StatusOr<std::vector<HostRecord>> ListHostsNeedingAttention(absl::Time seen_before);

  // --- History (store_history.cc). ---
  // The pool's snapshots that changed its health (state, scan function or state, data
  // errors, a leaf's state or counters; see pool_facts.h), newest first, at most `limit`,
  // with `summary` saying what changed from the previous snapshot. NotFound if the pool
  // was never reported.
  absl::StatusOr<std::vector<v1::PoolChange>> ListPoolChanges(const std::string& host_id,
                                                              const std::string& pool, int limit);
  // The leaves of present pools with identity, latest counters and the last
  // `history_limit` counter samples, ordered by host, pool, position. `model` is a
  // case-insensitive substring ("" = all), `host_id` "" = all hosts.
  absl::StatusOr<std::vector<v1::Disk>> ListDisks(const std::string& model,
                                                  const std::string& host_id, int history_limit);
  // The last `limit` counter samples of each leaf of one pool (empty if unknown).
  absl::StatusOr<DiskHistory> GetDiskHistory(const std::string& host_id, const std::string& pool,
                                             int limit);
  // Deletes pool snapshots taken in the whole UTC days within [from, before) except, per
  // pool, the first and last of each day, every snapshot whose health summary differs from
  // the snapshot before it, and each pool's latest snapshot. Scrub runs, events and
  // vdev_counters are never thinned. Returns the number of rows deleted.
  absl::StatusOr<int64_t> ThinSnapshots(absl::Time from, absl::Time before);

  // --- Fleet state for triage, metrics and the tick (store_state.cc). ---
  // Present pools whose latest snapshot needs attention (PoolFacts.needs_attention; pools
  // not stored since schema version 2 are included to be safe), ordered by host then pool.
  absl::StatusOr<std::vector<PoolRecord>> ListPoolsNeedingAttention();
  // Names of the host's present pools, sorted (empty for an unknown host).
  absl::StatusOr<std::vector<std::string>> ListPresentPoolNames(const std::string& host_id);
  // Every present pool with its state and last scrub runs, ordered by host then pool.
  absl::StatusOr<std::vector<PoolStatusRow>> ListPoolStatus();
  // Every host's last_seen and every present pool's PoolStatus (store_status.cc), read from
  // columns; only snapshots written before schema version 3 are parsed.
  absl::StatusOr<FleetStatusRecord> GetFleetStatus();
  // The leaves of present pools with a non-zero counter, ordered by host, pool, position.
  absl::StatusOr<std::vector<LeafCounterRow>> ListDevicesWithErrors();
  absl::StatusOr<std::optional<ScanProgress>> GetScanProgress(const std::string& host_id,
                                                              const std::string& pool);
  // Stores (or with nullopt deletes) the pool's scan progress. NotFound if the pool is
  // unknown.
  absl::Status SetScanProgress(const std::string& host_id, const std::string& pool,
                               const std::optional<ScanProgress>& progress);
  // Scan progress of present pools, ordered by host then pool.
  absl::StatusOr<std::vector<ScanProgressRecord>> ListScanProgress();
  // Replaces every concern of `kind` by `concerns` (their kind must be `kind`; unknown
  // pools are skipped). A concern already stored keeps nothing of the old row.
  absl::Status ReplaceScrubConcerns(ScrubConcern::Kind kind,
                                    const std::vector<ScrubConcern>& concerns);
  // Drops the pool's concern of `kind`, if any.
  absl::Status ClearScrubConcern(const std::string& host_id, const std::string& pool,
                                 ScrubConcern::Kind kind);
  // Concerns of present pools, ordered by host, pool, kind.
  absl::StatusOr<std::vector<ScrubConcern>> ListScrubConcerns();
  // The controller's own bookkeeping values (e.g. when it last thinned history).
  absl::StatusOr<std::optional<int64_t>> GetControllerValue(const std::string& key);
  absl::Status SetControllerValue(const std::string& key, int64_t value);

 private:
  class Impl;
  // Appends a vdev_counters row for each leaf of `pool` whose counters differ from its
  // last row (or that has none). Called by RecordPool when a new snapshot is written.
  absl::Status RecordVdevCounters(int64_t pool_id, const v1::Pool& pool, absl::Time now);

  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_STORE_H_
