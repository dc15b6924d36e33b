#include "controller/store/schema.h"

#include "controller/store/sqlite.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace zfleet::controller {
namespace {

using ::testing::HasSubstr;

constexpr const char* kTwo[] = {
    "CREATE TABLE a (x INTEGER)",
    "CREATE TABLE b (y INTEGER); INSERT INTO a VALUES (1)",
};

Database OpenMemory() {
  absl::StatusOr<Database> db = Database::Open(":memory:");
  EXPECT_TRUE(db.ok()) << db.status();
  return *std::move(db);
}

int64_t CountTables(Database& db) {
  absl::StatusOr<Statement> stmt =
      db.Prepare("SELECT count(*) FROM sqlite_schema WHERE type = 'table'");
  EXPECT_TRUE(stmt.ok()) << stmt.status();
  EXPECT_TRUE(*stmt->Step());
  return stmt->ColumnInt64(0);
}

TEST(StoreSchemaTest, AppliesMissingMigrationsOnce) {
  Database db = OpenMemory();
  ASSERT_TRUE(MigrateSchema(db, absl::MakeSpan(kTwo, 1)).ok());
  EXPECT_EQ(*SchemaVersion(db), 1);
  EXPECT_EQ(CountTables(db), 1);

  ASSERT_TRUE(MigrateSchema(db, kTwo).ok());
  EXPECT_EQ(*SchemaVersion(db), 2);
  EXPECT_EQ(CountTables(db), 2);

  // Up to date: nothing runs again (a second INSERT would make two rows).
  ASSERT_TRUE(MigrateSchema(db, kTwo).ok());
  absl::StatusOr<Statement> rows = db.Prepare("SELECT count(*) FROM a");
  ASSERT_TRUE(rows.ok());
  ASSERT_TRUE(*rows->Step());
  EXPECT_EQ(rows->ColumnInt64(0), 1);
}

TEST(StoreSchemaTest, NewerDatabaseIsFailedPrecondition) {
  Database db = OpenMemory();
  ASSERT_TRUE(MigrateSchema(db, kTwo).ok());
  absl::Status status = MigrateSchema(db, absl::MakeSpan(kTwo, 1));
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("version 2"));
  EXPECT_EQ(*SchemaVersion(db), 2);
}

TEST(StoreSchemaTest, FailedMigrationAppliesNothing) {
  constexpr const char* kBroken[] = {"CREATE TABLE a (x)", "CREATE TABLE b (y); BOGUS"};
  Database db = OpenMemory();
  absl::Status status = MigrateSchema(db, kBroken);
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(status.message(), HasSubstr("version 2"));
  EXPECT_EQ(*SchemaVersion(db), 0);
  EXPECT_EQ(CountTables(db), 0);
  EXPECT_TRUE(db.InAutocommit());
}

TEST(StoreSchemaTest, StoreMigrationsApplyCleanly) {
  Database db = OpenMemory();
  ASSERT_TRUE(db.Exec("PRAGMA foreign_keys = ON").ok());
  ASSERT_TRUE(MigrateSchema(db, StoreMigrations()).ok());
  EXPECT_EQ(*SchemaVersion(db), static_cast<int>(StoreMigrations().size()));
  EXPECT_EQ(CountTables(db), 18);  // with SQLite's sqlite_sequence (AUTOINCREMENT)
}

}  // namespace
}  // namespace zfleet::controller
