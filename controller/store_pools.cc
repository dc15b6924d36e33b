// Store: pools, their snapshots and vdev rows.
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "model/pool_facts.h"
#include "controller/sqlite.h"
#include "controller/store.h"
#include "controller/store_impl.h"

namespace zfleet::controller {
namespace {

using store_internal::BindOptional;
using store_internal::FromUnix;
using store_internal::Optional;
using store_internal::OptionalText;
using store_internal::ToUnix;

// Columns: host name, first_seen, last_seen, changed_at, snapshot blob.
constexpr char kSelectPools[] = R"sql(
  SELECT h.name, p.first_seen, p.last_seen, p.changed_at, s.pool
  FROM pools p
  JOIN hosts h ON h.id = p.host_id
  JOIN pool_snapshots s ON s.id = p.last_snapshot_id
  WHERE p.present = 1)sql";

absl::StatusOr<PoolRecord> ReadPool(const Statement& stmt) {
  PoolRecord record;
  record.host_id = stmt.ColumnText(0);
  record.first_seen = FromUnix(stmt.ColumnInt64(1));
  record.last_seen = FromUnix(stmt.ColumnInt64(2));
  record.changed_at = FromUnix(stmt.ColumnInt64(3));
  RETURN_IF_ERROR(store_internal::ParseStored(stmt.ColumnBlob(4), &record.pool,
                                              absl::StrCat("pool snapshot of ", record.host_id)));
  return record;
}

// Writes one row per node of `vdevs` and their descendants, in pre-order: a parent's
// position is always smaller than its children's, so the tree can be rebuilt in order.
absl::Status InsertVdevTree(Statement& insert, int64_t pool_id,
                            const google::protobuf::RepeatedPtrField<v1::Vdev>& vdevs,
                            std::optional<int64_t> parent, int64_t now, int64_t& next_position) {
  for (const v1::Vdev& vdev : vdevs) {
    const int64_t position = next_position++;
    const v1::DiskIdentity& disk = vdev.disk();
    insert.Reset();
    insert.BindInt64(1, pool_id).BindInt64(2, position);
    BindOptional(insert, 3, parent);
    insert.BindText(4, vdev.name())
        .BindText(5, vdev.path())
        .BindText(6, vdev.type())
        .BindText(7, vdev.role())
        .BindText(8, vdev.state());
    BindOptional(insert, 9, OptionalText(disk.has_serial(), disk.serial()));
    BindOptional(insert, 10, OptionalText(disk.has_model(), disk.model()));
    BindOptional(insert, 11, OptionalText(disk.has_wwn(), disk.wwn()));
    BindOptional(insert, 12, Optional(vdev.has_read_errors(), vdev.read_errors()));
    BindOptional(insert, 13, Optional(vdev.has_write_errors(), vdev.write_errors()));
    BindOptional(insert, 14, Optional(vdev.has_checksum_errors(), vdev.checksum_errors()));
    insert.BindInt64(15, now);
    RETURN_IF_ERROR(insert.Run());
    RETURN_IF_ERROR(InsertVdevTree(insert, pool_id, vdev.children(), position, now, next_position));
  }
  return absl::OkStatus();
}

absl::Status ReplaceVdevs(Database& db, int64_t pool_id, const v1::Pool& pool, int64_t now) {
  ASSIGN_OR_RETURN(Statement clear, db.Prepare("DELETE FROM vdevs WHERE pool_id = ?1"));
  clear.BindInt64(1, pool_id);
  RETURN_IF_ERROR(clear.Run());
  ASSIGN_OR_RETURN(Statement insert, db.Prepare(R"sql(
    INSERT INTO vdevs (pool_id, position, parent_position, name, path, type, role, state,
                       serial, model, wwn, read_errors, write_errors, checksum_errors,
                       updated_at)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15))sql"));
  int64_t next_position = 0;
  return InsertVdevTree(insert, pool_id, pool.vdevs(), std::nullopt, now, next_position);
}

// Inserts the pool row for a pool seen for the first time; returns its id.
absl::StatusOr<int64_t> InsertPoolRow(Database& db, int64_t host_row, const std::string& name,
                                      int64_t now) {
  ASSIGN_OR_RETURN(Statement stmt, db.Prepare(R"sql(
    INSERT INTO pools (host_id, name, present, first_seen, last_seen, changed_at)
    VALUES (?1, ?2, 1, ?3, ?3, ?3))sql"));
  stmt.BindInt64(1, host_row).BindText(2, name).BindInt64(3, now);
  RETURN_IF_ERROR(stmt.Run());
  return db.LastInsertRowId();
}

absl::Status WriteSnapshot(Database& db, int64_t pool_id, const v1::Pool& pool,
                           const std::string& bytes, int64_t now) {
  ASSIGN_OR_RETURN(Statement insert, db.Prepare(R"sql(
    INSERT INTO pool_snapshots (pool_id, taken_at, state, scan_function, scan_state, pool)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6))sql"));
  insert.BindInt64(1, pool_id)
      .BindInt64(2, now)
      .BindText(3, pool.state())
      .BindText(4, pool.scan().function())
      .BindText(5, pool.scan().state())
      .BindBlob(6, bytes);
  RETURN_IF_ERROR(insert.Run());
  const int64_t snapshot_id = db.LastInsertRowId();
  RETURN_IF_ERROR(store_internal::WritePoolStatus(db, pool_id, pool));

  const PoolFacts facts = ComputePoolFacts(pool);
  ASSIGN_OR_RETURN(Statement summary, db.Prepare(R"sql(
    INSERT INTO snapshot_facts (snapshot_id, health, data_errors, device_errors, bad_devices)
    VALUES (?1, ?2, ?3, ?4, ?5))sql"));
  summary.BindInt64(1, snapshot_id).BindInt64(2, static_cast<int64_t>(facts.health));
  BindOptional(summary, 3, Optional(facts.data_errors.has_value(), facts.data_errors.value_or(0)));
  BindOptional(summary, 4,
               Optional(facts.device_errors.has_value(), facts.device_errors.value_or(0)));
  summary.BindInt64(5, facts.bad_devices);
  RETURN_IF_ERROR(summary.Run());

  ASSIGN_OR_RETURN(Statement update, db.Prepare(R"sql(
    UPDATE pools SET last_snapshot_id = ?2, changed_at = ?3, last_seen = ?3, present = 1,
                     attention = ?4, disk_classes = ?5
    WHERE id = ?1)sql"));
  update.BindInt64(1, pool_id).BindInt64(2, snapshot_id).BindInt64(3, now);
  update.BindInt64(4, facts.needs_attention ? 1 : 0).BindText(5, facts.disk_classes);
  RETURN_IF_ERROR(update.Run());
  return ReplaceVdevs(db, pool_id, pool, now);
}

}  // namespace

namespace {

// What a new snapshot is kept for: state, status, scan kind and outcome, errors, the vdev
// tree with its counters and identities. Sizes and the progress of a running scan move on
// every report; they refresh the latest snapshot in place instead of adding rows.
v1::Pool MaterialView(const v1::Pool& pool) {
  v1::Pool m = pool;
  m.clear_size_bytes();
  m.clear_allocated_bytes();
  m.clear_free_bytes();
  m.clear_fragmentation_percent();
  m.clear_capacity_percent();
  v1::Scan& scan = *m.mutable_scan();
  if (scan.state() == "scanning" || scan.state() == "paused") {
    scan.clear_percent_done();
    scan.clear_bytes_scanned();
    scan.clear_bytes_issued();
    scan.clear_bytes_total();
    scan.clear_bytes_repaired();
    scan.clear_scan_rate_bytes_per_s();
    scan.clear_seconds_to_go();
  }
  return m;
}

}  // namespace

absl::StatusOr<PoolWrite> Store::RecordPool(const std::string& host_id, const v1::Pool& pool,
                                            absl::Time now) {
  const int64_t now_s = ToUnix(now);
  ASSIGN_OR_RETURN(std::string bytes, store_internal::SerializeDeterministic(pool));
  ASSIGN_OR_RETURN(std::string material, store_internal::SerializeDeterministic(MaterialView(pool)));
  Database& db = impl_->db();
  PoolWrite result;
  bool refresh = false;  // same material facts, newer sizes or progress
  absl::Status status = impl_->Atomically([&]() -> absl::Status {
    ASSIGN_OR_RETURN(Statement find, db.Prepare(R"sql(
      SELECT p.id, s.pool, t.pool_id IS NULL
      FROM pools p
      JOIN hosts h ON h.id = p.host_id
      LEFT JOIN pool_snapshots s ON s.id = p.last_snapshot_id
      LEFT JOIN pool_status t ON t.pool_id = p.id
      WHERE h.name = ?1 AND p.name = ?2)sql"));
    find.BindText(1, host_id).BindText(2, pool.name());
    ASSIGN_OR_RETURN(bool found, find.Step());

    int64_t pool_id = 0;
    bool status_missing = false;  // last stored before pool_status existed (schema v3)
    if (found) {
      pool_id = find.ColumnInt64(0);
      if (!find.ColumnIsNull(1)) {
        status_missing = find.ColumnInt64(2) != 0;
        v1::Pool previous;
        RETURN_IF_ERROR(
            store_internal::ParseStored(find.ColumnBlob(1), &previous, "pool snapshot"));
        // Re-serialized rather than compared with the stored bytes, so a snapshot written
        // by an older build (other field order) does not count as a change.
        ASSIGN_OR_RETURN(std::string previous_bytes,
                         store_internal::SerializeDeterministic(previous));
        ASSIGN_OR_RETURN(std::string previous_material,
                         store_internal::SerializeDeterministic(MaterialView(previous)));
        result.changed = previous_material != material;
        refresh = !result.changed && previous_bytes != bytes;
        result.previous = std::move(previous);
      } else {
        result.changed = true;
      }
    } else {
      ASSIGN_OR_RETURN(std::optional<int64_t> host_row, impl_->HostRowId(host_id));
      if (!host_row.has_value()) {
        return absl::NotFoundError(absl::StrCat("unknown host ", host_id));
      }
      ASSIGN_OR_RETURN(pool_id, InsertPoolRow(db, *host_row, pool.name(), now_s));
      result.changed = true;
    }

    find.Reset();  // done reading; do not keep a read cursor open across the writes
    if (result.changed) {
      RETURN_IF_ERROR(WriteSnapshot(db, pool_id, pool, bytes, now_s));
      return RecordVdevCounters(pool_id, pool, now);
    }
    ASSIGN_OR_RETURN(Statement touch,
                     db.Prepare("UPDATE pools SET last_seen = ?2, present = 1 WHERE id = ?1"));
    touch.BindInt64(1, pool_id).BindInt64(2, now_s);
    RETURN_IF_ERROR(touch.Run());
    // A refresh moves scan progress, which pool_status holds too.
    if (refresh || status_missing) {
      RETURN_IF_ERROR(store_internal::WritePoolStatus(db, pool_id, pool));
    }
    if (!refresh) return absl::OkStatus();
    ASSIGN_OR_RETURN(Statement update, db.Prepare(R"sql(
      UPDATE pool_snapshots SET pool = ?2
      WHERE id = (SELECT last_snapshot_id FROM pools WHERE id = ?1))sql"));
    update.BindInt64(1, pool_id).BindBlob(2, bytes);
    return update.Run();
  });
  RETURN_IF_ERROR(WithContext(status, absl::StrCat("recording pool ", host_id, "/", pool.name())));
  return result;
}

absl::Status Store::MarkPoolsAbsent(const std::string& host_id,
                                    const std::vector<std::string>& present) {
  // Decided here rather than with NOT IN (…): the name list would have to be spliced into
  // the SQL, and a host has few pools.
  const absl::flat_hash_set<std::string> keep(present.begin(), present.end());
  Database& db = impl_->db();
  absl::Status status = impl_->Atomically([&]() -> absl::Status {
    ASSIGN_OR_RETURN(Statement select, db.Prepare(R"sql(
      SELECT p.id, p.name FROM pools p JOIN hosts h ON h.id = p.host_id
      WHERE h.name = ?1 AND p.present = 1)sql"));
    select.BindText(1, host_id);
    std::vector<int64_t> gone;
    while (true) {
      ASSIGN_OR_RETURN(bool row, select.Step());
      if (!row) break;
      if (!keep.contains(select.ColumnText(1))) gone.push_back(select.ColumnInt64(0));
    }
    ASSIGN_OR_RETURN(Statement mark, db.Prepare("UPDATE pools SET present = 0 WHERE id = ?1"));
    for (int64_t id : gone) {
      mark.Reset();
      mark.BindInt64(1, id);
      RETURN_IF_ERROR(mark.Run());
    }
    return absl::OkStatus();
  });
  return WithContext(status, absl::StrCat("marking absent pools of ", host_id));
}

absl::StatusOr<std::vector<PoolRecord>> Store::ListPools() {
  ASSIGN_OR_RETURN(Statement stmt,
                   impl_->db().Prepare(absl::StrCat(kSelectPools, " ORDER BY h.name, p.name")));
  std::vector<PoolRecord> pools;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    ASSIGN_OR_RETURN(PoolRecord record, ReadPool(stmt));
    pools.push_back(std::move(record));
  }
  return pools;
}

absl::StatusOr<std::optional<PoolRecord>> Store::GetPool(const std::string& host_id,
                                                         const std::string& pool) {
  ASSIGN_OR_RETURN(Statement stmt, impl_->db().Prepare(absl::StrCat(
                                       kSelectPools, " AND h.name = ?1 AND p.name = ?2")));
  stmt.BindText(1, host_id).BindText(2, pool);
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<PoolRecord>();
  ASSIGN_OR_RETURN(PoolRecord record, ReadPool(stmt));
  return std::optional<PoolRecord>(std::move(record));
}

}  // namespace zfleet::controller
