#include "controller/store/event_table.h"

#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "controller/store/columns.h"
#include "model/enum_names.h"

namespace zfleet::controller {
namespace {

// Columns: id, time, severity, host name, pool, device, kind, message, acknowledged_by,
// acknowledged_at.
constexpr char kSelectEvents[] = R"sql(
  SELECT e.id, e.time, e.severity, h.name, e.pool, e.device, e.kind, e.message,
         e.acknowledged_by, e.acknowledged_at
  FROM events e JOIN hosts h ON h.id = e.host_id)sql";

v1::Event ReadEvent(const Statement& stmt) {
  v1::Event event;
  event.set_id(stmt.ColumnInt64(0));
  event.set_time(stmt.ColumnInt64(1));
  SetSeverity(event, ParseSeverity(stmt.ColumnText(2)).value_or(v1::SEVERITY_UNSPECIFIED));
  event.set_host_id(stmt.ColumnText(3));
  event.set_pool(stmt.ColumnText(4));
  event.set_device(stmt.ColumnText(5));
  event.set_kind(stmt.ColumnText(6));
  event.set_message(stmt.ColumnText(7));
  event.set_acknowledged_by(stmt.ColumnText(8));
  if (auto at = ColumnOptional(stmt, 9)) event.set_acknowledged_at(*at);
  return event;
}

}  // namespace

absl::StatusOr<std::optional<int64_t>> EventTable::Insert(const v1::Event& event,
                                                          const std::string& dedup_key) {
  if (SeverityName(event.severity()).empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown severity ", static_cast<int>(event.severity())));
  }
  if (dedup_key.empty()) return absl::InvalidArgumentError("event without a dedup key");
  const std::string context =
      absl::StrCat("inserting ", event.kind(), " event for ", event.host_id());
  ASSIGN_OR_RETURN(std::optional<int64_t> host_row, hosts_->RowId(event.host_id()));
  if (!host_row.has_value()) {
    return absl::NotFoundError(absl::StrCat(context, ": unknown host"));
  }
  ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(R"sql(
    INSERT INTO events (time, severity, host_id, pool, device, kind, message, dedup_key)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
    ON CONFLICT (dedup_key) DO NOTHING)sql"));
  stmt.BindInt64(1, event.time())
      .BindText(2, SeverityName(event.severity()))
      .BindInt64(3, *host_row)
      .BindText(4, event.pool())
      .BindText(5, event.device())
      .BindText(6, event.kind())
      .BindText(7, event.message())
      .BindText(8, dedup_key);
  RETURN_IF_ERROR(WithContext(stmt.Run(), context));
  if (db_->Changes() == 0) return std::optional<int64_t>();
  return std::optional<int64_t>(db_->LastInsertRowId());
}

absl::StatusOr<std::vector<std::optional<int64_t>>> EventTable::InsertAll(
    const std::vector<NewEvent>& events) {
  std::vector<std::optional<int64_t>> ids;
  ids.reserve(events.size());
  for (const NewEvent& e : events) {
    ASSIGN_OR_RETURN(std::optional<int64_t> id, Insert(e.event, e.dedup_key));
    ids.push_back(id);
  }
  return ids;
}

absl::StatusOr<std::vector<v1::Event>> EventTable::List(const EventFilter& filter) {
  if (filter.limit <= 0) return std::vector<v1::Event>();
  // Severities rank as their enum numbers do (info 1, warning 2, critical 3).
  ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(absl::StrCat(kSelectEvents, R"sql(
    WHERE e.time >= ?1
      AND (?2 = 0 OR CASE e.severity WHEN 'critical' THEN 3 WHEN 'warning' THEN 2 ELSE 1 END >= ?2)
      AND (?3 = '' OR h.name = ?3)
      AND (?4 = '' OR e.pool = ?4)
      AND (?5 = 0 OR e.acknowledged_at IS NULL)
    ORDER BY e.time DESC, e.id DESC
    LIMIT ?6)sql")));
  const int64_t since = filter.since == absl::InfinitePast() ? std::numeric_limits<int64_t>::min()
                                                             : ToUnix(filter.since);
  stmt.BindInt64(1, since)
      .BindInt64(2, filter.min_severity.has_value() ? static_cast<int>(*filter.min_severity) : 0)
      .BindText(3, filter.host_id)
      .BindText(4, filter.pool)
      .BindInt64(5, filter.unacknowledged_only ? 1 : 0)
      .BindInt64(6, filter.limit);
  return ReadRows(stmt, ReadEvent);
}

absl::StatusOr<AckResult> EventTable::Ack(const std::vector<int64_t>& ids, const std::string& by,
                                          absl::Time now) {
  AckResult result;
  absl::Status status = Atomically(*db_, [&]() -> absl::Status {
    ASSIGN_OR_RETURN(Statement ack, db_->Prepare(R"sql(
      UPDATE events SET acknowledged_by = ?2, acknowledged_at = ?3
      WHERE id = ?1 AND acknowledged_at IS NULL)sql"));
    ASSIGN_OR_RETURN(Statement exists, db_->Prepare("SELECT 1 FROM events WHERE id = ?1"));
    for (int64_t id : ids) {
      ack.Reset();
      ack.BindInt64(1, id).BindText(2, by).BindInt64(3, ToUnix(now));
      RETURN_IF_ERROR(ack.Run());
      bool known = db_->Changes() > 0;
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
  RETURN_IF_ERROR(WithContext(status, "acknowledging events"));
  return result;
}

absl::StatusOr<std::vector<EventCount>> EventTable::Count() {
  ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(R"sql(
    SELECT severity, COUNT(*), SUM(acknowledged_at IS NULL)
    FROM events GROUP BY severity ORDER BY severity)sql"));
  return ReadRows(stmt, [](const Statement& row) {
    return EventCount{row.ColumnText(0), row.ColumnInt64(1), row.ColumnInt64(2)};
  });
}

}  // namespace zfleet::controller
