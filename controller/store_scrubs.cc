// Store: scrub runs.
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "controller/sqlite.h"
#include "controller/store.h"
#include "controller/store_impl.h"

namespace zfleet::controller {
namespace {

using store_internal::BindOptional;
using store_internal::ColumnOptional;
using store_internal::Optional;

// Columns: id, host name, pool name, then the run's own fields in proto order.
constexpr char kSelectRuns[] = R"sql(
  SELECT r.id, h.name, p.name, r.triggered_by, r.state, r.requested_at, r.started_at,
         r.ended_at, r.bytes_scanned, r.bytes_repaired, r.errors, r.message
  FROM scrub_runs r
  JOIN pools p ON p.id = r.pool_id
  JOIN hosts h ON h.id = p.host_id)sql";

v1::ScrubRun ReadRun(const Statement& stmt) {
  v1::ScrubRun run;
  run.set_id(stmt.ColumnInt64(0));
  run.set_host_id(stmt.ColumnText(1));
  run.set_pool(stmt.ColumnText(2));
  run.set_trigger(stmt.ColumnText(3));
  run.set_state(stmt.ColumnText(4));
  run.set_requested_at(stmt.ColumnInt64(5));
  if (auto v = ColumnOptional(stmt, 6)) run.set_started_at(*v);
  if (auto v = ColumnOptional(stmt, 7)) run.set_ended_at(*v);
  if (auto v = ColumnOptional(stmt, 8)) run.set_bytes_scanned(static_cast<uint64_t>(*v));
  if (auto v = ColumnOptional(stmt, 9)) run.set_bytes_repaired(static_cast<uint64_t>(*v));
  if (auto v = ColumnOptional(stmt, 10)) run.set_errors(static_cast<uint64_t>(*v));
  run.set_message(stmt.ColumnText(11));
  return run;
}

// Binds the run's own fields (trigger … message) to parameters first … first+8, the
// order both the INSERT and the UPDATE use.
void BindRunFields(Statement& stmt, int first, const v1::ScrubRun& run) {
  stmt.BindText(first, run.trigger())
      .BindText(first + 1, run.state())
      .BindInt64(first + 2, run.requested_at());
  BindOptional(stmt, first + 3, Optional(run.has_started_at(), run.started_at()));
  BindOptional(stmt, first + 4, Optional(run.has_ended_at(), run.ended_at()));
  BindOptional(stmt, first + 5, Optional(run.has_bytes_scanned(), run.bytes_scanned()));
  BindOptional(stmt, first + 6, Optional(run.has_bytes_repaired(), run.bytes_repaired()));
  BindOptional(stmt, first + 7, Optional(run.has_errors(), run.errors()));
  stmt.BindText(first + 8, run.message());
}

absl::StatusOr<std::vector<v1::ScrubRun>> CollectRuns(Statement& stmt) {
  std::vector<v1::ScrubRun> runs;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    runs.push_back(ReadRun(stmt));
  }
  return runs;
}

}  // namespace

absl::StatusOr<int64_t> Store::InsertScrubRun(const v1::ScrubRun& run) {
  Database& db = impl_->db();
  // One statement resolves the pool and inserts, so it needs no transaction of its own.
  ASSIGN_OR_RETURN(Statement stmt, db.Prepare(R"sql(
    INSERT INTO scrub_runs (pool_id, triggered_by, state, requested_at, started_at,
                            ended_at, bytes_scanned, bytes_repaired, errors, message)
    SELECT p.id, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11
    FROM pools p JOIN hosts h ON h.id = p.host_id
    WHERE h.name = ?1 AND p.name = ?2)sql"));
  stmt.BindText(1, run.host_id()).BindText(2, run.pool());
  BindRunFields(stmt, 3, run);
  const std::string context =
      absl::StrCat("inserting scrub run for ", run.host_id(), "/", run.pool());
  RETURN_IF_ERROR(WithContext(stmt.Run(), context));
  if (db.Changes() == 0) {
    return absl::NotFoundError(absl::StrCat(context, ": unknown pool"));
  }
  return db.LastInsertRowId();
}

absl::Status Store::UpdateScrubRun(const v1::ScrubRun& run) {
  Database& db = impl_->db();
  ASSIGN_OR_RETURN(Statement stmt, db.Prepare(R"sql(
    UPDATE scrub_runs SET
      triggered_by = ?2, state = ?3, requested_at = ?4, started_at = ?5, ended_at = ?6,
      bytes_scanned = ?7, bytes_repaired = ?8, errors = ?9, message = ?10
    WHERE id = ?1)sql"));
  stmt.BindInt64(1, run.id());
  BindRunFields(stmt, 2, run);
  const std::string context = absl::StrCat("updating scrub run ", run.id());
  RETURN_IF_ERROR(WithContext(stmt.Run(), context));
  if (db.Changes() == 0) return absl::NotFoundError(absl::StrCat(context, ": no such run"));
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::ScrubRun>> Store::ListScrubRuns(const std::string& host_id,
                                                               const std::string& pool, int limit) {
  // SQLite reads a negative LIMIT as "no limit"; the contract says at most `limit`.
  if (limit <= 0) return std::vector<v1::ScrubRun>();
  ASSIGN_OR_RETURN(
      Statement stmt,
      impl_->db().Prepare(absl::StrCat(
          kSelectRuns, " WHERE h.name = ?1 AND p.name = ?2 ORDER BY r.id DESC LIMIT ?3")));
  stmt.BindText(1, host_id).BindText(2, pool).BindInt64(3, limit);
  return CollectRuns(stmt);
}

absl::StatusOr<std::vector<v1::ScrubRun>> Store::LatestScrubRuns() {
  // One query for the whole fleet, not one per pool (`zfleet status` over 40,000 pools).
  ASSIGN_OR_RETURN(Statement stmt,
                   impl_->db().Prepare(absl::StrCat(
                       kSelectRuns,
                       " WHERE r.id IN (SELECT MAX(id) FROM scrub_runs GROUP BY pool_id)"
                       " ORDER BY r.id")));
  return CollectRuns(stmt);
}

absl::StatusOr<std::vector<v1::ScrubRun>> Store::OpenScrubRuns(const std::string& host_id) {
  ASSIGN_OR_RETURN(Statement stmt, impl_->db().Prepare(absl::StrCat(
                                       kSelectRuns,
                                       " WHERE h.name = ?1 AND r.state IN ('requested', 'running')"
                                       " ORDER BY r.id")));
  stmt.BindText(1, host_id);
  return CollectRuns(stmt);
}

}  // namespace zfleet::controller
