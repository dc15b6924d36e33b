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
  // refreshes the pool's vdev rows only when the pool differs from its latest snapshot
  // (any field, including presence of an optional one); always updates last_seen in place
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

 private:
  class Impl;
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_STORE_H_
