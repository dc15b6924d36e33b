#include "controller/store/sqlite.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace zfleet::controller {
namespace {

using ::testing::HasSubstr;

class SqliteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<Database> db = Database::Open(":memory:");
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    ASSERT_TRUE(db_.Exec("CREATE TABLE t (i INTEGER, d REAL, s TEXT, b BLOB)").ok());
  }

  Database db_;
};

TEST_F(SqliteTest, BindsAndReadsEveryType) {
  absl::StatusOr<Statement> insert = db_.Prepare("INSERT INTO t VALUES (?1, ?2, ?3, ?4)");
  ASSERT_TRUE(insert.ok()) << insert.status();
  const std::string blob("a\0b", 3);
  insert->BindInt64(1, -(int64_t{1} << 62))
      .BindDouble(2, 2.5)
      .BindText(3, "héllo")
      .BindBlob(4, blob);
  ASSERT_TRUE(insert->Run().ok());
  EXPECT_EQ(db_.Changes(), 1);
  EXPECT_EQ(db_.LastInsertRowId(), 1);

  // Reset clears the bindings: the second row is all NULL except an empty blob.
  insert->Reset();
  insert->BindBlob(4, "");
  ASSERT_TRUE(insert->Run().ok());

  absl::StatusOr<Statement> select =
      db_.Prepare("SELECT i, d, s, b, typeof(b) FROM t ORDER BY rowid");
  ASSERT_TRUE(select.ok()) << select.status();
  ASSERT_TRUE(*select->Step());
  EXPECT_EQ(select->ColumnInt64(0), -(int64_t{1} << 62));
  EXPECT_DOUBLE_EQ(select->ColumnDouble(1), 2.5);
  EXPECT_EQ(select->ColumnText(2), "héllo");
  EXPECT_EQ(select->ColumnBlob(3), blob);
  ASSERT_TRUE(*select->Step());
  EXPECT_TRUE(select->ColumnIsNull(0));
  EXPECT_TRUE(select->ColumnIsNull(2));
  EXPECT_EQ(select->ColumnText(2), "");
  EXPECT_FALSE(select->ColumnIsNull(3));
  EXPECT_EQ(select->ColumnText(4), "blob");
  EXPECT_FALSE(*select->Step());
}

TEST_F(SqliteTest, BindErrorIsReportedByStep) {
  absl::StatusOr<Statement> insert = db_.Prepare("INSERT INTO t (i) VALUES (?1)");
  ASSERT_TRUE(insert.ok()) << insert.status();
  insert->BindInt64(5, 1).BindInt64(1, 1);
  absl::StatusOr<bool> step = insert->Step();
  EXPECT_EQ(step.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(step.status().message(), HasSubstr("parameter 5"));
  EXPECT_THAT(step.status().message(), HasSubstr("INSERT INTO t (i)"));
}

TEST_F(SqliteTest, ErrorsNameTheStatementAndSqlitesMessage) {
  absl::StatusOr<Statement> bad = db_.Prepare("SELECT nope FROM t WHERE 1");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(bad.status().message(), HasSubstr("SELECT nope FROM t"));
  EXPECT_THAT(bad.status().message(), HasSubstr("no such column: nope"));

  absl::Status exec = db_.Exec("CREATE TABLE t (x)");
  EXPECT_THAT(exec.message(), HasSubstr("already exists"));

  ASSERT_TRUE(db_.Exec("CREATE TABLE u (k TEXT PRIMARY KEY)").ok());
  ASSERT_TRUE(db_.Exec("INSERT INTO u VALUES ('a')").ok());
  absl::StatusOr<Statement> dup = db_.Prepare("INSERT INTO u VALUES (?1)");
  ASSERT_TRUE(dup.ok());
  dup->BindText(1, "a");
  absl::Status run = dup->Run();
  EXPECT_EQ(run.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(run.message(), HasSubstr("UNIQUE constraint failed"));
}

TEST_F(SqliteTest, RunRefusesAStatementThatReturnsRows) {
  absl::StatusOr<Statement> select = db_.Prepare("SELECT 1");
  ASSERT_TRUE(select.ok());
  EXPECT_EQ(select->Run().code(), absl::StatusCode::kInternal);
}

TEST_F(SqliteTest, AutocommitTracksTransactions) {
  EXPECT_TRUE(db_.InAutocommit());
  ASSERT_TRUE(db_.Exec("BEGIN").ok());
  EXPECT_FALSE(db_.InAutocommit());
  ASSERT_TRUE(db_.Exec("ROLLBACK").ok());
  EXPECT_TRUE(db_.InAutocommit());
}

// A statement given back is reused by the next Prepare of the same text, reset and without
// its old bindings; one still in use is not handed out twice.
TEST_F(SqliteTest, PreparedStatementsAreReusedClean) {
  constexpr char kSelect[] = "SELECT ?1, ?2";
  sqlite3_stmt* first = nullptr;
  {
    absl::StatusOr<Statement> stmt = db_.Prepare(kSelect);
    ASSERT_TRUE(stmt.ok()) << stmt.status();
    stmt->BindInt64(1, 7).BindText(2, "left over");
    ASSERT_TRUE(*stmt->Step());  // abandoned mid-result: the cache resets it
    first = sqlite3_next_stmt(db_.get(), nullptr);
  }
  absl::StatusOr<Statement> again = db_.Prepare(kSelect);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(sqlite3_next_stmt(db_.get(), nullptr), first);  // the same one, not a new one
  EXPECT_EQ(sqlite3_next_stmt(db_.get(), first), nullptr);
  ASSERT_TRUE(*again->Step());
  EXPECT_TRUE(again->ColumnIsNull(0));  // bindings cleared
  EXPECT_TRUE(again->ColumnIsNull(1));
  absl::StatusOr<Statement> second = db_.Prepare(kSelect);  // `again` is still in use
  ASSERT_TRUE(second.ok()) << second.status();
  second->BindInt64(1, 3);
  ASSERT_TRUE(*second->Step());
  EXPECT_EQ(second->ColumnInt64(0), 3);
  EXPECT_TRUE(again->ColumnIsNull(0));
}

// A statement reset by the cache holds no read: a writer on another connection is not
// blocked by a query someone abandoned.
TEST(SqliteFileTest, AnAbandonedQueryReleasesItsRead) {
  testing::TempDir dir;
  const std::string path = dir.File("t.db");
  absl::StatusOr<Database> reader = Database::Open(path);
  absl::StatusOr<Database> writer = Database::Open(path);
  ASSERT_TRUE(reader.ok() && writer.ok());
  ASSERT_TRUE(reader->Exec("CREATE TABLE t (i INTEGER); INSERT INTO t VALUES (1), (2);").ok());
  {
    absl::StatusOr<Statement> select = reader->Prepare("SELECT i FROM t");
    ASSERT_TRUE(select.ok());
    ASSERT_TRUE(*select->Step());  // a read lock is held from here …
  }  // … until the statement goes back to the cache
  EXPECT_TRUE(writer->Exec("PRAGMA busy_timeout = 0; INSERT INTO t VALUES (3)").ok());
}

// Statements may outlive their Database (close_v2 waits for them); they finalize themselves.
TEST(SqliteLifetimeTest, StatementsOutlivingTheirDatabase) {
  absl::StatusOr<Statement> stmt;
  {
    absl::StatusOr<Database> db = Database::Open(":memory:");
    ASSERT_TRUE(db.ok());
    stmt = db->Prepare("SELECT 1");
    ASSERT_TRUE(stmt.ok());
    Database moved = *std::move(db);  // the cache moves along; `stmt` still returns to it
    absl::StatusOr<Statement> other = moved.Prepare("SELECT 2");
    ASSERT_TRUE(other.ok());
  }
  ASSERT_TRUE(*stmt->Step());
  EXPECT_EQ(stmt->ColumnInt64(0), 1);
}

TEST(SqlSummaryTest, KeepsTheFirstWords) {
  EXPECT_EQ(SqlSummary("  SELECT a,\n  b FROM t WHERE x"), "SELECT a, b FROM …");
  EXPECT_EQ(SqlSummary("COMMIT"), "COMMIT");
  EXPECT_EQ(SqlSummary(""), "");
}

}  // namespace
}  // namespace zfleet::controller
