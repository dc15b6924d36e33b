// Readers beside the writer (Store::OpenReader, ReaderPool): what they refuse to open, that
// they cannot write, that they see what the writer committed and only that, and that a read
// transaction keeps one snapshot while the writer commits. Single-threaded: two connections
// to one file; the threaded proof is tests/controller/service/store_readers_test.cc.
#include "controller/store/reader_pool.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "controller/store/sqlite.h"
#include "controller/store/store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/controller/store/store_fixtures.h"
#include "tests/testing/pool_builders.h"
#include "tests/testing/temp_dir.h"

namespace zfleet::controller {
namespace {

using ::testing::HasSubstr;
using ::zfleet::testing::TempDir;

const absl::Time kReaderT0 = absl::FromUnixSeconds(1'700'000'000);

absl::Status AddHost(Store& store, const std::string& host) {
  return store.hosts().Upsert(host, "inst-1", v1::HostInfo(), "", kReaderT0);
}

// How many hosts `store` lists; -1 on an error.
int HostCount(Store& store) {
  absl::StatusOr<std::vector<HostRecord>> hosts = store.hosts().List();
  return hosts.ok() ? static_cast<int>(hosts->size()) : -1;
}

// How many hosts a read of `pool` lists, in a read of its own; -1 on an error.
int HostCountRead(ReaderPool& pool) {
  int seen = -1;
  const absl::Status read = pool.Read([&](Store& reader) -> absl::Status {
    seen = HostCount(reader);
    return absl::OkStatus();
  });
  return read.ok() ? seen : -1;
}

class ReaderPoolTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(OpenStore(dir_.File("z.db"), &writer_)); }

  TempDir dir_;
  std::unique_ptr<Store> writer_;
};

TEST(StoreReaderTest, AnInMemoryStoreHasNoReaders) {
  absl::StatusOr<std::unique_ptr<Store>> reader = Store::OpenReader(":memory:");
  EXPECT_EQ(reader.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ReaderPool::Open(":memory:", 2).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(StoreReaderTest, AReaderCreatesNoFile) {
  TempDir dir;
  EXPECT_FALSE(Store::OpenReader(dir.File("none.db")).ok());
  EXPECT_EQ(testing::ReadFile(dir.File("none.db")), "");
}

TEST(StoreReaderTest, AReaderRefusesASchemaItDoesNotRead) {
  TempDir dir;
  {  // a database no writer of this binary has migrated: version 0
    absl::StatusOr<Database> db = Database::Open(dir.File("old.db"));
    ASSERT_TRUE(db.ok()) << db.status();
    ASSERT_TRUE(db->Exec("CREATE TABLE t (x INTEGER)").ok());
  }
  absl::StatusOr<std::unique_ptr<Store>> reader = Store::OpenReader(dir.File("old.db"));
  EXPECT_EQ(reader.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(reader.status().message(), HasSubstr("schema version 0"));
}

TEST_F(ReaderPoolTest, AReaderCannotWrite) {
  absl::StatusOr<std::unique_ptr<Store>> reader = Store::OpenReader(dir_.File("z.db"));
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_FALSE(AddHost(**reader, "nas1").ok());
  EXPECT_EQ(HostCount(*writer_), 0);
}

TEST_F(ReaderPoolTest, ReadsSeeWhatTheWriterCommittedAndNothingUncommitted) {
  absl::StatusOr<std::unique_ptr<ReaderPool>> pool = ReaderPool::Open(dir_.File("z.db"), 2);
  ASSERT_TRUE(pool.ok()) << pool.status();
  ASSERT_TRUE(AddHost(*writer_, "nas1").ok());
  // The writer inside a transaction it has not committed: a reader neither waits for it nor
  // sees its writes.
  absl::Status written = writer_->RunInTransaction([&]() -> absl::Status {
    if (absl::Status s = AddHost(*writer_, "nas2"); !s.ok()) return s;
    int seen = -1;
    absl::Status read = (*pool)->Read([&](Store& reader) -> absl::Status {
      seen = HostCount(reader);
      return absl::OkStatus();
    });
    EXPECT_TRUE(read.ok()) << read;
    EXPECT_EQ(seen, 1);
    return absl::OkStatus();
  });
  ASSERT_TRUE(written.ok()) << written;
  for (int i = 0; i < 2; ++i) {  // each reader, whichever Read takes
    EXPECT_EQ(HostCountRead(**pool), 2);
  }
}

TEST_F(ReaderPoolTest, OneReadKeepsOneSnapshotWhileTheWriterCommits) {
  absl::StatusOr<std::unique_ptr<ReaderPool>> pool = ReaderPool::Open(dir_.File("z.db"), 1);
  ASSERT_TRUE(pool.ok()) << pool.status();
  ASSERT_TRUE(AddHost(*writer_, "nas1").ok());
  int before = -1, after = -1;
  absl::Status read = (*pool)->Read([&](Store& reader) -> absl::Status {
    before = HostCount(reader);
    // Committed in the middle of the read: its second statement still sees the first's
    // snapshot, so a multi-statement answer never mixes two states of the store.
    EXPECT_TRUE(AddHost(*writer_, "nas2").ok());
    after = HostCount(reader);
    return absl::OkStatus();
  });
  ASSERT_TRUE(read.ok()) << read;
  EXPECT_EQ(before, 1);
  EXPECT_EQ(after, 1);
  EXPECT_EQ(HostCountRead(**pool), 2);
}

TEST_F(ReaderPoolTest, AFailedReadEndsItsTransaction) {
  absl::StatusOr<std::unique_ptr<ReaderPool>> pool = ReaderPool::Open(dir_.File("z.db"), 1);
  ASSERT_TRUE(pool.ok()) << pool.status();
  EXPECT_EQ((*pool)->Read([](Store&) { return absl::NotFoundError("gone"); }).code(),
            absl::StatusCode::kNotFound);
  // A transaction left open would pin the old snapshot.
  ASSERT_TRUE(AddHost(*writer_, "nas1").ok());
  EXPECT_EQ(HostCountRead(**pool), 1);
}

}  // namespace
}  // namespace zfleet::controller
