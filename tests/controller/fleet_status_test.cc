// FleetQueries::GetStatus: the compact status equals what ListHosts + ListPools say of the
// same fleet (the CLI judged pools from those before), however the snapshot was stored.
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "controller/config/controller_config.h"
#include "controller/fleet_queries.h"
#include "controller/report_processor.h"
#include "controller/store/sqlite.h"
#include "controller/store/store.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "model/enum_names.h"
#include "model/pool_status.h"
#include "tests/controller/controller_fixtures.h"
#include "tests/testing/pool_builders.h"
#include "tests/testing/temp_dir.h"

namespace zfleet::controller {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

const absl::Time kStatusT0 = absl::FromUnixSeconds(1'800'000'000);

v1::Vdev Leaf(const std::string& name, uint64_t read, uint64_t cksum) {
  return testing::WithErrors(testing::DiskLeaf(name), read, 0, cksum);
}

// DEGRADED, 3 data errors, sdb and its mirror with errors, a scrub at `percent`.
v1::Pool Troubled(double percent) {
  v1::Pool pool = testing::MirrorPool("tank", "DEGRADED", {Leaf("sda", 0, 0), Leaf("sdb", 2, 5)});
  pool.set_status("One or more devices has experienced an unrecoverable error.");
  pool.mutable_scan()->set_function("scrub");
  pool.mutable_scan()->set_state("scanning");
  pool.mutable_scan()->set_percent_done(percent);
  pool.mutable_scan()->set_bytes_scanned(static_cast<uint64_t>(percent * 1e9));
  pool.mutable_errors()->set_count(3);
  pool.mutable_vdevs(0)->set_read_errors(1);  // mirror-0
  return pool;
}

v1::Pool Healthy(const std::string& name) {
  v1::Pool pool;
  pool.set_name(name);
  pool.set_state("ONLINE");
  pool.mutable_scan()->set_function("scrub");
  pool.mutable_scan()->set_state("finished");
  pool.mutable_scan()->set_percent_done(100);
  pool.mutable_scan()->set_end_time(absl::ToUnixSeconds(kStatusT0) - 3600);
  *pool.add_vdevs() = Leaf("nvme0n1", 0, 0);
  return pool;
}

class FleetStatusTest : public FleetServicesTest {
 protected:
  FleetStatusTest() : FleetServicesTest(kStatusT0) {}

  // Every pool listed unless `request` says otherwise.
  v1::GetStatusResponse Status(const v1::GetStatusRequest& request = {}) {
    absl::StatusOr<v1::GetStatusResponse> status = queries_->GetStatus(request);
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
};

TEST_F(FleetStatusTest, ReadsWhatTheSnapshotsSay) {
  OpenServices(":memory:");
  ReportPools("nas1", {Troubled(42.5), Healthy("fast")});
  clock_.Advance(absl::Hours(1));
  ReportPools("nas2", {Healthy("backup")});

  const v1::GetStatusResponse status = Status();
  EXPECT_EQ(status.hosts_total(), 2u);
  EXPECT_EQ(status.hosts_reporting(), 1u);  // nas1 is an hour late
  ASSERT_EQ(status.pools_size(), 3);
  const v1::PoolStatus& fast = status.pools(0);
  EXPECT_EQ(fast.host_id(), "nas1");
  EXPECT_EQ(fast.pool(), "fast");
  EXPECT_EQ(fast.scan_state(), "finished");
  EXPECT_EQ(fast.scan_end_time(), absl::ToUnixSeconds(kStatusT0) - 3600);
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
  EXPECT_EQ(tank.last_seen(), absl::ToUnixSeconds(kStatusT0));

  const v1::PoolStatus& backup = status.pools(2);
  EXPECT_EQ(backup.host_id(), "nas2");
  EXPECT_TRUE(backup.host_reporting());
  EXPECT_THAT(backup.devices_with_errors(), IsEmpty());
  ExpectMatchesListings();
}

// The summary counts every pool; the list holds what the request asks for, unhealthy pools
// first when the limit leaves some out.
TEST_F(FleetStatusTest, ListsWhatTheRequestAsksAndCountsEveryPool) {
  OpenServices(":memory:");
  ReportPools("nas1", {Healthy("fast"), Healthy("slow")});
  ReportPools("nas2", {Healthy("backup"), Troubled(20)});

  v1::GetStatusRequest request;
  request.set_limit(2);
  v1::GetStatusResponse status = Status(request);
  std::vector<std::string> listed;
  for (const auto& pool : status.pools()) listed.push_back(pool.host_id() + "/" + pool.pool());
  EXPECT_THAT(listed, ElementsAre("nas1/fast", "nas2/tank"));
  EXPECT_EQ(status.summary().pools_total(), 4u);
  EXPECT_EQ(status.summary().pools_unhealthy(), 1u);
  EXPECT_THAT(status.summary().pools_by_state(),
              ::testing::UnorderedElementsAre(::testing::Pair("ONLINE", 3u),
                                              ::testing::Pair("DEGRADED", 1u)));
  EXPECT_EQ(status.hosts_total(), 2u);

  request.set_unhealthy_only(true);
  request.set_limit(0);
  status = Status(request);
  ASSERT_EQ(status.pools_size(), 1);
  EXPECT_EQ(status.pools(0).pool(), "tank");
  EXPECT_EQ(status.summary().pools_total(), 4u);

  // An hour later nas1 is not reporting: its pools count as unhealthy too.
  clock_.Advance(absl::Hours(1));
  ReportPools("nas2", {Healthy("backup"), Troubled(30)});
  status = Status(request);
  EXPECT_EQ(status.summary().pools_unhealthy(), 3u);
  EXPECT_EQ(status.pools_size(), 3);
}

TEST_F(FleetStatusTest, ScanProgressRefreshedInPlaceShows) {
  OpenServices(":memory:");
  ReportPools("nas1", {Troubled(10)});
  clock_.Advance(absl::Seconds(30));
  ReportPools("nas1", {Troubled(55.5)});  // same material facts: the snapshot is refreshed
  const v1::GetStatusResponse status = Status();
  ASSERT_EQ(status.pools_size(), 1);
  EXPECT_DOUBLE_EQ(status.pools(0).percent_done(), 55.5);
  ExpectMatchesListings();
}

TEST_F(FleetStatusTest, PoolsWithoutStatusRowAreParsedThenFilled) {
  testing::TempDir dir;
  const std::string path = dir.File("status.db");
  OpenServices(path);
  ReportPools("nas1", {Troubled(10), Healthy("fast")});
  // As pools last stored before schema version 3 are.
  absl::StatusOr<Database> db = Database::Open(path);
  ASSERT_TRUE(db.ok()) << db.status();
  ASSERT_TRUE(db->Exec("DELETE FROM pool_status").ok());
  ExpectMatchesListings();
  EXPECT_EQ(Status().pools(1).data_errors(), 3u);

  ReportPools("nas1", {Troubled(10), Healthy("fast")});  // unchanged: fills the columns
  absl::StatusOr<Statement> missing = db->Prepare(
      "SELECT count(*) FROM pools p WHERE p.id NOT IN (SELECT pool_id FROM pool_status)");
  ASSERT_TRUE(missing.ok());
  ASSERT_TRUE(*missing->Step());
  EXPECT_EQ(missing->ColumnInt64(0), 0);
  ExpectMatchesListings();
}

}  // namespace
}  // namespace zfleet::controller
