#include "controller/store/audit_table.h"

#include <limits>

#include "common/status_macros.h"
#include "controller/store/columns.h"

namespace zfleet::controller {

absl::StatusOr<int64_t> AuditTable::Append(const v1::AuditEntry& entry) {
  ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(R"sql(
    INSERT INTO audit (time, who, role, peer, action, target, result, detail)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8))sql"));
  stmt.BindInt64(1, entry.time())
      .BindText(2, entry.who())
      .BindText(3, entry.role())
      .BindText(4, entry.peer())
      .BindText(5, entry.action())
      .BindText(6, entry.target())
      .BindText(7, entry.result())
      .BindText(8, entry.detail());
  RETURN_IF_ERROR(WithContext(stmt.Run(), "recording an audit entry"));
  return db_->LastInsertRowId();
}

absl::StatusOr<std::vector<v1::AuditEntry>> AuditTable::List(absl::Time since, int limit) {
  ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(R"sql(
    SELECT id, time, who, role, peer, action, target, result, detail FROM audit
    WHERE time >= ?1 ORDER BY time DESC, id DESC LIMIT ?2)sql"));
  const int64_t from =
      since == absl::InfinitePast() ? std::numeric_limits<int64_t>::min() : ToUnix(since);
  stmt.BindInt64(1, from).BindInt64(2, limit);
  return ReadRows(stmt, [](const Statement& row) {
    v1::AuditEntry entry;
    entry.set_id(row.ColumnInt64(0));
    entry.set_time(row.ColumnInt64(1));
    entry.set_who(row.ColumnText(2));
    entry.set_role(row.ColumnText(3));
    entry.set_peer(row.ColumnText(4));
    entry.set_action(row.ColumnText(5));
    entry.set_target(row.ColumnText(6));
    entry.set_result(row.ColumnText(7));
    entry.set_detail(row.ColumnText(8));
    return entry;
  });
}

absl::StatusOr<int64_t> AuditTable::DeleteBefore(absl::Time before, int limit) {
  if (limit <= 0) return 0;
  ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(R"sql(
    DELETE FROM audit WHERE id IN (
      SELECT id FROM audit WHERE time < ?1 ORDER BY time LIMIT ?2))sql"));
  stmt.BindInt64(1, ToUnix(before)).BindInt64(2, limit);
  RETURN_IF_ERROR(WithContext(stmt.Run(), "deleting old audit entries"));
  return db_->Changes();
}

}  // namespace zfleet::controller
