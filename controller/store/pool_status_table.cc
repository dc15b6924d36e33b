#include "controller/store/pool_status_table.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/status_macros.h"
#include "controller/store/columns.h"
#include "model/pool_facts.h"
#include "model/pool_status.h"

namespace zfleet::controller {
namespace {

// Vdev names in noisy_vdevs are separated by newlines, which zpool never prints in one.
constexpr char kNoisySeparator = '\n';

// Every present pool with a snapshot, its row here as `t` (NULL when missing), in host then
// pool order: CROSS JOIN keeps hosts outermost, so the name indexes of hosts and pools give
// the order without a sort.
constexpr char kFromPresentPools[] = R"sql(
  FROM hosts h
  CROSS JOIN pools p ON p.host_id = h.id
  LEFT JOIN pool_status t ON t.pool_id = p.id
  WHERE p.present = 1 AND p.last_snapshot_id IS NOT NULL
  ORDER BY h.name, p.name)sql";

// Columns: host, pool, state, scan_function, scan_state, status_text, percent_done,
// scan_end_time, error_count, leaf_errors, noisy_vdevs, pool last_seen, host last_seen, and
// the latest snapshot's blob only for a pool without a pool_status row.
constexpr char kStatusColumns[] = R"sql(
  SELECT h.name, p.name, t.state, t.scan_function, t.scan_state, t.status_text,
         t.percent_done, t.scan_end_time, t.error_count, t.leaf_errors, t.noisy_vdevs,
         p.last_seen, h.last_seen,
         CASE WHEN t.pool_id IS NULL
           THEN (SELECT s.pool FROM pool_snapshots s WHERE s.id = p.last_snapshot_id) END)sql";

// Columns: host, pool, first_seen, disk_classes, state, scan_function, scan_state,
// percent_done, allocated_bytes, size_bytes, and the latest snapshot's blob only for a pool
// whose row or disk classes are missing.
constexpr char kScheduleColumns[] = R"sql(
  SELECT h.name, p.name, p.first_seen, p.disk_classes, t.state, t.scan_function,
         t.scan_state, t.percent_done, t.allocated_bytes, t.size_bytes,
         CASE WHEN t.pool_id IS NULL OR p.disk_classes IS NULL
           THEN (SELECT s.pool FROM pool_snapshots s WHERE s.id = p.last_snapshot_id) END)sql";

absl::Status ReadPoolSchedule(const Statement& stmt, PoolScheduleRow& row) {
  row.host_id = stmt.ColumnText(0);
  row.pool = stmt.ColumnText(1);
  row.first_seen = FromUnix(stmt.ColumnInt64(2));
  if (!stmt.ColumnIsNull(10)) {
    v1::Pool pool;
    RETURN_IF_ERROR(
        ParseStored(stmt.ColumnBlob(10), &pool, absl::StrCat("pool snapshot of ", row.host_id)));
    row.state = pool.state();
    row.scan_function = pool.scan().function();
    row.scan_state = pool.scan().state();
    row.percent_done = pool.scan().percent_done();
    row.allocated_bytes =
        pool.has_allocated_bytes() ? std::optional(pool.allocated_bytes()) : std::nullopt;
    row.size_bytes = pool.has_size_bytes() ? std::optional(pool.size_bytes()) : std::nullopt;
    row.disk_classes = ScrubClasses(pool);
    return absl::OkStatus();
  }
  row.state = stmt.ColumnText(4);
  row.scan_function = stmt.ColumnText(5);
  row.scan_state = stmt.ColumnText(6);
  row.percent_done = stmt.ColumnIsNull(7) ? 0 : stmt.ColumnDouble(7);
  row.allocated_bytes = ColumnCounter(stmt, 8);
  row.size_bytes = ColumnCounter(stmt, 9);
  row.disk_classes = SplitDiskClasses(stmt.ColumnText(3));
  return absl::OkStatus();
}

absl::StatusOr<v1::PoolStatus> ReadPoolStatus(const Statement& stmt) {
  v1::PoolStatus status;
  if (stmt.ColumnIsNull(2)) {
    v1::Pool pool;
    RETURN_IF_ERROR(ParseStored(stmt.ColumnBlob(13), &pool,
                                absl::StrCat("pool snapshot of ", stmt.ColumnText(0))));
    status = PoolStatusOf(pool);
  } else {
    status.set_pool(stmt.ColumnText(1));
    status.set_state(stmt.ColumnText(2));
    status.set_scan_function(stmt.ColumnText(3));
    status.set_scan_state(stmt.ColumnText(4));
    status.set_status_text(stmt.ColumnText(5));
    if (!stmt.ColumnIsNull(6)) status.set_percent_done(stmt.ColumnDouble(6));
    if (auto v = ColumnOptional(stmt, 7)) status.set_scan_end_time(*v);
    if (auto v = ColumnOptional(stmt, 8)) status.set_data_errors(static_cast<uint64_t>(*v));
    if (auto v = ColumnOptional(stmt, 9)) status.set_device_errors(static_cast<uint64_t>(*v));
    const std::string noisy = stmt.ColumnText(10);
    if (!noisy.empty()) {
      for (absl::string_view name : absl::StrSplit(noisy, kNoisySeparator)) {
        status.add_devices_with_errors(std::string(name));
      }
    }
  }
  status.set_host_id(stmt.ColumnText(0));
  status.set_last_seen(stmt.ColumnInt64(11));
  return status;
}

}  // namespace

absl::Status PoolStatusTable::Write(int64_t pool_id, const v1::Pool& pool) {
  const v1::PoolStatus status = PoolStatusOf(pool);
  ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(R"sql(
    INSERT INTO pool_status (pool_id, state, scan_function, scan_state, status_text,
                             percent_done, scan_end_time, error_count, leaf_errors, noisy_vdevs,
                             allocated_bytes, size_bytes)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
    ON CONFLICT (pool_id) DO UPDATE SET
      state = excluded.state, scan_function = excluded.scan_function,
      scan_state = excluded.scan_state, status_text = excluded.status_text,
      percent_done = excluded.percent_done, scan_end_time = excluded.scan_end_time,
      error_count = excluded.error_count, leaf_errors = excluded.leaf_errors,
      noisy_vdevs = excluded.noisy_vdevs, allocated_bytes = excluded.allocated_bytes,
      size_bytes = excluded.size_bytes)sql"));
  stmt.BindInt64(1, pool_id)
      .BindText(2, status.state())
      .BindText(3, status.scan_function())
      .BindText(4, status.scan_state())
      .BindText(5, status.status_text());
  if (status.has_percent_done()) {
    stmt.BindDouble(6, status.percent_done());
  } else {
    stmt.BindNull(6);
  }
  BindOptional(stmt, 7, Optional(status.has_scan_end_time(), status.scan_end_time()));
  BindOptional(stmt, 8, Optional(status.has_data_errors(), status.data_errors()));
  BindOptional(stmt, 9, Optional(status.has_device_errors(), status.device_errors()));
  stmt.BindText(10, absl::StrJoin(status.devices_with_errors(), std::string(1, kNoisySeparator)));
  BindOptional(stmt, 11, Optional(pool.has_allocated_bytes(), pool.allocated_bytes()));
  BindOptional(stmt, 12, Optional(pool.has_size_bytes(), pool.size_bytes()));
  return stmt.Run();
}

absl::StatusOr<std::vector<absl::Time>> PoolStatusTable::HostsLastSeen() {
  ASSIGN_OR_RETURN(Statement hosts, db_->Prepare("SELECT last_seen FROM hosts"));
  return ReadRows(hosts, [](const Statement& row) { return FromUnix(row.ColumnInt64(0)); });
}

absl::Status PoolStatusTable::ForEachPoolStatus(
    absl::FunctionRef<void(v1::PoolStatus status, absl::Time host_last_seen)> visit) {
  ASSIGN_OR_RETURN(Statement pools, db_->Prepare(absl::StrCat(kStatusColumns, kFromPresentPools)));
  while (true) {
    ASSIGN_OR_RETURN(bool row, pools.Step());
    if (!row) return absl::OkStatus();
    ASSIGN_OR_RETURN(v1::PoolStatus status, ReadPoolStatus(pools));
    visit(std::move(status), FromUnix(pools.ColumnInt64(12)));
  }
}

absl::Status PoolStatusTable::ForEachPoolSchedule(
    absl::FunctionRef<absl::Status(const PoolScheduleRow& row)> visit) {
  ASSIGN_OR_RETURN(Statement pools,
                   db_->Prepare(absl::StrCat(kScheduleColumns, kFromPresentPools)));
  PoolScheduleRow row;
  while (true) {
    ASSIGN_OR_RETURN(bool more, pools.Step());
    if (!more) return absl::OkStatus();
    RETURN_IF_ERROR(ReadPoolSchedule(pools, row));
    RETURN_IF_ERROR(visit(row));
  }
}

}  // namespace zfleet::controller
