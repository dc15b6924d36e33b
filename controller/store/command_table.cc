#include "controller/store/command_table.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "controller/store/columns.h"

namespace zfleet::controller {
namespace {

absl::string_view StateName(CommandState state) {
  switch (state) {
    case CommandState::kPending:
      return "pending";
    case CommandState::kDone:
      return "done";
    case CommandState::kFailed:
      return "failed";
  }
  return "pending";  // unreachable: the switch is exhaustive
}

absl::StatusOr<CommandState> ParseState(absl::string_view name) {
  if (name == "pending") return CommandState::kPending;
  if (name == "done") return CommandState::kDone;
  if (name == "failed") return CommandState::kFailed;
  return absl::InternalError(absl::StrCat("unknown stored command state '", name, "'"));
}

// Columns: id, host name, pool, kind, scrub_run_id, created_at, state, error, acked_at,
// expires_at.
constexpr char kSelectCommands[] = R"sql(
  SELECT c.id, h.name, c.pool_name, c.kind, c.scrub_run_id, c.created_at, c.state,
         c.error, c.acked_at, c.expires_at
  FROM commands c JOIN hosts h ON h.id = c.host_id )sql";

absl::StatusOr<CommandRecord> ReadCommand(const Statement& stmt) {
  CommandRecord command;
  command.id = stmt.ColumnText(0);
  command.host_id = stmt.ColumnText(1);
  command.pool = stmt.ColumnText(2);
  // Proto3 enums are open: a kind written by a newer build is kept as its number.
  command.kind = static_cast<v1::CommandKind>(stmt.ColumnInt64(3));
  command.scrub_run_id = ColumnOptional(stmt, 4).value_or(0);
  command.created_at = FromUnix(stmt.ColumnInt64(5));
  ASSIGN_OR_RETURN(command.state, ParseState(stmt.ColumnText(6)));
  command.error = stmt.ColumnText(7);
  if (auto acked = ColumnOptional(stmt, 8)) command.acked_at = FromUnix(*acked);
  if (auto expires = ColumnOptional(stmt, 9)) command.expires_at = FromUnix(*expires);
  return command;
}

std::optional<int64_t> OptionalUnix(const std::optional<absl::Time>& t) {
  if (!t.has_value()) return std::nullopt;
  return ToUnix(*t);
}

}  // namespace

CommandRecord ApplyCommandAck(CommandRecord command, const v1::CommandAck& ack, absl::Time now) {
  if (command.state != CommandState::kPending) return command;
  command.state = ack.ok() ? CommandState::kDone : CommandState::kFailed;
  command.error = ack.ok() ? "" : ack.error();
  command.acked_at = now;
  return command;
}

absl::Status CommandTable::Insert(const CommandRecord& command) {
  ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(R"sql(
    INSERT INTO commands (id, host_id, pool_name, kind, scrub_run_id, created_at, state,
                          error, acked_at, expires_at)
    SELECT ?1, h.id, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10 FROM hosts h WHERE h.name = ?2)sql"));
  stmt.BindText(1, command.id)
      .BindText(2, command.host_id)
      .BindText(3, command.pool)
      .BindInt64(4, static_cast<int64_t>(command.kind));
  BindOptional(
      stmt, 5,
      command.scrub_run_id == 0 ? std::nullopt : std::optional<int64_t>(command.scrub_run_id));
  stmt.BindInt64(6, ToUnix(command.created_at))
      .BindText(7, StateName(command.state))
      .BindText(8, command.error);
  BindOptional(stmt, 9, OptionalUnix(command.acked_at));
  BindOptional(stmt, 10, OptionalUnix(command.expires_at));
  const std::string context = absl::StrCat("inserting command ", command.id);
  RETURN_IF_ERROR(WithContext(stmt.Run(), context));
  if (db_->Changes() == 0) {
    return absl::NotFoundError(absl::StrCat(context, ": unknown host ", command.host_id));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<CommandRecord>> CommandTable::Pending(const std::string& host_id,
                                                                 absl::Time now) {
  // rowid breaks ties between commands created in the same second: insertion order.
  ASSIGN_OR_RETURN(
      Statement stmt,
      db_->Prepare(absl::StrCat(kSelectCommands,
                                "WHERE h.name = ?1 AND c.state = 'pending' "
                                "AND (c.expires_at IS NULL OR c.expires_at >= ?2) "
                                "ORDER BY c.created_at, c.rowid")));
  stmt.BindText(1, host_id).BindInt64(2, ToUnix(now));
  return ReadRows(stmt, ReadCommand);
}

absl::StatusOr<std::vector<CommandRecord>> CommandTable::PendingAll(absl::Time now) {
  // commands_pending holds exactly the pending rows, by host and creation time.
  ASSIGN_OR_RETURN(Statement stmt,
                   db_->Prepare(absl::StrCat(kSelectCommands,
                                             "WHERE c.state = 'pending' "
                                             "AND (c.expires_at IS NULL OR c.expires_at >= ?1) "
                                             "ORDER BY c.host_id, c.created_at, c.rowid")));
  stmt.BindInt64(1, ToUnix(now));
  return ReadRows(stmt, ReadCommand);
}

absl::StatusOr<std::vector<CommandRecord>> CommandTable::ExpiredBefore(absl::Time before) {
  ASSIGN_OR_RETURN(Statement stmt,
                   db_->Prepare(absl::StrCat(kSelectCommands,
                                             "WHERE c.state = 'pending' AND c.expires_at < ?1 "
                                             "ORDER BY c.created_at, c.rowid")));
  stmt.BindInt64(1, ToUnix(before));
  return ReadRows(stmt, ReadCommand);
}

absl::StatusOr<std::optional<CommandRecord>> CommandTable::Get(const std::string& host_id,
                                                               const std::string& id) {
  ASSIGN_OR_RETURN(Statement select,
                   db_->Prepare(absl::StrCat(kSelectCommands, "WHERE c.id = ?1 AND h.name = ?2")));
  select.BindText(1, id).BindText(2, host_id);
  ASSIGN_OR_RETURN(bool row, select.Step());
  if (!row) return std::optional<CommandRecord>();
  ASSIGN_OR_RETURN(CommandRecord command, ReadCommand(select));
  return std::optional<CommandRecord>(std::move(command));
}

absl::Status CommandTable::SetOutcome(const CommandRecord& command) {
  ASSIGN_OR_RETURN(Statement update, db_->Prepare(R"sql(
    UPDATE commands SET state = ?2, error = ?3, acked_at = ?4 WHERE id = ?1)sql"));
  update.BindText(1, command.id).BindText(2, StateName(command.state)).BindText(3, command.error);
  BindOptional(update, 4, OptionalUnix(command.acked_at));
  const std::string context = absl::StrCat("acking command ", command.id);
  RETURN_IF_ERROR(WithContext(update.Run(), context));
  if (db_->Changes() == 0) return absl::NotFoundError(absl::StrCat(context, ": no such command"));
  return absl::OkStatus();
}

absl::StatusOr<int64_t> CommandTable::DeleteEnded(absl::Time before, int limit) {
  if (limit <= 0) return 0;
  ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(R"sql(
    DELETE FROM commands WHERE rowid IN (
      SELECT rowid FROM commands
      WHERE state IN ('done', 'failed') AND IFNULL(acked_at, created_at) < ?1
      ORDER BY IFNULL(acked_at, created_at) LIMIT ?2))sql"));
  stmt.BindInt64(1, ToUnix(before)).BindInt64(2, limit);
  RETURN_IF_ERROR(WithContext(stmt.Run(), "deleting old commands"));
  return db_->Changes();
}

}  // namespace zfleet::controller
