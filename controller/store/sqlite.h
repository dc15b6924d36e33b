// Small RAII wrappers over the SQLite C API: a Database owns one connection, a Statement
// one prepared statement. Every failure becomes an absl::Status carrying SQLite's message
// and the first words of the SQL, so a log line says which statement failed: Internal,
// except a write refused for lack of space (SQLITE_FULL, or an I/O error whose cause is
// ENOSPC), which is ResourceExhausted "controller database disk is full (PATH): …" so the
// caller can tell the agent to come back later instead of reporting a fault.
//
// Prepared statements are cached: a Statement goes back to its Database when destroyed
// (reset, bindings cleared) and the next Prepare of the same SQL text reuses it, so a
// query run on every report is parsed once, not every time.
//
// Neither class is thread-safe: whoever holds a Database serializes access to it (the store
// holds its writer under one lock, each reader under its own).
#ifndef ZFLEET_CONTROLLER_STORE_SQLITE_H_
#define ZFLEET_CONTROLLER_STORE_SQLITE_H_

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace zfleet::controller {

// Returns the first few words of `sql` (whitespace collapsed), for error messages.
std::string SqlSummary(absl::string_view sql);

// True for the error of a write the disk had no room for (the only ResourceExhausted a
// Database returns).
bool IsDiskFull(const absl::Status& status);

class StatementCache;

// One prepared statement. Movable, not copyable; returned to its Database's cache on
// destruction (finalized when the Database is gone).
// Parameter and column indexes follow SQLite: parameters start at 1, columns at 0.
class Statement {
 public:
  Statement() = default;
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Binders return *this so a statement's parameters read as one chain. A failed bind
  // (bad index, out of memory) is remembered and returned by the next Step(), so callers
  // check once instead of after every parameter.
  Statement& BindInt64(int index, int64_t value);
  Statement& BindDouble(int index, double value);
  Statement& BindText(int index, absl::string_view value);  // copied by SQLite
  Statement& BindBlob(int index, absl::string_view bytes);  // copied by SQLite
  Statement& BindNull(int index);

  // Advances the statement: true when a row is available through the Column accessors,
  // false when the statement has finished. Returns the first bind error if any, else
  // Internal with SQLite's message on an execution error.
  absl::StatusOr<bool> Step();

  // Steps a statement that must not return rows (INSERT, UPDATE, DDL) to completion.
  // Returns Internal if it yields a row.
  absl::Status Run();

  // Column accessors for the current row. REQUIRES: the last Step() returned true.
  bool ColumnIsNull(int column) const;
  int64_t ColumnInt64(int column) const;
  double ColumnDouble(int column) const;
  std::string ColumnText(int column) const;  // "" for NULL
  std::string ColumnBlob(int column) const;  // "" for NULL

  // Makes the statement runnable again and clears its bindings and any remembered bind
  // error, so a cached statement never leaks values from its previous use.
  void Reset();

 private:
  friend class Database;
  Statement(sqlite3_stmt* stmt, std::string sql, std::shared_ptr<StatementCache> cache);
  Statement& CheckBind(int rc, int index);
  // The first words of the statement's SQL, for error context.
  std::string Summary() const;
  // Gives the statement back to the cache (or finalizes it); leaves this one empty.
  void Release();

  sqlite3_stmt* stmt_ = nullptr;
  std::string sql_;                        // the text it was prepared from: the cache's key
  std::shared_ptr<StatementCache> cache_;  // null: finalized on release
  absl::Status bind_status_;
};

// One SQLite connection. Movable, not copyable; closed on destruction (Statements still
// alive then are finalized when they go).
class Database {
 public:
  Database() = default;
  Database(Database&& other) noexcept;
  Database& operator=(Database&& other) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  enum class Mode {
    kReadWrite,  // creates the file if needed
    kReadOnly,   // the file must exist; every write through the connection fails
  };

  // Opens the database at `path` in `mode`; ":memory:" opens a private in-memory database.
  // Returns Internal with SQLite's message when the file cannot be opened (e.g. its
  // directory does not exist, or a read-only open finds no file). A file that is not a
  // database opens; the first statement then fails.
  static absl::StatusOr<Database> Open(const std::string& path, Mode mode = Mode::kReadWrite);

  // Runs one or more ';'-separated statements that take no parameters (DDL, PRAGMAs,
  // BEGIN/COMMIT). Never use it with values from outside: use Prepare and bind instead.
  absl::Status Exec(absl::string_view sql);

  // Prepares one statement, or takes an idle one prepared from the same text. Returns
  // Internal with SQLite's message on a syntax error.
  absl::StatusOr<Statement> Prepare(absl::string_view sql);

  // Rowid of the last successful INSERT on this connection.
  int64_t LastInsertRowId() const;
  // Rows changed by the last INSERT, UPDATE or DELETE.
  int64_t Changes() const;
  // True when no transaction is open (SQLite's autocommit mode).
  bool InAutocommit() const;
  // The database file's absolute path; "" for an in-memory database.
  std::string path() const;

  sqlite3* get() const { return db_; }

 private:
  explicit Database(sqlite3* db);
  void Close();

  sqlite3* db_ = nullptr;
  std::shared_ptr<StatementCache> cache_;
};

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_STORE_SQLITE_H_
