// Store: events, and what the controller tracks about hosts (liveness, stack attention).
#include <limits>
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
using store_internal::FromUnix;
using store_internal::ToUnix;

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
  event.set_severity(stmt.ColumnText(2));
  event.set_host_id(stmt.ColumnText(3));
  event.set_pool(stmt.ColumnText(4));
  event.set_device(stmt.ColumnText(5));
  event.set_kind(stmt.ColumnText(6));
  event.set_message(stmt.ColumnText(7));
  event.set_acknowledged_by(stmt.ColumnText(8));
  if (auto at = ColumnOptional(stmt, 9)) event.set_acknowledged_at(*at);
  return event;
}

constexpr char kSelectLiveness[] =
    "SELECT name, last_seen, missing_since, stack_attention FROM hosts";

HostLiveness ReadLiveness(const Statement& stmt) {
  HostLiveness host;
  host.host_id = stmt.ColumnText(0);
  host.last_seen = FromUnix(stmt.ColumnInt64(1));
  if (auto since = ColumnOptional(stmt, 2)) host.missing_since = FromUnix(*since);
  if (auto attention = ColumnOptional(stmt, 3)) host.stack_attention = *attention != 0;
  return host;
}

int Rank(Severity s) { return static_cast<int>(s) + 1; }

}  // namespace

const char* SeverityName(Severity s) {
  switch (s) {
    case Severity::kInfo:
      return "info";
    case Severity::kWarning:
      return "warning";
    case Severity::kCritical:
      return "critical";
  }
  return "info";
}

std::optional<Severity> ParseSeverity(const std::string& name) {
  for (Severity s : {Severity::kInfo, Severity::kWarning, Severity::kCritical}) {
    if (name == SeverityName(s)) return s;
  }
  return std::nullopt;
}

absl::StatusOr<std::optional<int64_t>> Store::InsertEvent(const v1::Event& event,
                                                          const std::string& dedup_key) {
  if (!ParseSeverity(event.severity()).has_value()) {
    return absl::InvalidArgumentError(absl::StrCat("unknown severity '", event.severity(), "'"));
  }
  if (dedup_key.empty()) return absl::InvalidArgumentError("event without a dedup key");
  Database& db = impl_->db();
  const std::string context =
      absl::StrCat("inserting ", event.kind(), " event for ", event.host_id());
  ASSIGN_OR_RETURN(std::optional<int64_t> host_row, impl_->HostRowId(event.host_id()));
  if (!host_row.has_value()) {
    return absl::NotFoundError(absl::StrCat(context, ": unknown host"));
  }
  ASSIGN_OR_RETURN(Statement stmt, db.Prepare(R"sql(
    INSERT INTO events (time, severity, host_id, pool, device, kind, message, dedup_key)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
    ON CONFLICT (dedup_key) DO NOTHING)sql"));
  stmt.BindInt64(1, event.time())
      .BindText(2, event.severity())
      .BindInt64(3, *host_row)
      .BindText(4, event.pool())
      .BindText(5, event.device())
      .BindText(6, event.kind())
      .BindText(7, event.message())
      .BindText(8, dedup_key);
  RETURN_IF_ERROR(WithContext(stmt.Run(), context));
  if (db.Changes() == 0) return std::optional<int64_t>();
  return std::optional<int64_t>(db.LastInsertRowId());
}

absl::StatusOr<std::vector<v1::Event>> Store::ListEvents(const EventFilter& filter) {
  if (filter.limit <= 0) return std::vector<v1::Event>();
  ASSIGN_OR_RETURN(Statement stmt, impl_->db().Prepare(absl::StrCat(kSelectEvents, R"sql(
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
      .BindInt64(2, filter.min_severity.has_value() ? Rank(*filter.min_severity) : 0)
      .BindText(3, filter.host_id)
      .BindText(4, filter.pool)
      .BindInt64(5, filter.unacknowledged_only ? 1 : 0)
      .BindInt64(6, filter.limit);
  std::vector<v1::Event> events;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    events.push_back(ReadEvent(stmt));
  }
  return events;
}

absl::StatusOr<AckResult> Store::AckEvents(const std::vector<int64_t>& ids, const std::string& by,
                                           absl::Time now) {
  Database& db = impl_->db();
  AckResult result;
  absl::Status status = impl_->Atomically([&]() -> absl::Status {
    ASSIGN_OR_RETURN(Statement ack, db.Prepare(R"sql(
      UPDATE events SET acknowledged_by = ?2, acknowledged_at = ?3
      WHERE id = ?1 AND acknowledged_at IS NULL)sql"));
    ASSIGN_OR_RETURN(Statement exists, db.Prepare("SELECT 1 FROM events WHERE id = ?1"));
    for (int64_t id : ids) {
      ack.Reset();
      ack.BindInt64(1, id).BindText(2, by).BindInt64(3, ToUnix(now));
      RETURN_IF_ERROR(ack.Run());
      bool known = db.Changes() > 0;
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

absl::StatusOr<std::vector<EventCount>> Store::CountEvents() {
  ASSIGN_OR_RETURN(Statement stmt, impl_->db().Prepare(R"sql(
    SELECT severity, COUNT(*), SUM(acknowledged_at IS NULL)
    FROM events GROUP BY severity ORDER BY severity)sql"));
  std::vector<EventCount> counts;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    counts.push_back({stmt.ColumnText(0), stmt.ColumnInt64(1), stmt.ColumnInt64(2)});
  }
  return counts;
}

absl::StatusOr<std::vector<HostLiveness>> Store::ListHostLiveness() {
  ASSIGN_OR_RETURN(Statement stmt,
                   impl_->db().Prepare(absl::StrCat(kSelectLiveness, " ORDER BY name")));
  std::vector<HostLiveness> hosts;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    hosts.push_back(ReadLiveness(stmt));
  }
  return hosts;
}

absl::StatusOr<std::optional<HostLiveness>> Store::GetHostLiveness(const std::string& host_id) {
  ASSIGN_OR_RETURN(Statement stmt,
                   impl_->db().Prepare(absl::StrCat(kSelectLiveness, " WHERE name = ?1")));
  stmt.BindText(1, host_id);
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<HostLiveness>();
  return std::optional<HostLiveness>(ReadLiveness(stmt));
}

absl::Status Store::SetHostMissing(const std::string& host_id, std::optional<absl::Time> since) {
  Database& db = impl_->db();
  ASSIGN_OR_RETURN(Statement stmt,
                   db.Prepare("UPDATE hosts SET missing_since = ?2 WHERE name = ?1"));
  stmt.BindText(1, host_id);
  BindOptional(stmt, 2, since.has_value() ? std::optional<int64_t>(ToUnix(*since)) : std::nullopt);
  const std::string context = absl::StrCat("marking host ", host_id);
  RETURN_IF_ERROR(WithContext(stmt.Run(), context));
  if (db.Changes() == 0) return absl::NotFoundError(absl::StrCat(context, ": unknown host"));
  return absl::OkStatus();
}

absl::Status Store::SetHostStackAttention(const std::string& host_id, bool attention) {
  Database& db = impl_->db();
  ASSIGN_OR_RETURN(Statement stmt,
                   db.Prepare("UPDATE hosts SET stack_attention = ?2 WHERE name = ?1"));
  stmt.BindText(1, host_id).BindInt64(2, attention ? 1 : 0);
  const std::string context = absl::StrCat("flagging the stack of host ", host_id);
  RETURN_IF_ERROR(WithContext(stmt.Run(), context));
  if (db.Changes() == 0) return absl::NotFoundError(absl::StrCat(context, ": unknown host"));
  return absl::OkStatus();
}

absl::StatusOr<std::vector<HostRecord>> Store::ListHostsNeedingAttention(absl::Time seen_before) {
  ASSIGN_OR_RETURN(Statement stmt, impl_->db().Prepare(R"sql(
    SELECT h.name, h.instance_id, h.first_seen, h.last_seen, h.info, h.collect_error,
           (SELECT COUNT(*) FROM pools p WHERE p.host_id = h.id AND p.present = 1)
    FROM hosts h
    WHERE h.stack_attention IS NULL OR h.stack_attention != 0 OR h.last_seen < ?1
    ORDER BY h.name)sql"));
  stmt.BindInt64(1, ToUnix(seen_before));
  std::vector<HostRecord> hosts;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    ASSIGN_OR_RETURN(HostRecord host, store_internal::ReadHostRow(stmt));
    hosts.push_back(std::move(host));
  }
  return hosts;
}

}  // namespace zfleet::controller
