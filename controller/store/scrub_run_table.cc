#include "controller/store/scrub_run_table.h"

#include <functional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/status_macros.h"
#include "controller/store/columns.h"
#include "model/enum_names.h"

namespace zfleet::controller {
namespace {

// The run's own columns, in the order ReadColumns reads and BindRunFields binds them (the
// id first, bound separately). The trigger column is "triggered_by": TRIGGER is an SQL
// keyword.
constexpr char kRunColumns[] =
    "$.id, $.triggered_by, $.state, $.requested_at, $.started_at, $.ended_at, "
    "$.bytes_scanned, $.bytes_repaired, $.errors, $.message, $.pause";

// Binds the run's own fields (trigger … pause) to parameters first … first+9.
void BindRunFields(Statement& stmt, int first, const v1::ScrubRun& run) {
  stmt.BindText(first, TriggerName(run.trigger()))
      .BindText(first + 1, RunStateName(run.state()))
      .BindInt64(first + 2, run.requested_at());
  BindOptional(stmt, first + 3, Optional(run.has_started_at(), run.started_at()));
  BindOptional(stmt, first + 4, Optional(run.has_ended_at(), run.ended_at()));
  BindOptional(stmt, first + 5, Optional(run.has_bytes_scanned(), run.bytes_scanned()));
  BindOptional(stmt, first + 6, Optional(run.has_bytes_repaired(), run.bytes_repaired()));
  BindOptional(stmt, first + 7, Optional(run.has_errors(), run.errors()));
  stmt.BindText(first + 8, run.message()).BindInt64(first + 9, run.pause());
}

}  // namespace

std::string ScrubRunTable::Columns(absl::string_view alias) {
  return absl::StrReplaceAll(kRunColumns, {{"$", alias}});
}

bool ScrubRunTable::ReadColumns(const Statement& stmt, int first, v1::ScrubRun* run) {
  if (stmt.ColumnIsNull(first)) return false;
  run->set_id(stmt.ColumnInt64(first));
  // A name this build does not know (a newer build's) reads as UNSPECIFIED, name kept.
  const std::string trigger = stmt.ColumnText(first + 1);
  run->set_trigger(ParseTrigger(trigger).value_or(v1::SCRUB_TRIGGER_UNSPECIFIED));
  run->set_trigger_name(trigger);
  const std::string state = stmt.ColumnText(first + 2);
  run->set_state(ParseRunState(state).value_or(v1::SCRUB_RUN_STATE_UNSPECIFIED));
  run->set_state_name(state);
  run->set_requested_at(stmt.ColumnInt64(first + 3));
  if (auto v = ColumnOptional(stmt, first + 4)) run->set_started_at(*v);
  if (auto v = ColumnOptional(stmt, first + 5)) run->set_ended_at(*v);
  if (auto v = ColumnCounter(stmt, first + 6)) run->set_bytes_scanned(*v);
  if (auto v = ColumnCounter(stmt, first + 7)) run->set_bytes_repaired(*v);
  if (auto v = ColumnCounter(stmt, first + 8)) run->set_errors(*v);
  run->set_message(stmt.ColumnText(first + 9));
  run->set_pause(static_cast<v1::ScrubPause>(stmt.ColumnInt64(first + 10)));
  return true;
}

absl::StatusOr<int64_t> ScrubRunTable::Insert(const v1::ScrubRun& run) {
  // One statement resolves the pool and inserts, so it needs no transaction of its own.
  ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(R"sql(
    INSERT INTO scrub_runs (pool_id, triggered_by, state, requested_at, started_at,
                            ended_at, bytes_scanned, bytes_repaired, errors, message, pause)
    SELECT p.id, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12
    FROM pools p JOIN hosts h ON h.id = p.host_id
    WHERE h.name = ?1 AND p.name = ?2)sql"));
  stmt.BindText(1, run.host_id()).BindText(2, run.pool());
  BindRunFields(stmt, 3, run);
  const std::string context =
      absl::StrCat("inserting scrub run for ", run.host_id(), "/", run.pool());
  RETURN_IF_ERROR(WithContext(stmt.Run(), context));
  if (db_->Changes() == 0) {
    return absl::NotFoundError(absl::StrCat(context, ": unknown pool"));
  }
  return db_->LastInsertRowId();
}

absl::Status ScrubRunTable::Update(const v1::ScrubRun& run) {
  ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(R"sql(
    UPDATE scrub_runs SET
      triggered_by = ?2, state = ?3, requested_at = ?4, started_at = ?5, ended_at = ?6,
      bytes_scanned = ?7, bytes_repaired = ?8, errors = ?9, message = ?10, pause = ?11
    WHERE id = ?1)sql"));
  stmt.BindInt64(1, run.id());
  BindRunFields(stmt, 2, run);
  const std::string context = absl::StrCat("updating scrub run ", run.id());
  RETURN_IF_ERROR(WithContext(stmt.Run(), context));
  if (db_->Changes() == 0) return absl::NotFoundError(absl::StrCat(context, ": no such run"));
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::ScrubRun>> ScrubRunTable::Select(
    absl::string_view where_and_order, const std::function<void(Statement&)>& bind) {
  ASSIGN_OR_RETURN(Statement stmt,
                   db_->Prepare(absl::StrCat("SELECT ", Columns("r"), R"sql(, h.name, p.name
    FROM scrub_runs r
    JOIN pools p ON p.id = r.pool_id
    JOIN hosts h ON h.id = p.host_id )sql",
                                             where_and_order)));
  bind(stmt);
  return ReadRows(stmt, [](const Statement& row) {
    v1::ScrubRun run;
    ReadColumns(row, 0, &run);
    run.set_host_id(row.ColumnText(kColumnCount));
    run.set_pool(row.ColumnText(kColumnCount + 1));
    return run;
  });
}

absl::StatusOr<std::vector<v1::ScrubRun>> ScrubRunTable::List(const std::string& host_id,
                                                              const std::string& pool, int limit) {
  // SQLite reads a negative LIMIT as "no limit"; the contract says at most `limit`.
  if (limit <= 0) return std::vector<v1::ScrubRun>();
  return Select("WHERE h.name = ?1 AND p.name = ?2 ORDER BY r.id DESC LIMIT ?3", [&](Statement& s) {
    s.BindText(1, host_id).BindText(2, pool).BindInt64(3, limit);
  });
}

absl::StatusOr<std::vector<v1::ScrubRun>> ScrubRunTable::StartedNear(const std::string& host_id,
                                                                     const std::string& pool,
                                                                     int64_t started_at,
                                                                     int64_t slack) {
  return Select(
      "WHERE h.name = ?1 AND p.name = ?2 AND r.started_at BETWEEN ?3 AND ?4 ORDER BY r.id",
      [&](Statement& s) {
        s.BindText(1, host_id).BindText(2, pool);
        s.BindInt64(3, started_at - slack).BindInt64(4, started_at + slack);
      });
}

absl::StatusOr<std::vector<v1::ScrubRun>> ScrubRunTable::Latest() {
  // One query for the whole fleet, not one per pool (`zfleet status` over 40,000 pools).
  return Select("WHERE r.id IN (SELECT MAX(id) FROM scrub_runs GROUP BY pool_id) ORDER BY r.id",
                [](Statement&) {});
}

absl::StatusOr<std::vector<v1::ScrubRun>> ScrubRunTable::LatestOfHost(const std::string& host_id) {
  return Select(
      "WHERE r.id IN (SELECT MAX(x.id) FROM scrub_runs x JOIN pools y ON y.id = x.pool_id "
      "JOIN hosts z ON z.id = y.host_id WHERE z.name = ?1 GROUP BY x.pool_id) ORDER BY r.id",
      [&](Statement& s) { s.BindText(1, host_id); });
}

absl::StatusOr<std::vector<v1::ScrubRun>> ScrubRunTable::Open(const std::string& host_id) {
  return Select("WHERE h.name = ?1 AND r.state IN ('requested', 'running') ORDER BY r.id",
                [&](Statement& s) { s.BindText(1, host_id); });
}

absl::StatusOr<std::vector<v1::ScrubRun>> ScrubRunTable::OpenAll() {
  return Select("WHERE r.state IN ('requested', 'running') ORDER BY r.id", [](Statement&) {});
}

absl::StatusOr<std::vector<v1::ScrubRun>> ScrubRunTable::FinishedAmongNewest(int per_pool) {
  if (per_pool <= 0) return std::vector<v1::ScrubRun>();
  // The window numbers each pool's runs newest first along scrub_runs_by_pool; the state is
  // filtered after numbering, so a pool's newest runs count whatever their state.
  return Select(R"sql(
    WHERE r.id IN (SELECT id FROM (
      SELECT id, state, ROW_NUMBER() OVER (PARTITION BY pool_id ORDER BY id DESC) AS n
      FROM scrub_runs) WHERE n <= ?1 AND state = 'finished')
    ORDER BY r.pool_id, r.id DESC)sql",
                [&](Statement& s) { s.BindInt64(1, per_pool); });
}

absl::StatusOr<int64_t> ScrubRunTable::DeleteEnded(absl::Time before, int limit) {
  if (limit <= 0) return 0;
  // The newest runs of a pool are found backwards on scrub_runs_by_pool; a command naming
  // a run on commands_by_run.
  ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(R"sql(
    DELETE FROM scrub_runs WHERE id IN (
      SELECT r.id FROM scrub_runs r
      WHERE r.state IN ('finished', 'canceled', 'failed')
        AND IFNULL(r.ended_at, r.requested_at) < ?1
        AND r.id < (SELECT MAX(n.id) FROM scrub_runs n WHERE n.pool_id = r.pool_id)
        AND r.id IS NOT (SELECT MAX(n.id) FROM scrub_runs n WHERE n.pool_id = r.pool_id
                           AND n.state IN ('finished', 'canceled', 'failed'))
        AND r.id IS NOT (SELECT MAX(n.id) FROM scrub_runs n WHERE n.pool_id = r.pool_id
                           AND n.state = 'finished')
        AND NOT EXISTS (SELECT 1 FROM commands c WHERE c.scrub_run_id = r.id)
      ORDER BY r.id LIMIT ?2))sql"));
  stmt.BindInt64(1, ToUnix(before)).BindInt64(2, limit);
  RETURN_IF_ERROR(WithContext(stmt.Run(), "deleting old scrub runs"));
  return db_->Changes();
}

}  // namespace zfleet::controller
