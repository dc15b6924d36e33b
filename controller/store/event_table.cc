#include "controller/store/event_table.h"

#include <algorithm>
#include <limits>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "controller/store/columns.h"
#include "model/enum_names.h"

namespace zfleet::controller {
namespace {

// controller_state key prefix of the occurrences of deleted events, by severity.
constexpr char kRemovedPrefix[] = "events_removed:";

// Columns: id, time, severity, host name, pool, device, kind, message, acknowledged_by,
// acknowledged_at, occurrences, last_seen.
constexpr char kSelectEvents[] = R"sql(
  SELECT e.id, e.time, e.severity, h.name, e.pool, e.device, e.kind, e.message,
         e.acknowledged_by, e.acknowledged_at, e.occurrences, e.last_seen
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
  event.set_count(static_cast<uint32_t>(
      std::clamp<int64_t>(stmt.ColumnInt64(10), 1, std::numeric_limits<uint32_t>::max())));
  event.set_last_seen(stmt.ColumnInt64(11));
  return event;
}

// Severities rank as their enum numbers do (info 1, warning 2, critical 3).
int Rank(const std::string& severity) {
  return static_cast<int>(ParseSeverity(severity).value_or(v1::SEVERITY_UNSPECIFIED));
}

}  // namespace

absl::StatusOr<std::optional<RaisedEvent>> EventTable::Insert(const NewEvent& e) {
  const v1::Event& event = e.event;
  if (SeverityName(event.severity()).empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown severity ", static_cast<int>(event.severity())));
  }
  if (e.dedup_key.empty()) return absl::InvalidArgumentError("event without a dedup key");
  const std::string context =
      absl::StrCat("inserting ", event.kind(), " event for ", event.host_id());
  ASSIGN_OR_RETURN(std::optional<int64_t> host_row, hosts_->RowId(event.host_id()));
  if (!host_row.has_value()) {
    return absl::NotFoundError(absl::StrCat(context, ": unknown host"));
  }
  ASSIGN_OR_RETURN(Statement known, db_->Prepare("SELECT 1 FROM events WHERE dedup_key = ?1"));
  known.BindText(1, e.dedup_key);
  ASSIGN_OR_RETURN(bool duplicate, known.Step());
  known.Reset();
  if (duplicate) return std::optional<RaisedEvent>();

  if (!e.condition.empty()) {
    ASSIGN_OR_RETURN(Statement open, db_->Prepare(R"sql(
      SELECT id, severity FROM events
      WHERE condition_key = ?1 AND acknowledged_at IS NULL)sql"));
    open.BindText(1, e.condition);
    ASSIGN_OR_RETURN(bool found, open.Step());
    if (found) {
      const int64_t id = open.ColumnInt64(0);
      const std::string stored = open.ColumnText(1);
      open.Reset();
      const std::string severity = Rank(stored) >= static_cast<int>(event.severity())
                                       ? stored
                                       : std::string(SeverityName(event.severity()));
      ASSIGN_OR_RETURN(Statement repeat, db_->Prepare(R"sql(
        UPDATE events SET occurrences = occurrences + 1, last_seen = MAX(last_seen, ?2),
                          message = ?3, dedup_key = ?4, severity = ?5
        WHERE id = ?1)sql"));
      repeat.BindInt64(1, id)
          .BindInt64(2, event.time())
          .BindText(3, event.message())
          .BindText(4, e.dedup_key)
          .BindText(5, severity);
      RETURN_IF_ERROR(WithContext(repeat.Run(), context));
      return std::optional<RaisedEvent>(RaisedEvent{id, true});
    }
  }

  ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(R"sql(
    INSERT INTO events (time, last_seen, severity, host_id, pool, device, kind, message,
                        dedup_key, condition_key)
    VALUES (?1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, NULLIF(?9, '')))sql"));
  stmt.BindInt64(1, event.time())
      .BindText(2, SeverityName(event.severity()))
      .BindInt64(3, *host_row)
      .BindText(4, event.pool())
      .BindText(5, event.device())
      .BindText(6, event.kind())
      .BindText(7, event.message())
      .BindText(8, e.dedup_key)
      .BindText(9, e.condition);
  RETURN_IF_ERROR(WithContext(stmt.Run(), context));
  return std::optional<RaisedEvent>(RaisedEvent{db_->LastInsertRowId(), false});
}

absl::StatusOr<std::vector<std::optional<RaisedEvent>>> EventTable::InsertAll(
    const std::vector<NewEvent>& events) {
  std::vector<std::optional<RaisedEvent>> raised;
  raised.reserve(events.size());
  for (const NewEvent& e : events) {
    ASSIGN_OR_RETURN(std::optional<RaisedEvent> one, Insert(e));
    raised.push_back(one);
  }
  return raised;
}

absl::StatusOr<std::vector<v1::Event>> EventTable::List(const EventFilter& filter) {
  if (filter.limit <= 0) return std::vector<v1::Event>();
  ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(absl::StrCat(kSelectEvents, R"sql(
    WHERE e.last_seen >= ?1
      AND (?2 = 0 OR CASE e.severity WHEN 'critical' THEN 3 WHEN 'warning' THEN 2 ELSE 1 END >= ?2)
      AND (?3 = '' OR h.name = ?3)
      AND (?4 = '' OR e.pool = ?4)
      AND (?5 = 0 OR e.acknowledged_at IS NULL)
    ORDER BY e.last_seen DESC, e.id DESC
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
  return AcknowledgeRows(*db_, "events", ids, by, now);
}

absl::StatusOr<std::vector<EventCount>> EventTable::Count() {
  ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(R"sql(
    SELECT severity, SUM(occurrences), SUM(acknowledged_at IS NULL)
    FROM events GROUP BY severity)sql"));
  std::map<std::string, EventCount> by_name;  // ordered by severity name
  RETURN_IF_ERROR(ForEachRow(stmt, [&](const Statement& row) {
    by_name[row.ColumnText(0)] =
        EventCount{row.ColumnText(0), row.ColumnInt64(1), row.ColumnInt64(2)};
    return absl::OkStatus();
  }));
  for (v1::Severity s : {v1::SEVERITY_INFO, v1::SEVERITY_WARNING, v1::SEVERITY_CRITICAL}) {
    const std::string name(SeverityName(s));
    ASSIGN_OR_RETURN(std::optional<int64_t> removed,
                     state_->Get(absl::StrCat(kRemovedPrefix, name)));
    if (!removed.has_value()) continue;
    EventCount& count = by_name[name];
    count.severity = name;
    count.total += *removed;
  }
  std::vector<EventCount> counts;
  for (auto& [name, count] : by_name) counts.push_back(std::move(count));
  return counts;
}

absl::StatusOr<int64_t> EventTable::DeleteOld(const EventRetention& r) {
  if (r.limit <= 0) return 0;
  // Scanned on events_by_last_seen up to the later of the two cuts.
  const int64_t bound = std::max(ToUnix(r.closed_before), ToUnix(r.any_before));
  int64_t deleted = 0;
  absl::Status status = Atomically(*db_, [&]() -> absl::Status {
    ASSIGN_OR_RETURN(Statement old, db_->Prepare(R"sql(
      SELECT id, severity, occurrences FROM events
      WHERE last_seen < ?1
        AND (last_seen < ?2
             OR (last_seen < ?3 AND (acknowledged_at IS NOT NULL OR severity = 'info')))
      ORDER BY last_seen LIMIT ?4)sql"));
    old.BindInt64(1, bound)
        .BindInt64(2, ToUnix(r.any_before))
        .BindInt64(3, ToUnix(r.closed_before))
        .BindInt64(4, r.limit);
    std::vector<int64_t> ids;
    std::map<std::string, int64_t> occurrences;
    RETURN_IF_ERROR(ForEachRow(old, [&](const Statement& row) {
      ids.push_back(row.ColumnInt64(0));
      occurrences[row.ColumnText(1)] += row.ColumnInt64(2);
      return absl::OkStatus();
    }));
    ASSIGN_OR_RETURN(Statement erase, db_->Prepare("DELETE FROM events WHERE id = ?1"));
    for (int64_t id : ids) {
      erase.Reset();
      erase.BindInt64(1, id);
      RETURN_IF_ERROR(erase.Run());
    }
    for (const auto& [severity, n] : occurrences) {
      RETURN_IF_ERROR(state_->Add(absl::StrCat(kRemovedPrefix, severity), n));
    }
    deleted = static_cast<int64_t>(ids.size());
    return absl::OkStatus();
  });
  RETURN_IF_ERROR(WithContext(status, "deleting old events"));
  return deleted;
}

absl::Status EventTable::KeepTotalsOfHost(int64_t host_row) {
  ASSIGN_OR_RETURN(Statement sums, db_->Prepare(R"sql(
    SELECT severity, SUM(occurrences) FROM events WHERE host_id = ?1 GROUP BY severity)sql"));
  sums.BindInt64(1, host_row);
  std::map<std::string, int64_t> occurrences;
  RETURN_IF_ERROR(ForEachRow(sums, [&](const Statement& row) {
    occurrences[row.ColumnText(0)] = row.ColumnInt64(1);
    return absl::OkStatus();
  }));
  for (const auto& [severity, n] : occurrences) {
    RETURN_IF_ERROR(state_->Add(absl::StrCat(kRemovedPrefix, severity), n));
  }
  return absl::OkStatus();
}

}  // namespace zfleet::controller
