// The pool_status table (schema v3, sizes since v11): per pool, what `zfleet status` judges
// of its latest snapshot (model/pool_status.h) and what the scheduler reads of it, in narrow
// columns, so neither reads the snapshots' blobs.
//
// Thread-compatible; every method returns Internal (with SQLite's message) on a database
// error.
#ifndef ZFLEET_CONTROLLER_STORE_POOL_STATUS_TABLE_H_
#define ZFLEET_CONTROLLER_STORE_POOL_STATUS_TABLE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "controller/store/sqlite.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::controller {

// What the scheduler reads of a present pool (ScheduleService): its latest snapshot's state,
// scan and sizes, and the classes of its disks.
struct PoolScheduleRow {
  std::string host_id;
  std::string pool;
  absl::Time first_seen;
  std::string state;
  std::string scan_function;
  std::string scan_state;
  double percent_done = 0;  // 0 when zpool did not say
  std::optional<uint64_t> allocated_bytes;
  std::optional<uint64_t> size_bytes;
  std::vector<std::string> disk_classes;  // ScrubClasses (model/pool_facts.h)
};

class PoolStatusTable {
 public:
  explicit PoolStatusTable(Database* db) : db_(db) {}

  // Writes the row of pool `pool_id` from `pool`, its latest snapshot.
  absl::Status Write(int64_t pool_id, const v1::Pool& pool);
  // Every host's last_seen, one per host.
  absl::StatusOr<std::vector<absl::Time>> HostsLastSeen();
  // Calls `visit` with every present pool's PoolStatus (host_reporting left unset: the
  // caller knows the clock) and its host's last_seen, in host then pool order. Read from
  // columns; only pools whose latest snapshot was stored before schema version 3 are
  // parsed. One pool at a time, so the fleet is never held whole.
  absl::Status ForEachPoolStatus(
      absl::FunctionRef<void(v1::PoolStatus status, absl::Time host_last_seen)> visit);
  // Calls `visit` with every present pool's PoolScheduleRow, in host then pool order, and
  // stops at its first error, which it returns. Read from columns; a pool's snapshot is
  // parsed only when its row here (written before schema version 11) or its disk classes
  // (before version 2) are missing.
  absl::Status ForEachPoolSchedule(
      absl::FunctionRef<absl::Status(const PoolScheduleRow& row)> visit);

 private:
  Database* db_;
};

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_STORE_POOL_STATUS_TABLE_H_
