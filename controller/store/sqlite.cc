#include "controller/store/sqlite.h"

#include <cerrno>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace zfleet::controller {
namespace {

constexpr int kSummaryWords = 4;

// SQLite reports a full disk as SQLITE_FULL, except where the write that failed was not its
// own page write (growing the WAL index, truncating): an I/O error with errno ENOSPC.
bool NoSpace(sqlite3* db, int rc) {
  const int primary = rc & 0xff;
  return primary == SQLITE_FULL ||
         (primary == SQLITE_IOERR && db != nullptr && sqlite3_system_errno(db) == ENOSPC);
}

absl::Status SqliteError(sqlite3* db, int rc, absl::string_view summary) {
  // sqlite3_errmsg describes the most recent failure on the connection; errstr is the
  // fallback when there is no connection (or the message was already replaced).
  const char* message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  std::string what = absl::StrCat("sqlite (", summary, "): ", message, " [code ", rc, "]");
  if (NoSpace(db, rc)) {
    const char* path = db != nullptr ? sqlite3_db_filename(db, "main") : nullptr;
    return absl::ResourceExhaustedError(absl::StrCat("controller database disk is full (",
                                                     path != nullptr ? path : "", "): ", what));
  }
  return absl::InternalError(std::move(what));
}

}  // namespace

// Idle prepared statements by their SQL text. Shared by a Database and its Statements, so a
// Statement that outlives its Database finalizes itself instead of touching a dead cache.
class StatementCache {
 public:
  // An idle statement prepared from `sql`, or nullptr.
  sqlite3_stmt* Take(absl::string_view sql) {
    auto it = idle_.find(sql);
    if (it == idle_.end() || it->second.empty()) return nullptr;
    sqlite3_stmt* stmt = it->second.back();
    it->second.pop_back();
    return stmt;
  }

  // Keeps `stmt` for the next Prepare of `sql`: reset (which ends a read it was in the
  // middle of) and without bindings. Finalizes it once the Database is closed, or when
  // enough of its kind are kept already (statements nested in a loop need a few).
  void Give(std::string sql, sqlite3_stmt* stmt) {
    constexpr size_t kMaxIdlePerSql = 4;
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    std::vector<sqlite3_stmt*>* idle = closed_ ? nullptr : &idle_[std::move(sql)];
    if (idle == nullptr || idle->size() >= kMaxIdlePerSql) {
      sqlite3_finalize(stmt);
      return;
    }
    idle->push_back(stmt);
  }

  // Finalizes every idle statement; statements given back later are finalized.
  void Close() {
    for (auto& [sql, stmts] : idle_) {
      for (sqlite3_stmt* stmt : stmts) sqlite3_finalize(stmt);
    }
    idle_.clear();
    closed_ = true;
  }

 private:
  absl::flat_hash_map<std::string, std::vector<sqlite3_stmt*>> idle_;
  bool closed_ = false;
};

bool IsDiskFull(const absl::Status& status) {
  return status.code() == absl::StatusCode::kResourceExhausted;
}

std::string SqlSummary(absl::string_view sql) {
  std::string out;
  int words = 0;
  for (absl::string_view word :
       absl::StrSplit(sql, absl::ByAnyChar(" \t\r\n"), absl::SkipEmpty())) {
    if (words == kSummaryWords) {
      absl::StrAppend(&out, " …");
      break;
    }
    absl::StrAppend(&out, words == 0 ? "" : " ", word);
    ++words;
  }
  return out;
}

// --- Statement ---

Statement::Statement(sqlite3_stmt* stmt, std::string sql, std::shared_ptr<StatementCache> cache)
    : stmt_(stmt), sql_(std::move(sql)), cache_(std::move(cache)) {}

Statement::Statement(Statement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)),
      sql_(std::move(other.sql_)),
      cache_(std::move(other.cache_)),
      bind_status_(std::move(other.bind_status_)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    Release();
    stmt_ = std::exchange(other.stmt_, nullptr);
    sql_ = std::move(other.sql_);
    cache_ = std::move(other.cache_);
    bind_status_ = std::move(other.bind_status_);
  }
  return *this;
}

Statement::~Statement() { Release(); }

void Statement::Release() {
  if (stmt_ == nullptr) return;
  if (cache_ != nullptr) {
    cache_->Give(std::move(sql_), std::exchange(stmt_, nullptr));
  } else {
    sqlite3_finalize(std::exchange(stmt_, nullptr));
  }
  cache_.reset();
}

std::string Statement::Summary() const { return SqlSummary(sql_); }

Statement& Statement::CheckBind(int rc, int index) {
  if (rc != SQLITE_OK && bind_status_.ok()) {
    bind_status_ = absl::InternalError(absl::StrCat("sqlite (", Summary(), "): binding parameter ",
                                                    index, ": ", sqlite3_errstr(rc)));
  }
  return *this;
}

Statement& Statement::BindInt64(int index, int64_t value) {
  return CheckBind(sqlite3_bind_int64(stmt_, index, value), index);
}

Statement& Statement::BindDouble(int index, double value) {
  return CheckBind(sqlite3_bind_double(stmt_, index, value), index);
}

Statement& Statement::BindText(int index, absl::string_view value) {
  return CheckBind(
      sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
      index);
}

Statement& Statement::BindBlob(int index, absl::string_view bytes) {
  // A null data pointer would bind NULL; an empty blob must stay an empty blob.
  static constexpr char kEmpty[1] = {0};
  const char* data = bytes.empty() ? kEmpty : bytes.data();
  return CheckBind(sqlite3_bind_blob64(stmt_, index, data, bytes.size(), SQLITE_TRANSIENT), index);
}

Statement& Statement::BindNull(int index) {
  return CheckBind(sqlite3_bind_null(stmt_, index), index);
}

absl::StatusOr<bool> Statement::Step() {
  if (!bind_status_.ok()) return bind_status_;
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteError(sqlite3_db_handle(stmt_), rc, Summary());
}

absl::Status Statement::Run() {
  absl::StatusOr<bool> row = Step();
  if (!row.ok()) return row.status();
  if (*row) {
    return absl::InternalError(absl::StrCat("sqlite (", Summary(), "): statement returned rows"));
  }
  return absl::OkStatus();
}

bool Statement::ColumnIsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

int64_t Statement::ColumnInt64(int column) const { return sqlite3_column_int64(stmt_, column); }

double Statement::ColumnDouble(int column) const { return sqlite3_column_double(stmt_, column); }

std::string Statement::ColumnText(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  // The size must be read after the pointer: the call above may convert the value.
  const int size = sqlite3_column_bytes(stmt_, column);
  if (text == nullptr) return "";
  return std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(size));
}

std::string Statement::ColumnBlob(int column) const {
  const void* blob = sqlite3_column_blob(stmt_, column);
  const int size = sqlite3_column_bytes(stmt_, column);
  if (blob == nullptr) return "";
  return std::string(static_cast<const char*>(blob), static_cast<size_t>(size));
}

void Statement::Reset() {
  // sqlite3_reset repeats the last step's error code; that error was already reported by
  // Step(), so it is ignored here.
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_status_ = absl::OkStatus();
}

// --- Database ---

Database::Database(sqlite3* db) : db_(db), cache_(std::make_shared<StatementCache>()) {}

Database::Database(Database&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), cache_(std::move(other.cache_)) {}

Database& Database::operator=(Database&& other) noexcept {
  if (this != &other) {
    Close();
    db_ = std::exchange(other.db_, nullptr);
    cache_ = std::move(other.cache_);
  }
  return *this;
}

Database::~Database() { Close(); }

// close_v2 defers the close until outstanding statements are finalized, so destruction
// order between a Database and its Statements cannot leak or crash.
void Database::Close() {
  if (cache_ != nullptr) cache_->Close();
  cache_.reset();
  sqlite3_close_v2(std::exchange(db_, nullptr));
}

absl::StatusOr<Database> Database::Open(const std::string& path, Mode mode) {
  sqlite3* db = nullptr;
  const int flags =
      mode == Mode::kReadOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  Database database(db);  // owns the handle even on failure, which SQLite allocates too
  if (rc != SQLITE_OK) {
    return SqliteError(db, rc, absl::StrCat("open ", path));
  }
  // Constraint violations and the like are reported with their extended codes.
  sqlite3_extended_result_codes(db, 1);
  return database;
}

absl::Status Database::Exec(absl::string_view sql) {
  const std::string owned(sql);  // sqlite3_exec needs a NUL-terminated string
  const int rc = sqlite3_exec(db_, owned.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db_, rc, SqlSummary(sql));
  return absl::OkStatus();
}

absl::StatusOr<Statement> Database::Prepare(absl::string_view sql) {
  if (cache_ == nullptr) return absl::FailedPreconditionError("database is closed");
  if (sqlite3_stmt* idle = cache_->Take(sql)) return Statement(idle, std::string(sql), cache_);
  sqlite3_stmt* stmt = nullptr;
  // PERSISTENT: the statement is kept and reused, so SQLite need not plan for a short life.
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return SqliteError(db_, rc, SqlSummary(sql));
  }
  return Statement(stmt, std::string(sql), cache_);
}

int64_t Database::LastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }

int64_t Database::Changes() const { return sqlite3_changes64(db_); }

bool Database::InAutocommit() const { return sqlite3_get_autocommit(db_) != 0; }

std::string Database::path() const {
  // sqlite3_db_filename gives "" (or null, with no connection) for an in-memory database.
  const char* path = db_ != nullptr ? sqlite3_db_filename(db_, "main") : nullptr;
  return path != nullptr ? path : "";
}

}  // namespace zfleet::controller
