#include "controller/store/store.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "controller/store/columns.h"
#include "controller/store/schema.h"

namespace zfleet::controller {
namespace {

// Long enough to ride out a checkpoint or a backup tool holding the file briefly.
constexpr char kBusyTimeoutPragma[] = "PRAGMA busy_timeout = 5000";

absl::Status OpenPragmas(Database& db, const std::string& path) {
  RETURN_IF_ERROR(db.Exec(kBusyTimeoutPragma));
  RETURN_IF_ERROR(db.Exec("PRAGMA foreign_keys = ON"));
  if (!IsInMemoryPath(path)) {
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

}  // namespace

bool IsInMemoryPath(const std::string& path) { return path == ":memory:" || path.empty(); }

// The tables keep pointers to each other (pools ↔ history) and to db_; members are
// initialized in declaration order and the pointers are used only after construction.
Store::Store(Database db)
    : db_(std::move(db)),
      hosts_(&db_),
      pool_status_(&db_),
      history_(&db_, &pools_),
      pools_(&db_, &hosts_, &pool_status_, &history_),
      scrub_runs_(&db_),
      commands_(&db_),
      events_(&db_, &hosts_, &state_),
      incidents_(&db_, &hosts_),
      notifications_(&db_),
      scan_watch_(&db_),
      state_(&db_),
      audit_(&db_),
      health_(db_.path()) {}

absl::StatusOr<std::unique_ptr<Store>> Store::Open(const std::string& path) {
  const std::string context = absl::StrCat("opening store ", path);
  absl::StatusOr<Database> db = Database::Open(path);
  if (!db.ok()) return WithContext(db.status(), context);
  RETURN_IF_ERROR(WithContext(OpenPragmas(*db, path), context));
  RETURN_IF_ERROR(WithContext(MigrateSchema(*db, StoreMigrations()), context));
  std::unique_ptr<Store> store(new Store(*std::move(db)));
  RETURN_IF_ERROR(WithContext(store->host_changes_.Watch(store->db_), context));
  return store;
}

absl::StatusOr<std::unique_ptr<Store>> Store::OpenReader(const std::string& path) {
  if (IsInMemoryPath(path)) {
    return absl::InvalidArgumentError(
        "a store reader needs a database file: a second connection to ':memory:' is another "
        "database");
  }
  const std::string context = absl::StrCat("opening a reader of store ", path);
  // Read-only at the file level: the writer alone creates, migrates and writes the file.
  absl::StatusOr<Database> db = Database::Open(path, Database::Mode::kReadOnly);
  if (!db.ok()) return WithContext(db.status(), context);
  // Under WAL a reader waits only while the WAL index is rebuilt or a checkpoint resets it.
  RETURN_IF_ERROR(WithContext(db->Exec(kBusyTimeoutPragma), context));
  absl::StatusOr<int> version = SchemaVersion(*db);
  if (!version.ok()) return WithContext(version.status(), context);
  if (static_cast<size_t>(*version) != StoreMigrations().size()) {
    return absl::FailedPreconditionError(
        absl::StrCat(context, ": schema version ", *version, ", this binary reads version ",
                     StoreMigrations().size(), " (open the writer first)"));
  }
  return std::unique_ptr<Store>(new Store(*std::move(db)));
}

absl::Status Store::Ping() { return SchemaVersion(db_).status(); }

absl::Status Store::RunInTransaction(const std::function<absl::Status()>& fn) {
  if (!db_.InAutocommit()) {
    return absl::FailedPreconditionError("RunInTransaction: a transaction is already open");
  }
  return zfleet::controller::Atomically(db_, fn);
}

absl::Status Store::Atomically(const std::function<absl::Status()>& fn) {
  return zfleet::controller::Atomically(db_, fn);
}

absl::Status Store::RunInReadTransaction(const std::function<absl::Status()>& fn) {
  if (!db_.InAutocommit()) {
    return absl::FailedPreconditionError("RunInReadTransaction: a transaction is already open");
  }
  // DEFERRED: no lock until the first read, and only a read lock then.
  RETURN_IF_ERROR(db_.Exec("BEGIN DEFERRED"));
  absl::Status status = fn();
  if (status.ok()) status = db_.Exec("COMMIT");
  // A read transaction left open would pin its snapshot (and keep checkpoints from
  // reaching the end of the WAL).
  if (!db_.InAutocommit()) db_.Exec("ROLLBACK").IgnoreError();
  return status;
}

}  // namespace zfleet::controller
