// Store history: per-leaf counter samples, pool changes, disks, and retention thinning on
// fake times.
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "controller/store/sqlite.h"
#include "controller/store/store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/enum_names.h"
#include "tests/controller/store/store_fixtures.h"
#include "tests/testing/temp_dir.h"

namespace zfleet::controller {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// Midnight UTC, so day boundaries in the thinning tests are easy to read.
const absl::Time kDay0 = absl::FromUnixSeconds(1'700'006'400);
const absl::Time kHistoryT0 = kDay0 + absl::Hours(1);

v1::Pool SlottedTank(uint64_t sdb_cksum = 0, const std::string& state = "ONLINE") {
  v1::Pool pool = TwoDiskTank(sdb_cksum, state);
  v1::Vdev& mirror = *pool.mutable_vdevs(0);
  mirror.mutable_children(0)->mutable_disk()->set_enclosure_slot("3");
  mirror.mutable_children(1)->mutable_disk()->set_model("ST4000VN008");
  mirror.mutable_children(1)->mutable_disk()->set_enclosure_slot("4");
  return pool;
}

// Scanning at `percent`: differs from other percents only in progress, not in health.
v1::Pool Scrubbing(double percent, const std::string& state = "ONLINE") {
  v1::Pool pool = SlottedTank(0, state);
  pool.mutable_scan()->set_function("scrub");
  pool.mutable_scan()->set_state("scanning");
  pool.mutable_scan()->set_percent_done(percent);
  return pool;
}

// A scrub at `percent` whose report also differs in a material fact the change summary
// does not describe (zpool's action text), so that every record keeps its own row: progress
// alone only refreshes the latest snapshot.
v1::Pool Reworded(double percent, const std::string& state = "ONLINE") {
  v1::Pool pool = Scrubbing(percent, state);
  pool.set_action(absl::StrCat("step ", percent));
  return pool;
}

// After a scrub that found `sdb_cksum` errors.
v1::Pool Scrubbed(uint64_t sdb_cksum, const std::string& state = "ONLINE") {
  v1::Pool pool = SlottedTank(sdb_cksum, state);
  pool.mutable_scan()->set_function("scrub");
  pool.mutable_scan()->set_state("finished");
  return pool;
}

class StoreHistoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.File("zfleet.db");
    ASSERT_NO_FATAL_FAILURE(OpenStore(path_, &store_));
    ASSERT_TRUE(store_->hosts().Upsert("nas1", "i", v1::HostInfo(), "", kDay0).ok());
  }
  void Record(const v1::Pool& pool, absl::Time t) {
    auto write = store_->pools().Record("nas1", pool, t);
    ASSERT_TRUE(write.ok()) << write.status();
  }
  int64_t Count(const std::string& table) {
    absl::StatusOr<Database> db = Database::Open(path_);
    EXPECT_TRUE(db.ok());
    absl::StatusOr<Statement> stmt = db->Prepare("SELECT COUNT(*) FROM " + table);
    EXPECT_TRUE(stmt.ok());
    EXPECT_TRUE(*stmt->Step());
    return stmt->ColumnInt64(0);
  }
  // Snapshot times, in hours after kDay0, read on a second connection.
  std::vector<int64_t> SnapshotHours() {
    absl::StatusOr<Database> db = Database::Open(path_);
    EXPECT_TRUE(db.ok());
    absl::StatusOr<Statement> stmt =
        db->Prepare("SELECT taken_at FROM pool_snapshots ORDER BY taken_at");
    EXPECT_TRUE(stmt.ok());
    std::vector<int64_t> hours;
    while (*stmt->Step()) {
      hours.push_back((stmt->ColumnInt64(0) - absl::ToUnixSeconds(kDay0)) / 3600);
    }
    return hours;
  }

  testing::TempDir dir_;
  std::string path_;
  std::unique_ptr<Store> store_;
};

std::vector<uint64_t> Checksums(const std::vector<v1::CounterSample>& samples) {
  std::vector<uint64_t> out;
  for (const auto& s : samples) out.push_back(s.checksum_errors());
  return out;
}

TEST_F(StoreHistoryTest, CounterSamplesOnlyWhenALeafChanges) {
  Record(SlottedTank(0), kHistoryT0);
  Record(SlottedTank(0), kHistoryT0 + absl::Minutes(1));  // same report: no snapshot, no sample
  Record(Scrubbing(50), kHistoryT0 + absl::Minutes(2));   // a change, but not of the counters
  Record(SlottedTank(5), kHistoryT0 + absl::Minutes(3));
  Record(SlottedTank(12), kHistoryT0 + absl::Minutes(4));
  Record(SlottedTank(0), kHistoryT0 + absl::Minutes(5));  // zpool clear
  auto history = store_->history().GetDiskHistory("nas1", "tank", 10);
  ASSERT_TRUE(history.ok()) << history.status();
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ(history->at("sda").size(), 1u);  // the baseline
  EXPECT_THAT(Checksums(history->at("sdb")), ElementsAre(0, 5, 12, 0));
  EXPECT_EQ(history->at("sdb")[1].time(), absl::ToUnixSeconds(kHistoryT0 + absl::Minutes(3)));
  auto last_two = store_->history().GetDiskHistory("nas1", "tank", 2);
  EXPECT_THAT(Checksums(last_two->at("sdb")), ElementsAre(12, 0));
  EXPECT_THAT(*store_->history().GetDiskHistory("nas1", "nope", 10), IsEmpty());
}

TEST_F(StoreHistoryTest, ListDisksWithIdentityHistoryAndFilters) {
  Record(SlottedTank(0), kHistoryT0);
  Record(SlottedTank(7), kHistoryT0 + absl::Minutes(1));
  ASSERT_TRUE(store_->hosts().Upsert("nas2", "i", v1::HostInfo(), "", kDay0).ok());
  ASSERT_TRUE(store_->pools().Record("nas2", SlottedTank(), kHistoryT0).ok());

  auto all = store_->history().ListDisks("", "", 20);
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->size(), 4u);
  const v1::Disk& sdb = (*all)[1];
  EXPECT_EQ(sdb.host_id(), "nas1");
  EXPECT_EQ(sdb.vdev(), "sdb");
  EXPECT_EQ(sdb.path(), "/dev/sdb");
  EXPECT_EQ(sdb.identity().serial(), "SN-sdb");
  EXPECT_EQ(sdb.identity().enclosure_slot(), "4");
  EXPECT_EQ(sdb.checksum_errors(), 7u);
  EXPECT_THAT(Checksums({sdb.history().begin(), sdb.history().end()}), ElementsAre(0, 7));

  auto seagate = store_->history().ListDisks("st4000", "", 20);
  ASSERT_TRUE(seagate.ok());
  ASSERT_EQ(seagate->size(), 2u);
  EXPECT_EQ((*seagate)[0].identity().model(), "ST4000VN008");
  auto on_nas2 = store_->history().ListDisks("", "nas2", 0);
  ASSERT_EQ(on_nas2->size(), 2u);
  EXPECT_EQ((*on_nas2)[0].history_size(), 0);
  EXPECT_THAT(*store_->history().ListDisks("no such model", "", 20), IsEmpty());
}

TEST_F(StoreHistoryTest, PoolChangesNewestFirstSkippingProgress) {
  Record(SlottedTank(), kHistoryT0);
  Record(Scrubbing(10), kHistoryT0 + absl::Hours(1));
  Record(Scrubbing(20), kHistoryT0 + absl::Hours(2));
  Record(Scrubbed(3), kHistoryT0 + absl::Hours(3));
  v1::Pool degraded = Scrubbed(3, "DEGRADED");
  degraded.mutable_vdevs(0)->mutable_children(1)->set_state("FAULTED");
  Record(degraded, kHistoryT0 + absl::Hours(4));
  auto changes = store_->history().ListPoolChanges("nas1", "tank", 10);
  ASSERT_TRUE(changes.ok()) << changes.status();
  std::vector<std::string> summaries;
  for (const auto& c : *changes) summaries.push_back(c.summary());
  EXPECT_THAT(summaries,
              ElementsAre("state ONLINE → DEGRADED; sdb ONLINE → FAULTED",
                          "sdb CKSUM 0 → 3; scrub finished", "scrub started", "first seen ONLINE"));
  EXPECT_EQ((*changes)[0].time(), absl::ToUnixSeconds(kHistoryT0 + absl::Hours(4)));
  EXPECT_EQ((*changes)[0].state(), "DEGRADED");
  EXPECT_EQ((*changes)[0].device_errors(), 3u);
  auto limited = store_->history().ListPoolChanges("nas1", "tank", 1);
  EXPECT_EQ(limited->size(), 1u);
  EXPECT_EQ(store_->history().ListPoolChanges("nas1", "nope", 1).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(StoreHistoryTest, ThinningKeepsFirstLastOfEachDayAndEveryChange) {
  // Day 0: hours 1..6; the state changes at hour 3.
  Record(Reworded(10), kDay0 + absl::Hours(1));
  Record(Reworded(20), kDay0 + absl::Hours(2));
  Record(Reworded(30, "DEGRADED"), kDay0 + absl::Hours(3));
  Record(Reworded(40, "DEGRADED"), kDay0 + absl::Hours(4));
  Record(Reworded(50, "DEGRADED"), kDay0 + absl::Hours(5));
  Record(Reworded(60, "DEGRADED"), kDay0 + absl::Hours(6));
  // Day 1: hours 25..28, nothing but progress.
  for (int h = 25; h <= 28; ++h) Record(Reworded(h, "DEGRADED"), kDay0 + absl::Hours(h));
  // Day 2 (inside retention): untouched.
  for (int h = 49; h <= 51; ++h) Record(Reworded(h, "DEGRADED"), kDay0 + absl::Hours(h));

  v1::ScrubRun run;
  run.set_host_id("nas1");
  run.set_pool("tank");
  SetTrigger(run, v1::TRIGGER_SCHEDULED);
  SetRunState(run, v1::RUN_FINISHED);
  run.set_requested_at(absl::ToUnixSeconds(kDay0));
  ASSERT_TRUE(store_->scrub_runs().Insert(run).ok());
  v1::Event event;
  event.set_time(absl::ToUnixSeconds(kDay0 + absl::Hours(2)));
  SetSeverity(event, v1::SEVERITY_WARNING);
  event.set_host_id("nas1");
  event.set_kind("pool_state");
  ASSERT_TRUE(store_->events().Insert(NewEvent{event, "old", ""}).ok());

  // Retention ends mid-day 2: days 0 and 1 are thinned.
  auto deleted = store_->history().ThinSnapshots(absl::UnixEpoch(), kDay0 + absl::Hours(60));
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  EXPECT_EQ(*deleted, 5);
  EXPECT_THAT(SnapshotHours(), ElementsAre(1, 3, 6, 25, 28, 49, 50, 51));
  EXPECT_EQ(Count("snapshot_facts"), 8);  // deleted with their snapshots
  // Idempotent: the same range again deletes nothing.
  EXPECT_EQ(*store_->history().ThinSnapshots(absl::UnixEpoch(), kDay0 + absl::Hours(60)), 0);
  // Scrub runs and events are never thinned; the history still shows the change.
  EXPECT_EQ(store_->scrub_runs().List("nas1", "tank", 10)->size(), 1u);
  EXPECT_EQ(store_->events().List(EventFilter())->size(), 1u);
  auto changes = store_->history().ListPoolChanges("nas1", "tank", 10);
  ASSERT_EQ(changes->size(), 2u);
  EXPECT_EQ((*changes)[0].summary(), "state ONLINE → DEGRADED");
}

TEST_F(StoreHistoryTest, ThinningNeverDeletesTheLatestSnapshot) {
  for (int h = 1; h <= 5; ++h) Record(Reworded(h), kDay0 + absl::Hours(h));
  // Everything is older than the cut, and the last row is also the pool's latest.
  EXPECT_EQ(*store_->history().ThinSnapshots(absl::UnixEpoch(), kDay0 + absl::Hours(24 * 10)), 3);
  EXPECT_THAT(SnapshotHours(), ElementsAre(1, 5));
  auto pool = store_->pools().Get("nas1", "tank");
  ASSERT_TRUE(pool.ok() && pool->has_value());
  EXPECT_EQ((*pool)->pool.scan().percent_done(), 5);
}

TEST_F(StoreHistoryTest, ThinningOnlyWholeDaysInRange) {
  for (int h = 1; h <= 5; ++h) Record(Reworded(h), kDay0 + absl::Hours(h));
  // `before` inside day 0: day 0 is not complete, nothing goes.
  EXPECT_EQ(*store_->history().ThinSnapshots(absl::UnixEpoch(), kDay0 + absl::Hours(23)), 0);
  // `from` after day 0: nothing in range.
  EXPECT_EQ(*store_->history().ThinSnapshots(kDay0 + absl::Hours(24), kDay0 + absl::Hours(72)), 0);
  EXPECT_EQ(SnapshotHours().size(), 5u);
}

TEST_F(StoreHistoryTest, SizesAndProgressRefreshTheLatestSnapshotInPlace) {
  Record(Scrubbing(10), kHistoryT0);
  v1::Pool later = Scrubbing(55);
  later.set_allocated_bytes(123456789);
  auto write = store_->pools().Record("nas1", later, kHistoryT0 + absl::Minutes(1));
  ASSERT_TRUE(write.ok()) << write.status();
  EXPECT_FALSE(write->changed);
  EXPECT_EQ(Count("pool_snapshots"), 1);
  auto pool = store_->pools().Get("nas1", "tank");
  ASSERT_TRUE(pool.ok() && pool->has_value());
  EXPECT_EQ((*pool)->pool.scan().percent_done(), 55);
  EXPECT_EQ((*pool)->pool.allocated_bytes(), 123456789u);
  // The scrub ending is a change.
  write = store_->pools().Record("nas1", Scrubbed(0), kHistoryT0 + absl::Minutes(2));
  ASSERT_TRUE(write.ok());
  EXPECT_TRUE(write->changed);
  EXPECT_EQ(Count("pool_snapshots"), 2);
}

}  // namespace
}  // namespace zfleet::controller
