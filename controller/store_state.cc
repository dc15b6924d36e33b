// Store: the fleet's current state as triage, metrics and the controller's tick read it —
// pools needing attention, pool status and devices with errors without parsing snapshots,
// scan progress, scrub concerns and the controller's bookkeeping values.
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status_macros.h"
#include "model/pool_facts.h"
#include "controller/sqlite.h"
#include "controller/store.h"
#include "controller/store_impl.h"

namespace zfleet::controller {
namespace {

using store_internal::BindOptional;
using store_internal::ColumnOptional;
using store_internal::FromUnix;
using store_internal::ToUnix;

// Nine columns from `first`: id, triggered_by, state, requested_at, started_at, ended_at,
// bytes_scanned, bytes_repaired, errors. nullopt when the id is NULL (no such run).
std::optional<v1::ScrubRun> ReadRunAt(const Statement& stmt, int first, const std::string& host_id,
                                      const std::string& pool) {
  if (stmt.ColumnIsNull(first)) return std::nullopt;
  v1::ScrubRun run;
  run.set_id(stmt.ColumnInt64(first));
  run.set_host_id(host_id);
  run.set_pool(pool);
  run.set_trigger(stmt.ColumnText(first + 1));
  run.set_state(stmt.ColumnText(first + 2));
  run.set_requested_at(stmt.ColumnInt64(first + 3));
  if (auto v = ColumnOptional(stmt, first + 4)) run.set_started_at(*v);
  if (auto v = ColumnOptional(stmt, first + 5)) run.set_ended_at(*v);
  if (auto v = ColumnOptional(stmt, first + 6)) run.set_bytes_scanned(static_cast<uint64_t>(*v));
  if (auto v = ColumnOptional(stmt, first + 7)) run.set_bytes_repaired(static_cast<uint64_t>(*v));
  if (auto v = ColumnOptional(stmt, first + 8)) run.set_errors(static_cast<uint64_t>(*v));
  return run;
}

std::optional<uint64_t> OptionalCounter(const Statement& stmt, int column) {
  auto v = ColumnOptional(stmt, column);
  if (!v.has_value()) return std::nullopt;
  return static_cast<uint64_t>(*v);
}

std::optional<ScrubConcern::Kind> ParseConcernKind(const std::string& name) {
  if (name == "overdue") return ScrubConcern::Kind::kOverdue;
  if (name == "stalled") return ScrubConcern::Kind::kStalled;
  return std::nullopt;
}

}  // namespace

const char* ScrubConcernKindName(ScrubConcern::Kind kind) {
  return kind == ScrubConcern::Kind::kOverdue ? "overdue" : "stalled";
}

absl::StatusOr<std::vector<PoolRecord>> Store::ListPoolsNeedingAttention() {
  // pools.attention is narrow: the scan reads the fleet's pool rows, and snapshot blobs only
  // of the pools it selects.
  ASSIGN_OR_RETURN(Statement stmt, impl_->db().Prepare(R"sql(
    SELECT h.name, p.first_seen, p.last_seen, p.changed_at, s.pool
    FROM pools p
    JOIN hosts h ON h.id = p.host_id
    JOIN pool_snapshots s ON s.id = p.last_snapshot_id
    WHERE p.present = 1 AND (p.attention IS NULL OR p.attention != 0)
    ORDER BY h.name, p.name)sql"));
  std::vector<PoolRecord> pools;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    PoolRecord& record = pools.emplace_back();
    record.host_id = stmt.ColumnText(0);
    record.first_seen = FromUnix(stmt.ColumnInt64(1));
    record.last_seen = FromUnix(stmt.ColumnInt64(2));
    record.changed_at = FromUnix(stmt.ColumnInt64(3));
    RETURN_IF_ERROR(store_internal::ParseStored(stmt.ColumnBlob(4), &record.pool,
                                                absl::StrCat("pool snapshot of ", record.host_id)));
  }
  return pools;
}

absl::StatusOr<std::vector<std::string>> Store::ListPresentPoolNames(const std::string& host_id) {
  ASSIGN_OR_RETURN(Statement stmt, impl_->db().Prepare(R"sql(
    SELECT p.name FROM pools p JOIN hosts h ON h.id = p.host_id
    WHERE h.name = ?1 AND p.present = 1 ORDER BY p.name)sql"));
  stmt.BindText(1, host_id);
  std::vector<std::string> names;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    names.push_back(stmt.ColumnText(0));
  }
  return names;
}

absl::StatusOr<std::vector<PoolStatusRow>> Store::ListPoolStatus() {
  // Each pool's latest run in the given states, found backwards on scrub_runs_by_pool.
  ASSIGN_OR_RETURN(Statement stmt, impl_->db().Prepare(R"sql(
    SELECT h.name, p.name, s.state, p.first_seen, f.device_errors, s.scan_function,
           s.scan_state, p.disk_classes,
           e.id, e.triggered_by, e.state, e.requested_at, e.started_at, e.ended_at,
           e.bytes_scanned, e.bytes_repaired, e.errors,
           g.id, g.triggered_by, g.state, g.requested_at, g.started_at, g.ended_at,
           g.bytes_scanned, g.bytes_repaired, g.errors
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
    WHERE p.present = 1
    ORDER BY h.name, p.name)sql"));
  std::vector<PoolStatusRow> rows;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    PoolStatusRow& status = rows.emplace_back();
    status.host_id = stmt.ColumnText(0);
    status.pool = stmt.ColumnText(1);
    status.state = stmt.ColumnText(2);
    status.first_seen = FromUnix(stmt.ColumnInt64(3));
    status.device_errors = OptionalCounter(stmt, 4);
    status.scan_function = stmt.ColumnText(5);
    status.scan_state = stmt.ColumnText(6);
    if (!stmt.ColumnIsNull(7)) {
      status.disk_classes = absl::StrSplit(stmt.ColumnText(7), ',', absl::SkipEmpty());
    }
    status.last_ended = ReadRunAt(stmt, 8, status.host_id, status.pool);
    status.last_finished = ReadRunAt(stmt, 17, status.host_id, status.pool);
  }
  return rows;
}

absl::StatusOr<std::vector<LeafCounterRow>> Store::ListDevicesWithErrors() {
  // The condition is vdevs_with_errors' own, so only those rows are read. Interior vdevs
  // (mirror-0, raidz2-0) can carry counters too; their types leave them out.
  ASSIGN_OR_RETURN(Statement stmt, impl_->db().Prepare(R"sql(
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
    leaf.read_errors = OptionalCounter(stmt, 7);
    leaf.write_errors = OptionalCounter(stmt, 8);
    leaf.checksum_errors = OptionalCounter(stmt, 9);
  }
  return leaves;
}

absl::StatusOr<std::optional<ScanProgress>> Store::GetScanProgress(const std::string& host_id,
                                                                   const std::string& pool) {
  ASSIGN_OR_RETURN(Statement stmt, impl_->db().Prepare(R"sql(
    SELECT g.function, g.start_time, g.progress, g.percent_done, g.paused, g.progressed_at
    FROM scan_progress g
    JOIN pools p ON p.id = g.pool_id
    JOIN hosts h ON h.id = p.host_id
    WHERE h.name = ?1 AND p.name = ?2)sql"));
  stmt.BindText(1, host_id).BindText(2, pool);
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<ScanProgress>();
  ScanProgress progress;
  progress.function = stmt.ColumnText(0);
  progress.start_time = ColumnOptional(stmt, 1);
  progress.progress = stmt.ColumnDouble(2);
  if (!stmt.ColumnIsNull(3)) progress.percent_done = stmt.ColumnDouble(3);
  progress.paused = stmt.ColumnInt64(4) != 0;
  progress.progressed_at = FromUnix(stmt.ColumnInt64(5));
  return std::optional<ScanProgress>(std::move(progress));
}

absl::Status Store::SetScanProgress(const std::string& host_id, const std::string& pool,
                                    const std::optional<ScanProgress>& progress) {
  Database& db = impl_->db();
  const std::string context = absl::StrCat("storing scan progress of ", host_id, "/", pool);
  if (!progress.has_value()) {
    ASSIGN_OR_RETURN(Statement stmt, db.Prepare(R"sql(
      DELETE FROM scan_progress WHERE pool_id = (
        SELECT p.id FROM pools p JOIN hosts h ON h.id = p.host_id
        WHERE h.name = ?1 AND p.name = ?2))sql"));
    stmt.BindText(1, host_id).BindText(2, pool);
    return WithContext(stmt.Run(), context);
  }
  ASSIGN_OR_RETURN(Statement stmt, db.Prepare(R"sql(
    INSERT INTO scan_progress (pool_id, function, start_time, progress, percent_done, paused,
                               progressed_at)
    SELECT p.id, ?3, ?4, ?5, ?6, ?7, ?8 FROM pools p JOIN hosts h ON h.id = p.host_id
    WHERE h.name = ?1 AND p.name = ?2
    ON CONFLICT (pool_id) DO UPDATE SET
      function = excluded.function, start_time = excluded.start_time,
      progress = excluded.progress, percent_done = excluded.percent_done,
      paused = excluded.paused, progressed_at = excluded.progressed_at)sql"));
  stmt.BindText(1, host_id).BindText(2, pool).BindText(3, progress->function);
  BindOptional(stmt, 4, progress->start_time);
  stmt.BindDouble(5, progress->progress);
  if (progress->percent_done.has_value()) {
    stmt.BindDouble(6, *progress->percent_done);
  } else {
    stmt.BindNull(6);
  }
  stmt.BindInt64(7, progress->paused ? 1 : 0).BindInt64(8, ToUnix(progress->progressed_at));
  RETURN_IF_ERROR(WithContext(stmt.Run(), context));
  if (db.Changes() == 0) return absl::NotFoundError(absl::StrCat(context, ": unknown pool"));
  return absl::OkStatus();
}

absl::StatusOr<std::vector<ScanProgressRecord>> Store::ListScanProgress() {
  ASSIGN_OR_RETURN(Statement stmt, impl_->db().Prepare(R"sql(
    SELECT h.name, p.name, g.function, g.start_time, g.progress, g.percent_done, g.paused,
           g.progressed_at
    FROM scan_progress g
    JOIN pools p ON p.id = g.pool_id
    JOIN hosts h ON h.id = p.host_id
    WHERE p.present = 1
    ORDER BY h.name, p.name)sql"));
  std::vector<ScanProgressRecord> records;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    ScanProgressRecord& r = records.emplace_back();
    r.host_id = stmt.ColumnText(0);
    r.pool = stmt.ColumnText(1);
    r.progress.function = stmt.ColumnText(2);
    r.progress.start_time = ColumnOptional(stmt, 3);
    r.progress.progress = stmt.ColumnDouble(4);
    if (!stmt.ColumnIsNull(5)) r.progress.percent_done = stmt.ColumnDouble(5);
    r.progress.paused = stmt.ColumnInt64(6) != 0;
    r.progress.progressed_at = FromUnix(stmt.ColumnInt64(7));
  }
  return records;
}

absl::Status Store::ReplaceScrubConcerns(ScrubConcern::Kind kind,
                                         const std::vector<ScrubConcern>& concerns) {
  Database& db = impl_->db();
  const std::string kind_name = ScrubConcernKindName(kind);
  absl::Status status = impl_->Atomically([&]() -> absl::Status {
    ASSIGN_OR_RETURN(Statement clear, db.Prepare("DELETE FROM scrub_concerns WHERE kind = ?1"));
    clear.BindText(1, kind_name);
    RETURN_IF_ERROR(clear.Run());
    ASSIGN_OR_RETURN(Statement insert, db.Prepare(R"sql(
      INSERT INTO scrub_concerns (pool_id, kind, since, detail)
      SELECT p.id, ?3, ?4, ?5 FROM pools p JOIN hosts h ON h.id = p.host_id
      WHERE h.name = ?1 AND p.name = ?2
      ON CONFLICT (pool_id, kind) DO NOTHING)sql"));
    for (const ScrubConcern& c : concerns) {
      if (c.kind != kind) {
        return absl::InvalidArgumentError(
            absl::StrCat("a ", ScrubConcernKindName(c.kind), " concern among ", kind_name));
      }
      insert.Reset();
      insert.BindText(1, c.host_id).BindText(2, c.pool).BindText(3, kind_name);
      insert.BindInt64(4, ToUnix(c.since)).BindText(5, c.detail);
      RETURN_IF_ERROR(insert.Run());
    }
    return absl::OkStatus();
  });
  return WithContext(status, absl::StrCat("replacing ", kind_name, " scrub concerns"));
}

absl::Status Store::ClearScrubConcern(const std::string& host_id, const std::string& pool,
                                      ScrubConcern::Kind kind) {
  ASSIGN_OR_RETURN(Statement stmt, impl_->db().Prepare(R"sql(
    DELETE FROM scrub_concerns WHERE kind = ?3 AND pool_id = (
      SELECT p.id FROM pools p JOIN hosts h ON h.id = p.host_id
      WHERE h.name = ?1 AND p.name = ?2))sql"));
  stmt.BindText(1, host_id).BindText(2, pool).BindText(3, ScrubConcernKindName(kind));
  return WithContext(stmt.Run(), absl::StrCat("clearing scrub concern of ", host_id, "/", pool));
}

absl::StatusOr<std::vector<ScrubConcern>> Store::ListScrubConcerns() {
  ASSIGN_OR_RETURN(Statement stmt, impl_->db().Prepare(R"sql(
    SELECT h.name, p.name, c.kind, c.since, c.detail
    FROM scrub_concerns c
    JOIN pools p ON p.id = c.pool_id
    JOIN hosts h ON h.id = p.host_id
    WHERE p.present = 1
    ORDER BY h.name, p.name, c.kind)sql"));
  std::vector<ScrubConcern> concerns;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    std::optional<ScrubConcern::Kind> kind = ParseConcernKind(stmt.ColumnText(2));
    if (!kind.has_value()) continue;
    ScrubConcern& c = concerns.emplace_back();
    c.kind = *kind;
    c.host_id = stmt.ColumnText(0);
    c.pool = stmt.ColumnText(1);
    c.since = FromUnix(stmt.ColumnInt64(3));
    c.detail = stmt.ColumnText(4);
  }
  return concerns;
}

absl::StatusOr<std::optional<int64_t>> Store::GetControllerValue(const std::string& key) {
  ASSIGN_OR_RETURN(Statement stmt,
                   impl_->db().Prepare("SELECT value FROM controller_state WHERE key = ?1"));
  stmt.BindText(1, key);
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<int64_t>();
  return std::optional<int64_t>(stmt.ColumnInt64(0));
}

absl::Status Store::SetControllerValue(const std::string& key, int64_t value) {
  ASSIGN_OR_RETURN(Statement stmt, impl_->db().Prepare(R"sql(
    INSERT INTO controller_state (key, value) VALUES (?1, ?2)
    ON CONFLICT (key) DO UPDATE SET value = excluded.value)sql"));
  stmt.BindText(1, key).BindInt64(2, value);
  return WithContext(stmt.Run(), absl::StrCat("storing controller value ", key));
}

}  // namespace zfleet::controller
