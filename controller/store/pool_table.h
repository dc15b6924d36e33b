// The pools table group: pools, their snapshots (pool_snapshots, one row per material
// change, with snapshot_facts summarizing each) and the latest snapshot's config tree
// (vdevs). Writing a snapshot also writes the pool's pool_status row and the leaves'
// changed counters (history's vdev_counters).
//
// Thread-compatible; every method returns Internal (with SQLite's message) on a database
// error, and each mutation is atomic.
#ifndef ZFLEET_CONTROLLER_STORE_POOL_TABLE_H_
#define ZFLEET_CONTROLLER_STORE_POOL_TABLE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "controller/store/host_table.h"
#include "controller/store/pool_status_table.h"
#include "controller/store/sqlite.h"
#include "model/pool_facts.h"
#include "model/pool_record.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::controller {

class HistoryTable;

// How a reported pool is stored, decided from its stored snapshot (PlanPoolWrite).
struct PoolWritePlan {
  enum class Snapshot : uint8_t {
    kNew,      // a new snapshot row: the pool is new or its material facts changed
    kRefresh,  // same material facts, newer sizes, progress or counters: the latest row in
               // place
    kTouch,    // nothing new: last_seen only
  };
  Snapshot snapshot = Snapshot::kNew;
  bool write_status = false;  // write the pool_status row (a refresh, or the row is missing)
  // A refresh whose vdev counters moved: the snapshot's facts and vdev rows are rewritten
  // too, and the leaves' counters sampled (HistoryTable::RecordCounters).
  bool counters_changed = false;
};

// What the store holds of one pool before a report.
struct StoredPool {
  std::optional<v1::Pool> snapshot;  // the latest; nullopt for a pool never reported
  bool status_missing = false;       // no pool_status row (stored before schema v3)
};

// Pure. kNew unless there is a stored snapshot (`stored`, null: none) whose material view
// (model/pool_facts.h) equals the reported pool's once every vdev counter is read only as
// zero or not; kRefresh when only sizes, progress or non-zero counters differ (with
// counters_changed for the latter). A counter that rises on every poll would otherwise add
// a snapshot per poll; its trend is kept in vdev_counters instead, while a device getting
// its first errors, or cleared to none, is a new snapshot. `status_missing`: the pool has
// no pool_status row yet. Internal if a message cannot be serialized.
absl::StatusOr<PoolWritePlan> PlanPoolWrite(const v1::Pool* stored, bool status_missing,
                                            const v1::Pool& pool);

// Result of PoolTable::Record.
struct PoolWrite {
  std::optional<v1::Pool> previous;  // the snapshot before this report; nullopt if new
  bool changed = false;              // a new snapshot row was written
};

// A present pool's latest state and scrub outcome, read without parsing its snapshot.
struct PoolScrubState {
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

class PoolTable {
 public:
  PoolTable(Database* db, HostTable* hosts, PoolStatusTable* status, HistoryTable* history)
      : db_(db), hosts_(hosts), status_(status), history_(history) {}

  // Stores `pool` for `host_id` (which must exist) as PlanPoolWrite decides from the stored
  // snapshot: a new snapshot row with its facts, vdev rows and changed counters, or the
  // latest snapshot refreshed in place, or last_seen only. Always updates last_seen and
  // marks the pool present. NotFound if the host is unknown.
  absl::StatusOr<PoolWrite> Record(const std::string& host_id, const v1::Pool& pool,
                                   absl::Time now);
  // The same with the plan decided by the caller from Stored().
  absl::Status Write(const std::string& host_id, const v1::Pool& pool, const PoolWritePlan& plan,
                     absl::Time now);
  // What is stored of the pool (all empty for an unknown host or pool).
  absl::StatusOr<StoredPool> Stored(const std::string& host_id, const std::string& pool);

  // Sets last_seen of the host's present pools to `now`: what a report that lists exactly
  // them, unchanged, writes (Store::WriteTouches).
  absl::Status TouchPresent(const std::string& host_id, absl::Time now);
  // Marks the host's pools whose names are not in `present` as no longer present (they are
  // kept with their history but left out of List). An unknown host is a no-op.
  absl::Status MarkAbsent(const std::string& host_id, const std::vector<std::string>& present);

  // Present pools, ordered by host then pool name.
  absl::StatusOr<std::vector<PoolRecord>> List();
  // nullopt when the host or pool is unknown or absent.
  absl::StatusOr<std::optional<PoolRecord>> Get(const std::string& host_id,
                                                const std::string& pool);
  // Present pools whose latest snapshot needs attention (PoolFacts.needs_attention; pools
  // not stored since schema version 2 are included to be safe), ordered by host then pool.
  absl::StatusOr<std::vector<PoolRecord>> ListNeedingAttention();
  // Names of the host's present pools, sorted (empty for an unknown host).
  absl::StatusOr<std::vector<std::string>> ListPresentNames(const std::string& host_id);
  // Every present pool with its state and last scrub runs, ordered by host then pool.
  absl::StatusOr<std::vector<PoolScrubState>> ListScrubStates();
  // The same for one host's present pools (empty for an unknown host).
  absl::StatusOr<std::vector<PoolScrubState>> ListScrubStatesOfHost(const std::string& host_id);
  // The leaves of present pools with a non-zero counter, ordered by host, pool, position.
  absl::StatusOr<std::vector<LeafCounterRow>> ListDevicesWithErrors();
  // The pools.id of host_id/pool, present or not; nullopt when unknown.
  absl::StatusOr<std::optional<int64_t>> RowId(const std::string& host_id, const std::string& pool);

 private:
  absl::StatusOr<std::vector<PoolRecord>> Select(absl::string_view where_and_order,
                                                 const std::function<void(Statement&)>& bind);
  absl::Status WriteSnapshot(int64_t pool_id, const v1::Pool& pool, absl::Time now);
  // The snapshot_facts row of snapshot `snapshot_id`.
  absl::Status WriteFacts(int64_t snapshot_id, const PoolFacts& facts);
  // A refresh of the latest snapshot whose counters moved (PoolWritePlan::counters_changed).
  absl::Status RefreshCounters(int64_t pool_id, const v1::Pool& pool, absl::Time now);
  // ListScrubStates with `and_where` ("AND …") added to its condition; `bind` binds it.
  absl::StatusOr<std::vector<PoolScrubState>> SelectScrubStates(
      absl::string_view and_where, const std::function<void(Statement&)>& bind);

  Database* db_;
  HostTable* hosts_;
  PoolStatusTable* status_;
  HistoryTable* history_;
};

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_STORE_POOL_TABLE_H_
