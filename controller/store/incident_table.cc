#include "controller/store/incident_table.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "controller/store/columns.h"
#include "model/enum_names.h"

namespace zfleet::controller {
namespace {

// Columns: id, kind, severity, worst_severity, host name, pool, subject, problem, action,
// value, peak_value, opened_at, updated_at, updates, resolved_at, acknowledged_by,
// acknowledged_at.
constexpr char kSelectIncidents[] = R"sql(
  SELECT i.id, i.kind, i.severity, i.worst_severity, h.name, i.pool, i.subject, i.problem,
         i.action, i.value, i.peak_value, i.opened_at, i.updated_at, i.updates,
         i.resolved_at, i.acknowledged_by, i.acknowledged_at
  FROM incidents i JOIN hosts h ON h.id = i.host_id)sql";

v1::Severity SeverityOf(int64_t stored) {
  const auto s = static_cast<v1::Severity>(stored);
  return v1::Severity_IsValid(static_cast<int>(stored)) ? s : v1::SEVERITY_UNSPECIFIED;
}

v1::Incident ReadIncident(const Statement& stmt) {
  v1::Incident incident;
  incident.set_id(stmt.ColumnInt64(0));
  incident.set_kind(stmt.ColumnText(1));
  incident.set_severity(SeverityOf(stmt.ColumnInt64(2)));
  incident.set_severity_name(std::string(SeverityName(incident.severity())));
  incident.set_worst_severity(SeverityOf(stmt.ColumnInt64(3)));
  incident.set_host_id(stmt.ColumnText(4));
  incident.set_pool(stmt.ColumnText(5));
  incident.set_subject(stmt.ColumnText(6));
  incident.set_problem(stmt.ColumnText(7));
  incident.set_action(stmt.ColumnText(8));
  incident.set_value(static_cast<uint64_t>(stmt.ColumnInt64(9)));
  incident.set_peak_value(static_cast<uint64_t>(stmt.ColumnInt64(10)));
  incident.set_opened_at(stmt.ColumnInt64(11));
  incident.set_updated_at(stmt.ColumnInt64(12));
  incident.set_updates(static_cast<uint32_t>(std::max<int64_t>(0, stmt.ColumnInt64(13))));
  if (auto at = ColumnOptional(stmt, 14)) incident.set_resolved_at(*at);
  incident.set_acknowledged_by(stmt.ColumnText(15));
  if (auto at = ColumnOptional(stmt, 16)) incident.set_acknowledged_at(*at);
  return incident;
}

}  // namespace

std::string ConditionKey(const std::string& kind, const std::string& host_id,
                         const std::string& pool, const std::string& subject) {
  return absl::StrCat(kind, ":", host_id, "/", pool, ":", subject);
}

absl::StatusOr<int64_t> IncidentTable::Open(const v1::TriageItem& item, absl::Time now) {
  const std::string key = ConditionKey(item.kind(), item.host_id(), item.pool(), item.subject());
  const std::string context = absl::StrCat("opening incident ", key);
  ASSIGN_OR_RETURN(std::optional<int64_t> host_row, hosts_->RowId(item.host_id()));
  if (!host_row.has_value()) return absl::NotFoundError(absl::StrCat(context, ": unknown host"));
  ASSIGN_OR_RETURN(Statement open,
                   db_->Prepare("SELECT id FROM incidents WHERE condition_key = ?1 AND "
                                "resolved_at IS NULL"));
  open.BindText(1, key);
  ASSIGN_OR_RETURN(bool exists, open.Step());
  open.Reset();
  if (exists) {
    return absl::FailedPreconditionError(absl::StrCat(context, ": it is open already"));
  }
  ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(R"sql(
    INSERT INTO incidents (condition_key, kind, host_id, pool, subject, severity,
                           worst_severity, problem, action, value, peak_value, opened_at,
                           updated_at)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7, ?8, ?9, ?9, ?10, ?10))sql"));
  stmt.BindText(1, key)
      .BindText(2, item.kind())
      .BindInt64(3, *host_row)
      .BindText(4, item.pool())
      .BindText(5, item.subject())
      .BindInt64(6, static_cast<int64_t>(item.severity()))
      .BindText(7, item.problem())
      .BindText(8, item.action())
      .BindInt64(9, static_cast<int64_t>(item.value()))
      .BindInt64(10, ToUnix(now));
  RETURN_IF_ERROR(WithContext(stmt.Run(), context));
  return db_->LastInsertRowId();
}

absl::Status IncidentTable::Update(int64_t id, const v1::TriageItem& item, absl::Time now) {
  ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(R"sql(
    UPDATE incidents SET severity = ?2, worst_severity = MAX(worst_severity, ?2),
                         problem = ?3, action = ?4, value = ?5,
                         peak_value = MAX(peak_value, ?5), updated_at = ?6,
                         updates = updates + 1
    WHERE id = ?1 AND resolved_at IS NULL)sql"));
  stmt.BindInt64(1, id)
      .BindInt64(2, static_cast<int64_t>(item.severity()))
      .BindText(3, item.problem())
      .BindText(4, item.action())
      .BindInt64(5, static_cast<int64_t>(item.value()))
      .BindInt64(6, ToUnix(now));
  RETURN_IF_ERROR(WithContext(stmt.Run(), absl::StrCat("updating incident ", id)));
  if (db_->Changes() == 0) {
    return absl::NotFoundError(absl::StrCat("incident ", id, " is not open"));
  }
  return absl::OkStatus();
}

absl::Status IncidentTable::Resolve(int64_t id, absl::Time now) {
  ASSIGN_OR_RETURN(Statement stmt,
                   db_->Prepare("UPDATE incidents SET resolved_at = ?2 WHERE id = ?1 "
                                "AND resolved_at IS NULL"));
  stmt.BindInt64(1, id).BindInt64(2, ToUnix(now));
  return WithContext(stmt.Run(), absl::StrCat("resolving incident ", id));
}

absl::StatusOr<AckResult> IncidentTable::Ack(const std::vector<int64_t>& ids, const std::string& by,
                                  absl::Time now) {
  return AcknowledgeRows(*db_, "incidents", ids, by, now);
}

absl::StatusOr<std::vector<v1::Incident>> IncidentTable::List(const IncidentFilter& filter) {
  if (filter.limit <= 0) return std::vector<v1::Incident>();
  ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(absl::StrCat(kSelectIncidents, R"sql(
    WHERE (?1 = 1 OR i.resolved_at IS NULL) AND (?2 = '' OR h.name = ?2)
    ORDER BY i.resolved_at IS NOT NULL, i.resolved_at DESC, i.severity DESC, i.opened_at, i.id
    LIMIT ?3)sql")));
  stmt.BindInt64(1, filter.resolved_too ? 1 : 0)
      .BindText(2, filter.host_id)
      .BindInt64(3, filter.limit);
  return ReadRows(stmt, ReadIncident);
}

absl::StatusOr<std::vector<v1::Incident>> IncidentTable::ListOpen() {
  ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(absl::StrCat(kSelectIncidents, R"sql(
    WHERE i.resolved_at IS NULL ORDER BY i.id)sql")));
  return ReadRows(stmt, ReadIncident);
}

absl::StatusOr<v1::Incident> IncidentTable::Get(int64_t id) {
  ASSIGN_OR_RETURN(Statement stmt,
                   db_->Prepare(absl::StrCat(kSelectIncidents, " WHERE i.id = ?1")));
  stmt.BindInt64(1, id);
  ASSIGN_OR_RETURN(std::vector<v1::Incident> rows, ReadRows(stmt, ReadIncident));
  if (rows.empty()) return absl::NotFoundError(absl::StrCat("unknown incident id ", id));
  return std::move(rows.front());
}

absl::StatusOr<std::vector<v1::Incident>> IncidentTable::ListResolvedSince(absl::Time since,
                                                                           int limit) {
  ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(absl::StrCat(kSelectIncidents, R"sql(
    WHERE i.resolved_at >= ?1 ORDER BY i.resolved_at DESC, i.id DESC LIMIT ?2)sql")));
  stmt.BindInt64(1, ToUnix(since)).BindInt64(2, limit);
  return ReadRows(stmt, ReadIncident);
}

absl::StatusOr<int64_t> IncidentTable::DeleteResolved(absl::Time before, int limit) {
  if (limit <= 0) return 0;
  ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(R"sql(
    DELETE FROM incidents WHERE id IN (
      SELECT id FROM incidents WHERE resolved_at < ?1 ORDER BY resolved_at LIMIT ?2))sql"));
  stmt.BindInt64(1, ToUnix(before)).BindInt64(2, limit);
  RETURN_IF_ERROR(WithContext(stmt.Run(), "deleting resolved incidents"));
  return static_cast<int64_t>(db_->Changes());
}

}  // namespace zfleet::controller
