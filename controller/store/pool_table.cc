#include "controller/store/pool_table.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "controller/store/columns.h"
#include "controller/store/history_table.h"
#include "controller/store/scrub_run_table.h"
#include "model/pool_facts.h"
#include "model/proto_bytes.h"

namespace zfleet::controller {
namespace {

// Columns: host name, first_seen, last_seen, changed_at, snapshot blob.
constexpr char kSelectPools[] = R"sql(
  SELECT h.name, p.first_seen, p.last_seen, p.changed_at, s.pool
  FROM pools p
  JOIN hosts h ON h.id = p.host_id
  JOIN pool_snapshots s ON s.id = p.last_snapshot_id
  WHERE p.present = 1 )sql";

absl::StatusOr<PoolRecord> ReadPool(const Statement& stmt) {
  PoolRecord record;
  record.host_id = stmt.ColumnText(0);
  record.first_seen = FromUnix(stmt.ColumnInt64(1));
  record.last_seen = FromUnix(stmt.ColumnInt64(2));
  record.changed_at = FromUnix(stmt.ColumnInt64(3));
  RETURN_IF_ERROR(ParseStored(stmt.ColumnBlob(4), &record.pool,
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

// Every counter cut to 0 or 1: whether a vdev has errors is material, how many is a trend.
void CounterLevels(google::protobuf::RepeatedPtrField<v1::Vdev>& vdevs) {
  for (v1::Vdev& v : vdevs) {
    if (v.has_read_errors()) v.set_read_errors(std::min<uint64_t>(v.read_errors(), 1));
    if (v.has_write_errors()) v.set_write_errors(std::min<uint64_t>(v.write_errors(), 1));
    if (v.has_checksum_errors()) {
      v.set_checksum_errors(std::min<uint64_t>(v.checksum_errors(), 1));
    }
    CounterLevels(*v.mutable_children());
  }
}

// What a new snapshot row is kept for (PlanPoolWrite).
absl::StatusOr<std::string> SnapshotKey(const v1::Pool& pool) {
  v1::Pool view = MaterialView(pool);
  CounterLevels(*view.mutable_vdevs());
  return SerializeDeterministic(view);
}

// REQUIRES: the trees have the same shape (equal SnapshotKey).
bool SameCounters(const google::protobuf::RepeatedPtrField<v1::Vdev>& a,
                  const google::protobuf::RepeatedPtrField<v1::Vdev>& b) {
  for (int i = 0; i < a.size() && i < b.size(); ++i) {
    if (a[i].read_errors() != b[i].read_errors() || a[i].write_errors() != b[i].write_errors() ||
        a[i].checksum_errors() != b[i].checksum_errors() ||
        !SameCounters(a[i].children(), b[i].children())) {
      return false;
    }
  }
  return true;
}

}  // namespace

absl::StatusOr<PoolWritePlan> PlanPoolWrite(const v1::Pool* stored, bool status_missing,
                                            const v1::Pool& pool) {
  PoolWritePlan plan;
  if (stored == nullptr) {
    plan.write_status = true;
    return plan;
  }
  // Re-serialized rather than compared with the stored bytes, so a snapshot written by an
  // older build (other field order) does not count as a change.
  ASSIGN_OR_RETURN(std::string material, SnapshotKey(pool));
  ASSIGN_OR_RETURN(std::string previous_material, SnapshotKey(*stored));
  if (material != previous_material) {
    plan.write_status = true;
    return plan;
  }
  ASSIGN_OR_RETURN(std::string bytes, SerializeDeterministic(pool));
  ASSIGN_OR_RETURN(std::string previous_bytes, SerializeDeterministic(*stored));
  const bool refresh = bytes != previous_bytes;
  plan.snapshot = refresh ? PoolWritePlan::Snapshot::kRefresh : PoolWritePlan::Snapshot::kTouch;
  plan.counters_changed = refresh && !SameCounters(pool.vdevs(), stored->vdevs());
  // A refresh moves scan progress or counters, which pool_status holds too.
  plan.write_status = refresh || status_missing;
  return plan;
}

absl::StatusOr<StoredPool> PoolTable::Stored(const std::string& host_id, const std::string& pool) {
  ASSIGN_OR_RETURN(Statement find, db_->Prepare(R"sql(
    SELECT s.pool, t.pool_id IS NULL
    FROM pools p
    JOIN hosts h ON h.id = p.host_id
    JOIN pool_snapshots s ON s.id = p.last_snapshot_id
    LEFT JOIN pool_status t ON t.pool_id = p.id
    WHERE h.name = ?1 AND p.name = ?2)sql"));
  find.BindText(1, host_id).BindText(2, pool);
  ASSIGN_OR_RETURN(bool found, find.Step());
  StoredPool stored;
  if (!found) return stored;
  stored.snapshot.emplace();
  RETURN_IF_ERROR(ParseStored(find.ColumnBlob(0), &*stored.snapshot,
                              absl::StrCat("pool snapshot of ", host_id)));
  stored.status_missing = find.ColumnInt64(1) != 0;
  return stored;
}

absl::Status PoolTable::WriteSnapshot(int64_t pool_id, const v1::Pool& pool, absl::Time now) {
  ASSIGN_OR_RETURN(std::string bytes, SerializeDeterministic(pool));
  const int64_t now_s = ToUnix(now);
  ASSIGN_OR_RETURN(Statement insert, db_->Prepare(R"sql(
    INSERT INTO pool_snapshots (pool_id, taken_at, state, scan_function, scan_state, pool)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6))sql"));
  insert.BindInt64(1, pool_id)
      .BindInt64(2, now_s)
      .BindText(3, pool.state())
      .BindText(4, pool.scan().function())
      .BindText(5, pool.scan().state())
      .BindBlob(6, bytes);
  RETURN_IF_ERROR(insert.Run());
  const int64_t snapshot_id = db_->LastInsertRowId();
  RETURN_IF_ERROR(status_->Write(pool_id, pool));
  const PoolFacts facts = ComputePoolFacts(pool);
  RETURN_IF_ERROR(WriteFacts(snapshot_id, facts));

  ASSIGN_OR_RETURN(Statement update, db_->Prepare(R"sql(
    UPDATE pools SET last_snapshot_id = ?2, changed_at = ?3, last_seen = ?3, present = 1,
                     attention = ?4, disk_classes = ?5
    WHERE id = ?1)sql"));
  update.BindInt64(1, pool_id).BindInt64(2, snapshot_id).BindInt64(3, now_s);
  update.BindInt64(4, facts.needs_attention ? 1 : 0).BindText(5, facts.disk_classes);
  RETURN_IF_ERROR(update.Run());
  RETURN_IF_ERROR(ReplaceVdevs(*db_, pool_id, pool, now_s));
  return history_->RecordCounters(pool_id, pool, now);
}

absl::Status PoolTable::WriteFacts(int64_t snapshot_id, const PoolFacts& facts) {
  // A refreshed snapshot written before schema version 2 gets the row it never had.
  ASSIGN_OR_RETURN(Statement summary, db_->Prepare(R"sql(
    INSERT INTO snapshot_facts (snapshot_id, health, data_errors, device_errors, bad_devices)
    VALUES (?1, ?2, ?3, ?4, ?5)
    ON CONFLICT (snapshot_id) DO UPDATE SET health = excluded.health,
      data_errors = excluded.data_errors, device_errors = excluded.device_errors,
      bad_devices = excluded.bad_devices)sql"));
  summary.BindInt64(1, snapshot_id).BindInt64(2, static_cast<int64_t>(facts.health));
  BindOptional(summary, 3, Optional(facts.data_errors.has_value(), facts.data_errors.value_or(0)));
  BindOptional(summary, 4,
               Optional(facts.device_errors.has_value(), facts.device_errors.value_or(0)));
  summary.BindInt64(5, facts.bad_devices);
  return summary.Run();
}

absl::Status PoolTable::RefreshCounters(int64_t pool_id, const v1::Pool& pool, absl::Time now) {
  ASSIGN_OR_RETURN(Statement latest,
                   db_->Prepare("SELECT last_snapshot_id FROM pools WHERE id = ?1"));
  latest.BindInt64(1, pool_id);
  ASSIGN_OR_RETURN(bool found, latest.Step());
  if (!found || latest.ColumnIsNull(0)) {
    return absl::InternalError(absl::StrCat("pool ", pool_id, " has no snapshot to refresh"));
  }
  const int64_t snapshot_id = latest.ColumnInt64(0);
  latest.Reset();
  RETURN_IF_ERROR(WriteFacts(snapshot_id, ComputePoolFacts(pool)));
  RETURN_IF_ERROR(ReplaceVdevs(*db_, pool_id, pool, ToUnix(now)));
  return history_->RecordCounters(pool_id, pool, now);
}

absl::Status PoolTable::Write(const std::string& host_id, const v1::Pool& pool,
                              const PoolWritePlan& plan, absl::Time now) {
  const int64_t now_s = ToUnix(now);
  absl::Status status = Atomically(*db_, [&]() -> absl::Status {
    ASSIGN_OR_RETURN(std::optional<int64_t> pool_id, RowId(host_id, pool.name()));
    PoolWritePlan::Snapshot snapshot = plan.snapshot;
    if (!pool_id.has_value()) {
      ASSIGN_OR_RETURN(std::optional<int64_t> host_row, hosts_->RowId(host_id));
      if (!host_row.has_value()) {
        return absl::NotFoundError(absl::StrCat("unknown host ", host_id));
      }
      ASSIGN_OR_RETURN(pool_id, InsertPoolRow(*db_, *host_row, pool.name(), now_s));
      snapshot = PoolWritePlan::Snapshot::kNew;  // there is nothing to refresh
    }
    if (snapshot == PoolWritePlan::Snapshot::kNew) return WriteSnapshot(*pool_id, pool, now);

    ASSIGN_OR_RETURN(Statement touch,
                     db_->Prepare("UPDATE pools SET last_seen = ?2, present = 1 WHERE id = ?1"));
    touch.BindInt64(1, *pool_id).BindInt64(2, now_s);
    RETURN_IF_ERROR(touch.Run());
    if (plan.write_status) RETURN_IF_ERROR(status_->Write(*pool_id, pool));
    if (snapshot != PoolWritePlan::Snapshot::kRefresh) return absl::OkStatus();
    ASSIGN_OR_RETURN(std::string bytes, SerializeDeterministic(pool));
    ASSIGN_OR_RETURN(Statement update, db_->Prepare(R"sql(
      UPDATE pool_snapshots SET pool = ?2
      WHERE id = (SELECT last_snapshot_id FROM pools WHERE id = ?1))sql"));
    update.BindInt64(1, *pool_id).BindBlob(2, bytes);
    RETURN_IF_ERROR(update.Run());
    if (!plan.counters_changed) return absl::OkStatus();
    return RefreshCounters(*pool_id, pool, now);
  });
  return WithContext(status, absl::StrCat("recording pool ", host_id, "/", pool.name()));
}

absl::StatusOr<PoolWrite> PoolTable::Record(const std::string& host_id, const v1::Pool& pool,
                                            absl::Time now) {
  PoolWrite result;
  absl::Status status = Atomically(*db_, [&]() -> absl::Status {
    ASSIGN_OR_RETURN(StoredPool stored, Stored(host_id, pool.name()));
    ASSIGN_OR_RETURN(PoolWritePlan plan,
                     PlanPoolWrite(stored.snapshot.has_value() ? &*stored.snapshot : nullptr,
                                   stored.status_missing, pool));
    RETURN_IF_ERROR(Write(host_id, pool, plan, now));
    result.changed = plan.snapshot == PoolWritePlan::Snapshot::kNew;
    result.previous = std::move(stored.snapshot);
    return absl::OkStatus();
  });
  RETURN_IF_ERROR(status);
  return result;
}

absl::Status PoolTable::TouchPresent(const std::string& host_id, absl::Time now) {
  ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(R"sql(
    UPDATE pools SET last_seen = ?2
    WHERE host_id = (SELECT id FROM hosts WHERE name = ?1) AND present = 1)sql"));
  stmt.BindText(1, host_id).BindInt64(2, ToUnix(now));
  return WithContext(stmt.Run(), absl::StrCat("touching the pools of ", host_id));
}

absl::Status PoolTable::MarkAbsent(const std::string& host_id,
                                   const std::vector<std::string>& present) {
  // Decided here rather than with NOT IN (…): the name list would have to be spliced into
  // the SQL, and a host has few pools.
  const absl::flat_hash_set<std::string> keep(present.begin(), present.end());
  absl::Status status = Atomically(*db_, [&]() -> absl::Status {
    ASSIGN_OR_RETURN(Statement select, db_->Prepare(R"sql(
      SELECT p.id, p.name FROM pools p JOIN hosts h ON h.id = p.host_id
      WHERE h.name = ?1 AND p.present = 1)sql"));
    select.BindText(1, host_id);
    std::vector<int64_t> gone;
    while (true) {
      ASSIGN_OR_RETURN(bool row, select.Step());
      if (!row) break;
      if (!keep.contains(select.ColumnText(1))) gone.push_back(select.ColumnInt64(0));
    }
    ASSIGN_OR_RETURN(Statement mark, db_->Prepare("UPDATE pools SET present = 0 WHERE id = ?1"));
    for (int64_t id : gone) {
      mark.Reset();
      mark.BindInt64(1, id);
      RETURN_IF_ERROR(mark.Run());
    }
    return absl::OkStatus();
  });
  return WithContext(status, absl::StrCat("marking absent pools of ", host_id));
}

absl::StatusOr<std::vector<PoolRecord>> PoolTable::Select(
    absl::string_view where_and_order, const std::function<void(Statement&)>& bind) {
  ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(absl::StrCat(kSelectPools, where_and_order)));
  bind(stmt);
  return ReadRows(stmt, ReadPool);
}

absl::StatusOr<std::vector<PoolRecord>> PoolTable::List() {
  return Select("ORDER BY h.name, p.name", [](Statement&) {});
}

absl::StatusOr<std::optional<PoolRecord>> PoolTable::Get(const std::string& host_id,
                                                         const std::string& pool) {
  ASSIGN_OR_RETURN(std::vector<PoolRecord> found,
                   Select("AND h.name = ?1 AND p.name = ?2",
                          [&](Statement& s) { s.BindText(1, host_id).BindText(2, pool); }));
  if (found.empty()) return std::optional<PoolRecord>();
  return std::optional<PoolRecord>(std::move(found.front()));
}

absl::StatusOr<std::vector<PoolRecord>> PoolTable::ListNeedingAttention() {
  // pools.attention is narrow: the scan reads the fleet's pool rows, and snapshot blobs only
  // of the pools it selects.
  return Select("AND (p.attention IS NULL OR p.attention != 0) ORDER BY h.name, p.name",
                [](Statement&) {});
}

absl::StatusOr<std::vector<std::string>> PoolTable::ListPresentNames(const std::string& host_id) {
  ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(R"sql(
    SELECT p.name FROM pools p JOIN hosts h ON h.id = p.host_id
    WHERE h.name = ?1 AND p.present = 1 ORDER BY p.name)sql"));
  stmt.BindText(1, host_id);
  return ReadRows(stmt, [](const Statement& row) { return row.ColumnText(0); });
}

absl::StatusOr<std::vector<PoolScrubState>> PoolTable::ListScrubStates() {
  return SelectScrubStates("", [](Statement&) {});
}

absl::StatusOr<std::vector<PoolScrubState>> PoolTable::ListScrubStatesOfHost(
    const std::string& host_id) {
  return SelectScrubStates("AND h.name = ?1", [&](Statement& s) { s.BindText(1, host_id); });
}

absl::StatusOr<std::vector<PoolScrubState>> PoolTable::SelectScrubStates(
    absl::string_view and_where, const std::function<void(Statement&)>& bind) {
  // Each pool's latest run in the given states, found backwards on scrub_runs_by_pool.
  constexpr int kEnded = 8;
  constexpr int kFinished = kEnded + ScrubRunTable::kColumnCount;
  ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(absl::StrCat(R"sql(
    SELECT h.name, p.name, s.state, p.first_seen, f.device_errors, s.scan_function,
           s.scan_state, p.disk_classes, )sql",
                                                             ScrubRunTable::Columns("e"), ", ",
                                                             ScrubRunTable::Columns("g"), R"sql(
    FROM pools p
    JOIN hosts h ON h.id = p.host_id
    JOIN pool_snapshots s ON s.id = p.last_snapshot_id
    LEFT JOIN snapshot_facts f ON f.snapshot_id = p.last_snapshot_id
    LEFT JOIN scrub_runs e ON e.id = (
      SELECT r.id FROM scrub_runs r WHERE r.pool_id = p.id
        AND r.state IN ('finished', 'canceled', 'failed') ORDER BY r.id DESC LIMIT 1)
    LEFT JOIN scrub_runs g ON g.id = (
      SELECT r.id FROM scrub_runs r WHERE r.pool_id = p.id AND r.state = 'finished'
      ORDER BY r.id DESC LIMIT 1)
    WHERE p.present = 1 )sql",
                                                             and_where, R"sql(
    ORDER BY h.name, p.name)sql")));
  bind(stmt);
  std::vector<PoolScrubState> rows;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    PoolScrubState& status = rows.emplace_back();
    status.host_id = stmt.ColumnText(0);
    status.pool = stmt.ColumnText(1);
    status.state = stmt.ColumnText(2);
    status.first_seen = FromUnix(stmt.ColumnInt64(3));
    status.device_errors = ColumnCounter(stmt, 4);
    status.scan_function = stmt.ColumnText(5);
    status.scan_state = stmt.ColumnText(6);
    if (!stmt.ColumnIsNull(7)) {
      status.disk_classes = SplitDiskClasses(stmt.ColumnText(7));
    }
    for (auto [first, run] :
         {std::pair{kEnded, &status.last_ended}, std::pair{kFinished, &status.last_finished}}) {
      v1::ScrubRun read;
      if (!ScrubRunTable::ReadColumns(stmt, first, &read)) continue;
      read.set_host_id(status.host_id);
      read.set_pool(status.pool);
      *run = std::move(read);
    }
  }
  return rows;
}

absl::StatusOr<std::vector<LeafCounterRow>> PoolTable::ListDevicesWithErrors() {
  // The condition is vdevs_with_errors' own, so only those rows are read. Interior vdevs
  // (mirror-0, raidz2-0) can carry counters too; their types leave them out.
  ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(R"sql(
    SELECT h.name, p.name, v.name, v.path, v.type, v.role, v.state,
           v.read_errors, v.write_errors, v.checksum_errors
    FROM vdevs v
    JOIN pools p ON p.id = v.pool_id
    JOIN hosts h ON h.id = p.host_id
    WHERE (v.read_errors > 0 OR v.write_errors > 0 OR v.checksum_errors > 0) AND p.present = 1
    ORDER BY h.name, p.name, v.position)sql"));
  std::vector<LeafCounterRow> leaves;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    if (!IsDeviceVdev(stmt.ColumnText(4), stmt.ColumnText(5), stmt.ColumnText(6))) continue;
    LeafCounterRow& leaf = leaves.emplace_back();
    leaf.host_id = stmt.ColumnText(0);
    leaf.pool = stmt.ColumnText(1);
    leaf.vdev = stmt.ColumnText(2);
    leaf.path = stmt.ColumnText(3);
    leaf.state = stmt.ColumnText(6);
    leaf.read_errors = ColumnCounter(stmt, 7);
    leaf.write_errors = ColumnCounter(stmt, 8);
    leaf.checksum_errors = ColumnCounter(stmt, 9);
  }
  return leaves;
}

absl::StatusOr<std::optional<int64_t>> PoolTable::RowId(const std::string& host_id,
                                                        const std::string& pool) {
  ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(R"sql(
    SELECT p.id FROM pools p JOIN hosts h ON h.id = p.host_id
    WHERE h.name = ?1 AND p.name = ?2)sql"));
  stmt.BindText(1, host_id).BindText(2, pool);
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<int64_t>();
  return std::optional<int64_t>(stmt.ColumnInt64(0));
}

}  // namespace zfleet::controller
