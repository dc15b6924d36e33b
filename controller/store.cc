// Store: opening, transactions, helpers shared with the other store_*.cc files, and
// hosts. Pools live in store_pools.cc, scrub runs in store_scrubs.cc, commands in
// store_commands.cc.
#include "controller/store.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "controller/sqlite.h"
#include "controller/store_impl.h"
#include "controller/store_schema.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace zfleet::controller {
namespace store_internal {

absl::StatusOr<std::string> SerializeDeterministic(const google::protobuf::Message& message) {
  std::string bytes;
  bool ok = false;
  {
    // The coded stream flushes into `bytes` when it goes out of scope.
    google::protobuf::io::StringOutputStream raw(&bytes);
    google::protobuf::io::CodedOutputStream coded(&raw);
    coded.SetSerializationDeterministic(true);
    ok = message.SerializeToCodedStream(&coded);
  }
  if (!ok) {
    return absl::InternalError(
        absl::StrCat("cannot serialize ", message.GetDescriptor()->full_name()));
  }
  return bytes;
}

absl::Status ParseStored(absl::string_view bytes, google::protobuf::Message* message,
                         absl::string_view what) {
  if (!message->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::InternalError(absl::StrCat("corrupt stored ", what));
  }
  return absl::OkStatus();
}

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

}  // namespace store_internal

using store_internal::FromUnix;
using store_internal::ToUnix;

namespace {

// Long enough to ride out a checkpoint or a backup tool holding the file briefly.
constexpr char kBusyTimeoutPragma[] = "PRAGMA busy_timeout = 5000";

bool IsInMemory(const std::string& path) { return path == ":memory:" || path.empty(); }

absl::Status OpenPragmas(Database& db, const std::string& path) {
  RETURN_IF_ERROR(db.Exec(kBusyTimeoutPragma));
  RETURN_IF_ERROR(db.Exec("PRAGMA foreign_keys = ON"));
  if (!IsInMemory(path)) {
    // WAL lets the CLI-facing reads run while a report is being written. SQLite answers
    // with the mode it actually chose, which stays "delete" where WAL is impossible.
    ASSIGN_OR_RETURN(Statement wal, db.Prepare("PRAGMA journal_mode = WAL"));
    ASSIGN_OR_RETURN(bool row, wal.Step());
    const std::string mode = row ? absl::AsciiStrToLower(wal.ColumnText(0)) : "";
    if (mode != "wal") {
      return absl::InternalError(absl::StrCat("cannot enable WAL (journal_mode is '", mode, "')"));
    }
  }
  // FULL: a report acknowledged to an agent is on disk even after a power loss.
  return db.Exec("PRAGMA synchronous = FULL");
}

// Columns: name, instance_id, first_seen, last_seen, info, collect_error, pool_count.
constexpr char kSelectHosts[] = R"sql(
  SELECT h.name, h.instance_id, h.first_seen, h.last_seen, h.info, h.collect_error,
         (SELECT COUNT(*) FROM pools p WHERE p.host_id = h.id AND p.present = 1)
  FROM hosts h)sql";

}  // namespace

absl::StatusOr<HostRecord> store_internal::ReadHostRow(const Statement& stmt) {
  HostRecord host;
  host.host_id = stmt.ColumnText(0);
  host.instance_id = stmt.ColumnText(1);
  host.first_seen = FromUnix(stmt.ColumnInt64(2));
  host.last_seen = FromUnix(stmt.ColumnInt64(3));
  RETURN_IF_ERROR(store_internal::ParseStored(stmt.ColumnBlob(4), &host.info,
                                              absl::StrCat("host info of ", host.host_id)));
  host.collect_error = stmt.ColumnText(5);
  host.pool_count = static_cast<uint32_t>(stmt.ColumnInt64(6));
  return host;
}

absl::Status Store::Impl::Atomically(const std::function<absl::Status()>& fn) {
  if (db_.InAutocommit()) {
    RETURN_IF_ERROR(db_.Exec("BEGIN IMMEDIATE"));
    absl::Status status = fn();
    if (status.ok()) status = db_.Exec("COMMIT");
    // A failed COMMIT (busy, disk full) may leave the transaction open; end it so the
    // connection is usable and nothing half-written survives.
    if (!status.ok() && !db_.InAutocommit()) db_.Exec("ROLLBACK").IgnoreError();
    return status;
  }
  RETURN_IF_ERROR(db_.Exec("SAVEPOINT store_op"));
  absl::Status status = fn();
  if (status.ok()) return db_.Exec("RELEASE store_op");
  // fn's error is the one worth reporting. If SQLite already rolled back the whole
  // transaction (e.g. on SQLITE_FULL) the savepoint is gone and these fail harmlessly.
  db_.Exec("ROLLBACK TO store_op").IgnoreError();
  db_.Exec("RELEASE store_op").IgnoreError();
  return status;
}

absl::StatusOr<std::optional<int64_t>> Store::Impl::HostRowId(const std::string& host_id) {
  ASSIGN_OR_RETURN(Statement stmt, db_.Prepare("SELECT id FROM hosts WHERE name = ?1"));
  stmt.BindText(1, host_id);
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<int64_t>();
  return std::optional<int64_t>(stmt.ColumnInt64(0));
}

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::~Store() = default;

absl::StatusOr<std::unique_ptr<Store>> Store::Open(const std::string& path) {
  const std::string context = absl::StrCat("opening store ", path);
  absl::StatusOr<Database> db = Database::Open(path);
  if (!db.ok()) return WithContext(db.status(), context);
  RETURN_IF_ERROR(WithContext(OpenPragmas(*db, path), context));
  RETURN_IF_ERROR(WithContext(MigrateSchema(*db, StoreMigrations()), context));
  return std::unique_ptr<Store>(new Store(std::make_unique<Impl>(*std::move(db))));
}

absl::Status Store::RunInTransaction(const std::function<absl::Status()>& fn) {
  if (!impl_->db().InAutocommit()) {
    return absl::FailedPreconditionError("RunInTransaction: a transaction is already open");
  }
  return impl_->Atomically(fn);
}

absl::Status Store::UpsertHost(const std::string& host_id, const std::string& instance_id,
                               const v1::HostInfo& info, const std::string& collect_error,
                               absl::Time now) {
  ASSIGN_OR_RETURN(std::string info_bytes, store_internal::SerializeDeterministic(info));
  ASSIGN_OR_RETURN(Statement stmt, impl_->db().Prepare(R"sql(
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

absl::StatusOr<std::vector<HostRecord>> Store::ListHosts() {
  ASSIGN_OR_RETURN(Statement stmt,
                   impl_->db().Prepare(absl::StrCat(kSelectHosts, " ORDER BY h.name")));
  std::vector<HostRecord> hosts;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    ASSIGN_OR_RETURN(HostRecord host, store_internal::ReadHostRow(stmt));
    hosts.push_back(std::move(host));
  }
  return hosts;
}

absl::StatusOr<std::optional<HostRecord>> Store::GetHost(const std::string& host_id) {
  ASSIGN_OR_RETURN(Statement stmt,
                   impl_->db().Prepare(absl::StrCat(kSelectHosts, " WHERE h.name = ?1")));
  stmt.BindText(1, host_id);
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<HostRecord>();
  ASSIGN_OR_RETURN(HostRecord host, store_internal::ReadHostRow(stmt));
  return std::optional<HostRecord>(std::move(host));
}

}  // namespace zfleet::controller
