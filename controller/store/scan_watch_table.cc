#include "controller/store/scan_watch_table.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "controller/store/columns.h"

namespace zfleet::controller {
namespace {

// Columns: host name, pool name, function, start_time, progress, percent_done, paused,
// progressed_at.
constexpr char kSelectProgress[] = R"sql(
  SELECT h.name, p.name, g.function, g.start_time, g.progress, g.percent_done, g.paused,
         g.progressed_at
  FROM scan_progress g
  JOIN pools p ON p.id = g.pool_id
  JOIN hosts h ON h.id = p.host_id )sql";

ScanProgressRecord ReadProgress(const Statement& stmt) {
  ScanProgressRecord r;
  r.host_id = stmt.ColumnText(0);
  r.pool = stmt.ColumnText(1);
  r.progress.function = stmt.ColumnText(2);
  r.progress.start_time = ColumnOptional(stmt, 3);
  r.progress.progress = stmt.ColumnDouble(4);
  if (!stmt.ColumnIsNull(5)) r.progress.percent_done = stmt.ColumnDouble(5);
  r.progress.paused = stmt.ColumnInt64(6) != 0;
  r.progress.progressed_at = FromUnix(stmt.ColumnInt64(7));
  return r;
}

}  // namespace

absl::StatusOr<std::optional<ScanProgress>> ScanWatchTable::GetProgress(const std::string& host_id,
                                                                        const std::string& pool) {
  ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(absl::StrCat(kSelectProgress,
                                                             "WHERE h.name = ?1 AND p.name = ?2")));
  stmt.BindText(1, host_id).BindText(2, pool);
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<ScanProgress>();
  return std::optional<ScanProgress>(ReadProgress(stmt).progress);
}

absl::Status ScanWatchTable::SetProgress(const std::string& host_id, const std::string& pool,
                                         const std::optional<ScanProgress>& progress) {
  const std::string context = absl::StrCat("storing scan progress of ", host_id, "/", pool);
  if (!progress.has_value()) {
    ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(R"sql(
      DELETE FROM scan_progress WHERE pool_id = (
        SELECT p.id FROM pools p JOIN hosts h ON h.id = p.host_id
        WHERE h.name = ?1 AND p.name = ?2))sql"));
    stmt.BindText(1, host_id).BindText(2, pool);
    return WithContext(stmt.Run(), context);
  }
  ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(R"sql(
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
  if (db_->Changes() == 0) return absl::NotFoundError(absl::StrCat(context, ": unknown pool"));
  return absl::OkStatus();
}

absl::StatusOr<std::vector<ScanProgressRecord>> ScanWatchTable::ListProgress() {
  ASSIGN_OR_RETURN(
      Statement stmt,
      db_->Prepare(absl::StrCat(kSelectProgress, "WHERE p.present = 1 ORDER BY h.name, p.name")));
  return ReadRows(stmt, ReadProgress);
}

absl::Status ScanWatchTable::ReplaceConcerns(ScrubConcern::Kind kind,
                                             const std::vector<ScrubConcern>& concerns) {
  const std::string kind_name = ScrubConcernKindName(kind);
  absl::Status status = Atomically(*db_, [&]() -> absl::Status {
    ASSIGN_OR_RETURN(Statement clear, db_->Prepare("DELETE FROM scrub_concerns WHERE kind = ?1"));
    clear.BindText(1, kind_name);
    RETURN_IF_ERROR(clear.Run());
    ASSIGN_OR_RETURN(Statement insert, db_->Prepare(R"sql(
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

absl::Status ScanWatchTable::ClearConcern(const std::string& host_id, const std::string& pool,
                                          ScrubConcern::Kind kind) {
  ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(R"sql(
    DELETE FROM scrub_concerns WHERE kind = ?3 AND pool_id = (
      SELECT p.id FROM pools p JOIN hosts h ON h.id = p.host_id
      WHERE h.name = ?1 AND p.name = ?2))sql"));
  stmt.BindText(1, host_id).BindText(2, pool).BindText(3, ScrubConcernKindName(kind));
  return WithContext(stmt.Run(), absl::StrCat("clearing scrub concern of ", host_id, "/", pool));
}

absl::StatusOr<std::vector<ScrubConcern>> ScanWatchTable::ListConcerns() {
  ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(R"sql(
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
    std::optional<ScrubConcern::Kind> kind = ParseScrubConcernKind(stmt.ColumnText(2));
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

}  // namespace zfleet::controller
