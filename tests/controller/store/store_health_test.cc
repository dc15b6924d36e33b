// A full disk: SQLite's SQLITE_FULL as ResourceExhausted naming the file, and StoreHealth's
// flag, count and log lines (one when found full, then at most one a minute, one when space
// returns).
#include "controller/store/store_health.h"

#include <algorithm>
#include <memory>
#include <sstream>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/log.h"
#include "controller/store/sqlite.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/log_capture.h"
#include "tests/testing/temp_dir.h"

namespace zfleet::controller {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

const absl::Time kT0 = absl::FromUnixSeconds(1'700'000'000);

TEST(SqliteDiskFullTest, AFullDatabaseIsResourceExhaustedNamingTheFile) {
  testing::TempDir dir;
  const std::string path = dir.File("full.db");
  absl::StatusOr<Database> db = Database::Open(path);
  ASSERT_TRUE(db.ok()) << db.status();
  EXPECT_EQ(db->path(), path);
  ASSERT_TRUE(db->Exec("CREATE TABLE t (b BLOB)").ok());
  // SQLite answers SQLITE_FULL once the file would pass max_page_count, as on a full disk.
  ASSERT_TRUE(db->Exec("PRAGMA max_page_count = 8").ok());
  absl::Status status;
  for (int i = 0; i < 100 && status.ok(); ++i) {
    absl::StatusOr<Statement> insert = db->Prepare("INSERT INTO t VALUES (zeroblob(4000))");
    ASSERT_TRUE(insert.ok()) << insert.status();
    status = insert->Run();
  }
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted) << status;
  EXPECT_THAT(std::string(status.message()),
              StartsWith("controller database disk is full (" + path + "): "));
  EXPECT_THAT(std::string(status.message()), HasSubstr("INSERT INTO t"));
  EXPECT_TRUE(IsDiskFull(status));

  absl::Status other = db->Exec("SELECT nonsense FROM nowhere");
  EXPECT_EQ(other.code(), absl::StatusCode::kInternal);
  EXPECT_FALSE(IsDiskFull(other));
  EXPECT_FALSE(IsDiskFull(absl::OkStatus()));

  absl::StatusOr<Database> memory = Database::Open(":memory:");
  ASSERT_TRUE(memory.ok());
  EXPECT_EQ(memory->path(), "");
}

TEST(StoreHealthTest, OneLineWhenFullThenAMinuteApartThenOneWhenSpaceReturns) {
  zfleet::testing::LogCapture log;
  StoreHealth health("/var/lib/zfleet/zfleet.db");
  const absl::Status full = absl::ResourceExhaustedError(
      "controller database disk is full (/var/lib/zfleet/zfleet.db): sqlite (COMMIT): "
      "database or disk is full [code 13]");
  health.Observe(absl::OkStatus(), kT0);
  EXPECT_FALSE(health.disk_full());
  EXPECT_EQ(log.lines(), 0);

  health.Observe(full, kT0);
  EXPECT_TRUE(health.disk_full());
  EXPECT_EQ(health.disk_full_errors(), 1);
  ASSERT_EQ(log.lines(), 1);
  EXPECT_THAT(log.text(),
              HasSubstr("controller database disk is full (/var/lib/zfleet/zfleet.db): "));
  EXPECT_THAT(log.text(), HasSubstr("database or disk is full [code 13]"));

  // A report every half second for the rest of the minute, and the tick: no more lines.
  for (int i = 1; i < 120; ++i) health.Observe(full, kT0 + absl::Milliseconds(500 * i));
  health.ObserveFailure(full, kT0 + absl::Seconds(30));
  // Neither an error of another kind nor a tick that had nothing to write says anything
  // about space.
  health.Observe(absl::InternalError("sqlite: malformed"), kT0 + absl::Seconds(31));
  health.ObserveFailure(absl::OkStatus(), kT0 + absl::Seconds(32));
  EXPECT_TRUE(health.disk_full());
  EXPECT_EQ(health.disk_full_errors(), 121);
  EXPECT_EQ(log.lines(), 1);

  health.Observe(full, kT0 + absl::Seconds(60));
  ASSERT_EQ(log.lines(), 2);
  EXPECT_THAT(log.text(),
              HasSubstr("disk is still full (/var/lib/zfleet/zfleet.db): 121 writes refused"));

  health.Observe(absl::OkStatus(), kT0 + absl::Seconds(70));
  EXPECT_FALSE(health.disk_full());
  EXPECT_EQ(health.disk_full_errors(), 122);  // the count never goes down
  ASSERT_EQ(log.lines(), 3);
  EXPECT_THAT(log.text(), HasSubstr("has space again (/var/lib/zfleet/zfleet.db): 122 writes"));

  // Full again within the minute of that line: counted at once, said a minute later.
  health.Observe(full, kT0 + absl::Seconds(80));
  EXPECT_TRUE(health.disk_full());
  EXPECT_EQ(log.lines(), 3);
  health.Observe(full, kT0 + absl::Seconds(131));
  EXPECT_EQ(log.lines(), 4);
}

TEST(StoreHealthTest, TheRefusalNamesTheDatabase) {
  StoreHealth health("/data/zfleet.db");
  const absl::Status refusal = health.DiskFullError();
  EXPECT_EQ(refusal.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(refusal.message(), "controller database disk is full (/data/zfleet.db)");
}

}  // namespace
}  // namespace zfleet::controller
