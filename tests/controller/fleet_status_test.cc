// FleetQueries::GetStatus: the compact status equals what ListHosts + ListPools say of the
// same fleet (the CLI judged pools from those before), however the snapshot was stored.
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "model/pool_status.h"
#include "controller/config/controller_config.h"
#include "controller/fleet_queries.h"
#include "controller/report_processor.h"
#include "controller/store/sqlite.h"
#include "controller/store/store.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "model/enum_names.h"
#include "tests/testing/temp_dir.h"

namespace zfleet::controller {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

const absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);

v1::Vdev Leaf(const std::string& name, uint64_t read, uint64_t cksum) {
  v1::Vdev leaf;
  leaf.set_name(name);
  leaf.set_path("/dev/" + name);
  leaf.set_type("disk");
  leaf.set_role("data");
  leaf.set_state("ONLINE");
  leaf.set_read_errors(read);
  leaf.set_write_errors(0);
  leaf.set_checksum_errors(cksum);
  return leaf;
}

// DEGRADED, 3 data errors, sdb and its mirror with errors, a scrub at `percent`.
v1::Pool Troubled(double percent) {
  v1::Pool pool;
  pool.set_name("tank");
  pool.set_state("DEGRADED");
  pool.set_status("One or more devices has experienced an unrecoverable error.");
  pool.mutable_scan()->set_function("scrub");
  pool.mutable_scan()->set_state("scanning");
  pool.mutable_scan()->set_percent_done(percent);
  pool.mutable_scan()->set_bytes_scanned(static_cast<uint64_t>(percent * 1e9));
  pool.mutable_errors()->set_count(3);
  v1::Vdev* mirror = pool.add_vdevs();
  mirror->set_name("mirror-0");
  mirror->set_type("mirror");
  mirror->set_state("DEGRADED");
  mirror->set_read_errors(1);
  *mirror->add_children() = Leaf("sda", 0, 0);
  *mirror->add_children() = Leaf("sdb", 2, 5);
  return pool;
}

v1::Pool Healthy(const std::string& name) {
  v1::Pool pool;
  pool.set_name(name);
  pool.set_state("ONLINE");
  pool.mutable_scan()->set_function("scrub");
  pool.mutable_scan()->set_state("finished");
  pool.mutable_scan()->set_percent_done(100);
  pool.mutable_scan()->set_end_time(absl::ToUnixSeconds(kT0) - 3600);
  *pool.add_vdevs() = Leaf("nvme0n1", 0, 0);
  return pool;
}

class FleetStatusTest : public ::testing::Test {
 protected:
  void Open(const std::string& path) {
    absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(path);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    processor_ = std::make_unique<ReportProcessor>(store_.get(), &mu_, &config_, &clock_);
    queries_ = std::make_unique<FleetQueries>(store_.get(), &mu_, &config_, &clock_);
  }

  void Report(const std::string& host, const std::vector<v1::Pool>& pools) {
    v1::ReportRequest r;
    r.set_host_id(host);
    r.set_instance_id("inst-1");
    r.set_pools_valid(true);
    for (const auto& p : pools) *r.add_pools() = p;
    absl::StatusOr<v1::ReportResponse> reply = processor_->Process(r);
    ASSERT_TRUE(reply.ok()) << reply.status();
  }

  v1::GetStatusResponse Status() {
    absl::StatusOr<v1::GetStatusResponse> status = queries_->GetStatus();
    EXPECT_TRUE(status.ok()) << status.status();
    return status.ok() ? *status : v1::GetStatusResponse();
  }

  // GetStatus agrees with the full listings, pool by pool and in the totals.
  void ExpectMatchesListings() {
    const v1::GetStatusResponse status = Status();
    absl::StatusOr<v1::ListHostsResponse> hosts = queries_->ListHosts();
    absl::StatusOr<v1::ListPoolsResponse> pools = queries_->ListPools();
    ASSERT_TRUE(hosts.ok() && pools.ok());
    EXPECT_EQ(status.hosts_total(), static_cast<uint32_t>(hosts->hosts_size()));
    uint32_t reporting = 0;
    for (const auto& h : hosts->hosts()) reporting += h.reporting() ? 1 : 0;
    EXPECT_EQ(status.hosts_reporting(), reporting);
    ASSERT_EQ(status.pools_size(), pools->pools_size());
    for (int i = 0; i < status.pools_size(); ++i) {
      const v1::PoolStatus want = PoolStatusOf(pools->pools(i));
      EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(status.pools(i), want))
          << "got " << status.pools(i).DebugString() << "want " << want.DebugString();
    }
  }

  ControllerConfig config_;  // report every 30s, missing after 3 intervals
  FakeClock clock_{kT0};
  absl::Mutex mu_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<ReportProcessor> processor_;
  std::unique_ptr<FleetQueries> queries_;
};

TEST_F(FleetStatusTest, ReadsWhatTheSnapshotsSay) {
  Open(":memory:");
  Report("nas1", {Troubled(42.5), Healthy("fast")});
  clock_.Advance(absl::Hours(1));
  Report("nas2", {Healthy("backup")});

  const v1::GetStatusResponse status = Status();
  EXPECT_EQ(status.hosts_total(), 2u);
  EXPECT_EQ(status.hosts_reporting(), 1u);  // nas1 is an hour late
  ASSERT_EQ(status.pools_size(), 3);
  const v1::PoolStatus& fast = status.pools(0);
  EXPECT_EQ(fast.host_id(), "nas1");
  EXPECT_EQ(fast.pool(), "fast");
  EXPECT_EQ(fast.scan_state(), "finished");
  EXPECT_EQ(fast.scan_end_time(), absl::ToUnixSeconds(kT0) - 3600);
  EXPECT_EQ(fast.device_errors(), 0u);
  EXPECT_FALSE(fast.has_data_errors());
  EXPECT_FALSE(fast.host_reporting());

  const v1::PoolStatus& tank = status.pools(1);
  EXPECT_EQ(tank.pool(), "tank");
  EXPECT_EQ(tank.state(), "DEGRADED");
  EXPECT_EQ(tank.status_text(), "One or more devices has experienced an unrecoverable error.");
  EXPECT_EQ(tank.scan_function(), "scrub");
  EXPECT_EQ(tank.scan_state(), "scanning");
  EXPECT_DOUBLE_EQ(tank.percent_done(), 42.5);
  EXPECT_EQ(tank.data_errors(), 3u);
  EXPECT_EQ(tank.device_errors(), 7u);  // leaves only: sdb 2 + 5, not mirror-0's 1
  EXPECT_THAT(tank.devices_with_errors(), ElementsAre("mirror-0", "sdb"));
  EXPECT_EQ(tank.last_seen(), absl::ToUnixSeconds(kT0));

  const v1::PoolStatus& backup = status.pools(2);
  EXPECT_EQ(backup.host_id(), "nas2");
  EXPECT_TRUE(backup.host_reporting());
  EXPECT_THAT(backup.devices_with_errors(), IsEmpty());
  ExpectMatchesListings();
}

TEST_F(FleetStatusTest, ScanProgressRefreshedInPlaceShows) {
  Open(":memory:");
  Report("nas1", {Troubled(10)});
  clock_.Advance(absl::Seconds(30));
  Report("nas1", {Troubled(55.5)});  // same material facts: the snapshot is refreshed
  const v1::GetStatusResponse status = Status();
  ASSERT_EQ(status.pools_size(), 1);
  EXPECT_DOUBLE_EQ(status.pools(0).percent_done(), 55.5);
  ExpectMatchesListings();
}

TEST_F(FleetStatusTest, PoolsWithoutStatusRowAreParsedThenFilled) {
  testing::TempDir dir;
  const std::string path = dir.File("status.db");
  Open(path);
  Report("nas1", {Troubled(10), Healthy("fast")});
  // As pools last stored before schema version 3 are.
  absl::StatusOr<Database> db = Database::Open(path);
  ASSERT_TRUE(db.ok()) << db.status();
  ASSERT_TRUE(db->Exec("DELETE FROM pool_status").ok());
  ExpectMatchesListings();
  EXPECT_EQ(Status().pools(1).data_errors(), 3u);

  Report("nas1", {Troubled(10), Healthy("fast")});  // unchanged: fills the columns
  absl::StatusOr<Statement> missing = db->Prepare(
      "SELECT count(*) FROM pools p WHERE p.id NOT IN (SELECT pool_id FROM pool_status)");
  ASSERT_TRUE(missing.ok());
  ASSERT_TRUE(*missing->Step());
  EXPECT_EQ(missing->ColumnInt64(0), 0);
  ExpectMatchesListings();
}

}  // namespace
}  // namespace zfleet::controller
