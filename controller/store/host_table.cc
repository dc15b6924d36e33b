#include "controller/store/host_table.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "controller/store/columns.h"
#include "model/proto_bytes.h"

namespace zfleet::controller {
namespace {

// Columns: name, instance_id, first_seen, last_seen, info, collect_error, pool_count,
// zpool_stuck_since, zpool_stuck_detail.
constexpr char kSelectHosts[] = R"sql(
  SELECT h.name, h.instance_id, h.first_seen, h.last_seen, h.info, h.collect_error,
         (SELECT COUNT(*) FROM pools p WHERE p.host_id = h.id AND p.present = 1),
         h.zpool_stuck_since, h.zpool_stuck_detail
  FROM hosts h )sql";

absl::StatusOr<HostRecord> ReadHost(const Statement& stmt) {
  HostRecord host;
  host.host_id = stmt.ColumnText(0);
  host.instance_id = stmt.ColumnText(1);
  host.first_seen = FromUnix(stmt.ColumnInt64(2));
  host.last_seen = FromUnix(stmt.ColumnInt64(3));
  RETURN_IF_ERROR(
      ParseStored(stmt.ColumnBlob(4), &host.info, absl::StrCat("host info of ", host.host_id)));
  host.collect_error = stmt.ColumnText(5);
  host.pool_count = static_cast<uint32_t>(stmt.ColumnInt64(6));
  if (auto since = ColumnOptional(stmt, 7)) host.zpool_stuck_since = FromUnix(*since);
  host.zpool_stuck_detail = stmt.ColumnText(8);
  return host;
}

// Columns: name, last_seen, missing_since, stack_attention, zpool_stuck_since.
constexpr char kSelectLiveness[] =
    "SELECT name, last_seen, missing_since, stack_attention, zpool_stuck_since FROM hosts ";

HostLiveness ReadLiveness(const Statement& stmt) {
  HostLiveness host;
  host.host_id = stmt.ColumnText(0);
  host.last_seen = FromUnix(stmt.ColumnInt64(1));
  if (auto since = ColumnOptional(stmt, 2)) host.missing_since = FromUnix(*since);
  if (auto attention = ColumnOptional(stmt, 3)) host.stack_attention = *attention != 0;
  if (auto since = ColumnOptional(stmt, 4)) host.zpool_stuck_since = FromUnix(*since);
  return host;
}

}  // namespace

absl::Status HostTable::Upsert(const std::string& host_id, const std::string& instance_id,
                               const v1::HostInfo& info, const std::string& collect_error,
                               absl::Time now) {
  ASSIGN_OR_RETURN(std::string info_bytes, SerializeDeterministic(info));
  ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(R"sql(
    INSERT INTO hosts (name, instance_id, first_seen, last_seen, info, collect_error)
    VALUES (?1, ?2, ?3, ?3, ?4, ?5)
    ON CONFLICT (name) DO UPDATE SET
      instance_id = excluded.instance_id,
      last_seen = excluded.last_seen,
      info = excluded.info,
      collect_error = excluded.collect_error)sql"));
  stmt.BindText(1, host_id)
      .BindText(2, instance_id)
      .BindInt64(3, ToUnix(now))
      .BindBlob(4, info_bytes)
      .BindText(5, collect_error);
  return WithContext(stmt.Run(), absl::StrCat("upserting host ", host_id));
}

absl::StatusOr<std::vector<HostRecord>> HostTable::Select(
    absl::string_view where_and_order, const std::function<void(Statement&)>& bind) {
  ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(absl::StrCat(kSelectHosts, where_and_order)));
  bind(stmt);
  return ReadRows(stmt, ReadHost);
}

absl::StatusOr<std::vector<HostRecord>> HostTable::List() {
  return Select("ORDER BY h.name", [](Statement&) {});
}

absl::StatusOr<std::optional<HostRecord>> HostTable::Get(const std::string& host_id) {
  ASSIGN_OR_RETURN(std::vector<HostRecord> hosts,
                   Select("WHERE h.name = ?1", [&](Statement& s) { s.BindText(1, host_id); }));
  if (hosts.empty()) return std::optional<HostRecord>();
  return std::optional<HostRecord>(std::move(hosts.front()));
}

absl::StatusOr<std::vector<HostRecord>> HostTable::ListNeedingAttention(absl::Time seen_before) {
  return Select(
      "WHERE h.stack_attention IS NULL OR h.stack_attention != 0 OR h.last_seen < ?1 "
      "OR h.zpool_stuck_since IS NOT NULL "
      "ORDER BY h.name",
      [&](Statement& s) { s.BindInt64(1, ToUnix(seen_before)); });
}

absl::StatusOr<std::vector<HostLiveness>> HostTable::ListLiveness() {
  ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(absl::StrCat(kSelectLiveness, "ORDER BY name")));
  return ReadRows(stmt, ReadLiveness);
}

absl::StatusOr<std::optional<HostLiveness>> HostTable::GetLiveness(const std::string& host_id) {
  ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(absl::StrCat(kSelectLiveness, "WHERE name = ?1")));
  stmt.BindText(1, host_id);
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<HostLiveness>();
  return std::optional<HostLiveness>(ReadLiveness(stmt));
}

absl::Status HostTable::SetMissing(const std::string& host_id, std::optional<absl::Time> since) {
  ASSIGN_OR_RETURN(Statement stmt,
                   db_->Prepare("UPDATE hosts SET missing_since = ?2 WHERE name = ?1"));
  stmt.BindText(1, host_id);
  BindOptional(stmt, 2, since.has_value() ? std::optional<int64_t>(ToUnix(*since)) : std::nullopt);
  const std::string context = absl::StrCat("marking host ", host_id);
  RETURN_IF_ERROR(WithContext(stmt.Run(), context));
  if (db_->Changes() == 0) return absl::NotFoundError(absl::StrCat(context, ": unknown host"));
  return absl::OkStatus();
}

absl::Status HostTable::SetStackAttention(const std::string& host_id, bool attention) {
  ASSIGN_OR_RETURN(Statement stmt,
                   db_->Prepare("UPDATE hosts SET stack_attention = ?2 WHERE name = ?1"));
  stmt.BindText(1, host_id).BindInt64(2, attention ? 1 : 0);
  const std::string context = absl::StrCat("flagging the stack of host ", host_id);
  RETURN_IF_ERROR(WithContext(stmt.Run(), context));
  if (db_->Changes() == 0) return absl::NotFoundError(absl::StrCat(context, ": unknown host"));
  return absl::OkStatus();
}

absl::StatusOr<std::optional<HostStream>> HostTable::GetStream(const std::string& host_id) {
  ASSIGN_OR_RETURN(Statement stmt,
                   db_->Prepare("SELECT stream_id, last_sequence, last_observed FROM hosts "
                                "WHERE name = ?1"));
  stmt.BindText(1, host_id);
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<HostStream>();
  HostStream stream;
  stream.stream_id = stmt.ColumnText(0);
  stream.last_sequence = static_cast<uint64_t>(stmt.ColumnInt64(1));
  if (auto observed = ColumnOptional(stmt, 2)) stream.last_observed = FromUnix(*observed);
  return std::optional<HostStream>(std::move(stream));
}

absl::Status HostTable::Touch(const std::string& host_id, const std::string& instance_id,
                              const v1::HostInfo& info, const std::string& collect_error,
                              absl::Time now, const HostStream& stream) {
  ASSIGN_OR_RETURN(std::string info_bytes, SerializeDeterministic(info));
  ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(R"sql(
    UPDATE hosts SET instance_id = ?2, last_seen = ?3, info = ?4, collect_error = ?5,
                     stream_id = ?6, last_sequence = ?7, last_observed = ?8
    WHERE name = ?1)sql"));
  stmt.BindText(1, host_id)
      .BindText(2, instance_id)
      .BindInt64(3, ToUnix(now))
      .BindBlob(4, info_bytes)
      .BindText(5, collect_error)
      .BindText(6, stream.stream_id)
      .BindInt64(7, static_cast<int64_t>(stream.last_sequence))
      .BindInt64(8, ToUnix(stream.last_observed));
  return WithContext(stmt.Run(), absl::StrCat("touching host ", host_id));
}

absl::Status HostTable::SetStream(const std::string& host_id, const HostStream& stream) {
  ASSIGN_OR_RETURN(Statement stmt,
                   db_->Prepare("UPDATE hosts SET stream_id = ?2, last_sequence = ?3, "
                                "last_observed = ?4 WHERE name = ?1"));
  stmt.BindText(1, host_id)
      .BindText(2, stream.stream_id)
      .BindInt64(3, static_cast<int64_t>(stream.last_sequence))
      .BindInt64(4, ToUnix(stream.last_observed));
  const std::string context = absl::StrCat("recording the stream of host ", host_id);
  RETURN_IF_ERROR(WithContext(stmt.Run(), context));
  if (db_->Changes() == 0) return absl::NotFoundError(absl::StrCat(context, ": unknown host"));
  return absl::OkStatus();
}

absl::Status HostTable::SetZpoolStuck(const std::string& host_id, std::optional<absl::Time> since,
                                      const std::string& detail) {
  ASSIGN_OR_RETURN(Statement stmt,
                   db_->Prepare("UPDATE hosts SET zpool_stuck_since = ?2, zpool_stuck_detail = ?3 "
                                "WHERE name = ?1"));
  stmt.BindText(1, host_id).BindText(3, detail);
  BindOptional(stmt, 2, since.has_value() ? std::optional<int64_t>(ToUnix(*since)) : std::nullopt);
  const std::string context = absl::StrCat("recording zpool's health on host ", host_id);
  RETURN_IF_ERROR(WithContext(stmt.Run(), context));
  if (db_->Changes() == 0) return absl::NotFoundError(absl::StrCat(context, ": unknown host"));
  return absl::OkStatus();
}

absl::StatusOr<std::optional<int64_t>> HostTable::RowId(const std::string& host_id) {
  ASSIGN_OR_RETURN(Statement stmt, db_->Prepare("SELECT id FROM hosts WHERE name = ?1"));
  stmt.BindText(1, host_id);
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<int64_t>();
  return std::optional<int64_t>(stmt.ColumnInt64(0));
}

}  // namespace zfleet::controller
