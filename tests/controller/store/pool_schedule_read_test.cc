// PoolStatusTable::ForEachPoolSchedule, what the scheduler reads of every pool: from narrow
// columns it says what the snapshot's blob says, and a pool whose columns are missing (stored
// before schema version 11, or its disk classes before version 2) is read from its blob.
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
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

using ::testing::ElementsAre;
using ::testing::Optional;

const absl::Time kScheduleReadT0 = absl::FromUnixSeconds(1'700'200'000);

// Every field the scheduler reads, to compare rows whole.
std::string Describe(const PoolScheduleRow& r) {
  auto bytes = [](const std::optional<uint64_t>& v) {
    return v.has_value() ? std::to_string(*v) : std::string("-");
  };
  std::string classes;
  for (const std::string& c : r.disk_classes) classes += c + ";";
  return absl::StrCat(r.host_id, "/", r.pool, " first_seen=", absl::ToUnixSeconds(r.first_seen),
                      " state=", r.state, " scan=", r.scan_function, ":", r.scan_state, ":",
                      r.percent_done, " allocated=", bytes(r.allocated_bytes),
                      " size=", bytes(r.size_bytes), " classes=", classes);
}

// A pool of a sata and a sas disk, a cache SSD and a spare (neither of which a scrub reads),
// half way through a scrub, with both sizes known.
v1::Pool MixedScrubbing(const std::string& name) {
  v1::Pool pool = testing::MirrorPool(
      name, "ONLINE",
      {testing::ClassedLeaf("sda", "data", "sata"), testing::ClassedLeaf("sdb", "data", "sas")});
  v1::Vdev* cache = pool.add_vdevs();
  *cache = testing::ClassedLeaf("nvme0n1", "cache", "nvme");
  v1::Vdev* spare = pool.add_vdevs();
  *spare = testing::ClassedLeaf("sdz", "spare", "fc");
  pool.mutable_scan()->set_function("scrub");
  pool.mutable_scan()->set_state("scanning");
  pool.mutable_scan()->set_percent_done(42.5);
  pool.set_size_bytes(8'000'000'000'000);
  pool.set_allocated_bytes(3'000'000'000'000);
  return pool;
}

// A pool whose zpool said no size and ran no scan, its disks unclassified.
v1::Pool Bare(const std::string& name) {
  return testing::MirrorPool(name, "DEGRADED",
                             {testing::ClassedLeaf("sdc", "data", ""),
                              testing::ClassedLeaf("sdd", "data", "", "FAULTED")});
}

class PoolScheduleReadTest : public ::testing::Test {
 protected:
  void Open(const std::string& path) {
    ASSERT_NO_FATAL_FAILURE(OpenStore(path, &store_));
    ASSERT_TRUE(store_->hosts().Upsert("nas2", "i", v1::HostInfo(), "", kScheduleReadT0).ok());
    ASSERT_TRUE(store_->hosts().Upsert("nas1", "i", v1::HostInfo(), "", kScheduleReadT0).ok());
    v1::Pool sized = Bare("small");
    sized.set_size_bytes(500);  // no allocated bytes: only the size is known
    for (const auto& [host, pool] :
         std::vector<std::pair<std::string, v1::Pool>>{{"nas2", MixedScrubbing("tank")},
                                                       {"nas1", Bare("backup")},
                                                       {"nas1", sized},
                                                       {"nas1", MixedScrubbing("tank")}}) {
      ASSERT_TRUE(store_->pools().Record(host, pool, kScheduleReadT0).ok());
    }
  }

  std::vector<std::string> Read() {
    std::vector<std::string> rows;
    const absl::Status read =
        store_->pool_status().ForEachPoolSchedule([&](const PoolScheduleRow& row) -> absl::Status {
          rows.push_back(Describe(row));
          return absl::OkStatus();
        });
    EXPECT_TRUE(read.ok()) << read;
    return rows;
  }

  std::unique_ptr<Store> store_;
};

TEST_F(PoolScheduleReadTest, ColumnsSayWhatTheSnapshotSaysInHostThenPoolOrder) {
  ASSERT_NO_FATAL_FAILURE(Open(":memory:"));
  EXPECT_THAT(
      Read(),
      ElementsAre(
          "nas1/backup first_seen=1700200000 state=DEGRADED scan=::0 allocated=- size=- classes=",
          "nas1/small first_seen=1700200000 state=DEGRADED scan=::0 allocated=- size=500 "
          "classes=",
          "nas1/tank first_seen=1700200000 state=ONLINE scan=scrub:scanning:42.5 "
          "allocated=3000000000000 size=8000000000000 classes=sas;sata;",
          "nas2/tank first_seen=1700200000 state=ONLINE scan=scrub:scanning:42.5 "
          "allocated=3000000000000 size=8000000000000 classes=sas;sata;"));
}

TEST_F(PoolScheduleReadTest, PoolsWithoutColumnsAreReadFromTheirSnapshot) {
  testing::TempDir dir;
  const std::string path = dir.File("schedule.db");
  ASSERT_NO_FATAL_FAILURE(Open(path));
  const std::vector<std::string> from_columns = Read();
  absl::StatusOr<Database> db = Database::Open(path);
  ASSERT_TRUE(db.ok()) << db.status();
  // As a pool last stored before schema version 11 is.
  ASSERT_TRUE(db->Exec("DELETE FROM pool_status WHERE pool_id IN "
                       "(SELECT id FROM pools WHERE name IN ('tank', 'small'))")
                  .ok());
  EXPECT_EQ(Read(), from_columns);
  // As one whose disk classes were stored before version 2.
  ASSERT_TRUE(db->Exec("UPDATE pools SET disk_classes = NULL").ok());
  EXPECT_EQ(Read(), from_columns);
}

TEST_F(PoolScheduleReadTest, StopsAtTheVisitorsFirstError) {
  ASSERT_NO_FATAL_FAILURE(Open(":memory:"));
  int visited = 0;
  const absl::Status read =
      store_->pool_status().ForEachPoolSchedule([&](const PoolScheduleRow&) -> absl::Status {
        ++visited;
        return absl::CancelledError("enough");
      });
  EXPECT_EQ(read.code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(visited, 1);
}

// Version 11 added the sizes and dropped the rows written without them: until a pool's next
// stored report writes its row, its sizes come from its blob.
TEST(StoreOpenTest, Version10StatusRowsAreDroppedAndSizesReadFromTheBlob) {
  testing::TempDir dir;
  const std::string path = dir.File("v10.db");
  v1::Pool pool = MixedScrubbing("tank");
  {
    absl::StatusOr<Database> db = DatabaseAtVersion(path, 10);
    ASSERT_TRUE(db.ok()) << db.status();
    ASSERT_TRUE(db->Exec(R"sql(
      INSERT INTO hosts (id, name, instance_id, first_seen, last_seen, info)
        VALUES (1, 'nas1', 'i', 1, 1, X'');
      INSERT INTO pools (id, host_id, name, first_seen, last_seen, changed_at, disk_classes)
        VALUES (1, 1, 'tank', 1, 1, 1, 'sas,sata');
      INSERT INTO pool_status (pool_id, state, scan_function, scan_state, status_text,
                               noisy_vdevs)
        VALUES (1, 'ONLINE', 'scrub', 'scanning', '', '');)sql")
                    .ok());
    absl::StatusOr<Statement> snapshot = db->Prepare(R"sql(
      INSERT INTO pool_snapshots (id, pool_id, taken_at, state, scan_function, scan_state, pool)
        VALUES (1, 1, 1, 'ONLINE', 'scrub', 'scanning', ?1))sql");
    ASSERT_TRUE(snapshot.ok()) << snapshot.status();
    snapshot->BindBlob(1, pool.SerializeAsString());
    ASSERT_TRUE(snapshot->Run().ok());
    ASSERT_TRUE(db->Exec("UPDATE pools SET last_snapshot_id = 1").ok());
  }
  absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(path);
  ASSERT_TRUE(store.ok()) << store.status();
  std::vector<PoolScheduleRow> rows;
  ASSERT_TRUE((*store)
                  ->pool_status()
                  .ForEachPoolSchedule([&](const PoolScheduleRow& row) -> absl::Status {
                    rows.push_back(row);
                    return absl::OkStatus();
                  })
                  .ok());
  ASSERT_EQ(rows.size(), 1u);
  absl::StatusOr<Database> db = Database::Open(path);
  ASSERT_TRUE(db.ok()) << db.status();
  absl::StatusOr<Statement> kept = db->Prepare("SELECT count(*) FROM pool_status");
  ASSERT_TRUE(kept.ok()) << kept.status();
  ASSERT_TRUE(*kept->Step());
  EXPECT_EQ(kept->ColumnInt64(0), 0);  // dropped: the row said nothing of the sizes
  EXPECT_THAT(rows[0].allocated_bytes, Optional(3'000'000'000'000u));
  EXPECT_THAT(rows[0].size_bytes, Optional(8'000'000'000'000u));
  EXPECT_DOUBLE_EQ(rows[0].percent_done, 42.5);
  EXPECT_THAT(rows[0].disk_classes, ElementsAre("sas", "sata"));
}

}  // namespace
}  // namespace zfleet::controller
