#include "controller/store/columns.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace zfleet::controller {

Statement& BindOptional(Statement& stmt, int index, const std::optional<int64_t>& value) {
  return value.has_value() ? stmt.BindInt64(index, *value) : stmt.BindNull(index);
}

Statement& BindOptional(Statement& stmt, int index, const std::optional<std::string>& value) {
  return value.has_value() ? stmt.BindText(index, *value) : stmt.BindNull(index);
}

std::optional<int64_t> ColumnOptional(const Statement& stmt, int column) {
  if (stmt.ColumnIsNull(column)) return std::nullopt;
  return stmt.ColumnInt64(column);
}

std::optional<uint64_t> ColumnCounter(const Statement& stmt, int column) {
  std::optional<int64_t> v = ColumnOptional(stmt, column);
  if (!v.has_value()) return std::nullopt;
  return static_cast<uint64_t>(*v);
}

absl::Status ParseStored(absl::string_view bytes, google::protobuf::Message* message,
                         absl::string_view what) {
  if (!message->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::InternalError(absl::StrCat("corrupt stored ", what));
  }
  return absl::OkStatus();
}

absl::Status ForEachRow(Statement& stmt, const std::function<absl::Status(const Statement&)>& fn) {
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return absl::OkStatus();
    RETURN_IF_ERROR(fn(stmt));
  }
}

absl::Status Atomically(Database& db, const std::function<absl::Status()>& fn) {
  if (db.InAutocommit()) {
    RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
    absl::Status status = fn();
    if (status.ok()) status = db.Exec("COMMIT");
    // A failed COMMIT (busy, disk full) may leave the transaction open; end it so the
    // connection is usable and nothing half-written survives.
    if (!status.ok() && !db.InAutocommit()) db.Exec("ROLLBACK").IgnoreError();
    return status;
  }
  RETURN_IF_ERROR(db.Exec("SAVEPOINT store_op"));
  absl::Status status = fn();
  if (status.ok()) return db.Exec("RELEASE store_op");
  // fn's error is the one worth reporting. If SQLite already rolled back the whole
  // transaction (e.g. on SQLITE_FULL) the savepoint is gone and these fail harmlessly.
  db.Exec("ROLLBACK TO store_op").IgnoreError();
  db.Exec("RELEASE store_op").IgnoreError();
  return status;
}

absl::StatusOr<AckResult> AcknowledgeRows(Database& db, absl::string_view table,
                                          const std::vector<int64_t>& ids, const std::string& by,
                                          absl::Time now) {
  AckResult result;
  absl::Status status = Atomically(db, [&]() -> absl::Status {
    ASSIGN_OR_RETURN(Statement ack, db.Prepare(absl::StrCat(
                                        "UPDATE ", table,
                                        " SET acknowledged_by = ?2, acknowledged_at = ?3 "
                                        "WHERE id = ?1 AND acknowledged_at IS NULL")));
    ASSIGN_OR_RETURN(Statement exists,
                     db.Prepare(absl::StrCat("SELECT 1 FROM ", table, " WHERE id = ?1")));
    for (int64_t id : ids) {
      ack.Reset();
      ack.BindInt64(1, id).BindText(2, by).BindInt64(3, ToUnix(now));
      RETURN_IF_ERROR(ack.Run());
      bool known = db.Changes() > 0;
      if (known) result.newly_acknowledged.push_back(id);
      if (!known) {
        exists.Reset();
        exists.BindInt64(1, id);
        ASSIGN_OR_RETURN(known, exists.Step());
        exists.Reset();
      }
      (known ? result.acknowledged : result.unknown).push_back(id);
    }
    return absl::OkStatus();
  });
  RETURN_IF_ERROR(WithContext(status, absl::StrCat("acknowledging ", table)));
  return result;
}

}  // namespace zfleet::controller
