// The history table group: per-leaf counter samples (vdev_counters, a row whenever a
// leaf's counters change, at most one per 10 minutes while they keep rising), what
// changed between a pool's snapshots, the fleet's disks, and retention thinning of old
// snapshots and counter samples.
//
// Thread-compatible; every method returns Internal (with SQLite's message) on a database
// error.
#ifndef ZFLEET_CONTROLLER_STORE_HISTORY_TABLE_H_
#define ZFLEET_CONTROLLER_STORE_HISTORY_TABLE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "controller/store/sqlite.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::controller {

class PoolTable;

// Per leaf vdev name: its counter samples, oldest first.
using DiskHistory = std::map<std::string, std::vector<v1::CounterSample>>;

class HistoryTable {
 public:
  HistoryTable(Database* db, PoolTable* pools) : db_(db), pools_(pools) {}

  // Records the counters of each leaf of `pool` that differ from its last row (or that has
  // none and a non-zero counter): a new row, or, while they keep rising less than 10 minutes
  // after the row before, the last row moved forward to `now` (history_table.cc, Merges).
  // PoolTable calls it for each new snapshot and each refresh whose counters moved.
  absl::Status RecordCounters(int64_t pool_id, const v1::Pool& pool, absl::Time now);

  // The pool's snapshots that changed its health (state, scan function or state, data
  // errors, a leaf's state or counters; see model/pool_facts.h), newest first, at most
  // `limit`, with `summary` saying what changed from the previous snapshot. NotFound if
  // the pool was never reported.
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
  // the snapshot before it, and each pool's latest snapshot. Returns the number of rows
  // deleted.
  absl::StatusOr<int64_t> ThinSnapshots(absl::Time from, absl::Time before);
  // Deletes at most `limit` counter samples of the UTC day that contains `day`, keeping
  // per leaf its first and last sample of the day, the two around each reset (a total
  // lower than the sample before) and the first with errors after one without. Thinning a
  // day again deletes nothing more. Returns the number of rows deleted.
  absl::StatusOr<int64_t> ThinCounters(absl::Time day, int limit);
  // The time of the oldest counter sample at or after `from`; nullopt when there is none.
  absl::StatusOr<std::optional<absl::Time>> FirstCounterTime(absl::Time from);

 private:
  Database* db_;
  PoolTable* pools_;
};

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_STORE_HISTORY_TABLE_H_
