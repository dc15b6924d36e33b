// AdminService over a real store: the audit trail, forgetting a host, cancelling queued
// scrub requests.
#include "controller/admin_service.h"

#include <memory>
#include <string>

#include "controller/store/sqlite.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/controller/controller_fixtures.h"
#include "tests/testing/temp_dir.h"

namespace zfleet::controller {
namespace {


const absl::Time kStart = absl::FromUnixSeconds(1'800'000'000);

class AdminServiceTest : public FleetServicesTest {
 protected:
  AdminServiceTest() : FleetServicesTest(kStart) {}
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenServices(dir_.File("zfleet.db")));
    admin_ = std::make_unique<AdminService>(store_.get(), &mu_, &config_, &clock_);
  }

  // The first column of the first row of `sql` (a COUNT), read with a connection of its
  // own; -1 (and a test failure) when it cannot be read.
  int64_t CountRows(const std::string& sql) {
    absl::StatusOr<Database> db = Database::Open(dir_.File("zfleet.db"));
    EXPECT_TRUE(db.ok()) << db.status();
    if (!db.ok()) return -1;
    absl::StatusOr<Statement> stmt = db->Prepare(sql);
    EXPECT_TRUE(stmt.ok()) << stmt.status();
    absl::StatusOr<bool> row = stmt.ok() ? stmt->Step() : absl::StatusOr<bool>(false);
    EXPECT_TRUE(row.ok() && *row) << sql;
    if (!row.ok() || !*row) return -1;
    return stmt->ColumnInt64(0);
  }

  testing::TempDir dir_;
  std::unique_ptr<AdminService> admin_;
};

TEST_F(AdminServiceTest, AuditEntriesComeBackNewestFirstSinceATime) {
  v1::AuditEntry entry;
  entry.set_who("alice");
  entry.set_role("operator");
  entry.set_peer("ipv4:127.0.0.1:1");
  entry.set_action("scrub-start");
  entry.set_target("h1/tank");
  entry.set_result("ok");
  entry.set_detail("command c1, run 1");
  ASSERT_TRUE(admin_->Record(entry).ok());
  clock_.Advance(absl::Minutes(10));
  entry.set_who("bob");
  entry.set_role("viewer");
  entry.set_result("denied");
  ASSERT_TRUE(admin_->Record(entry).ok());

  absl::StatusOr<v1::ListAuditResponse> all = admin_->ListAudit({});
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->entries_size(), 2);
  EXPECT_EQ(all->entries(0).who(), "bob");
  EXPECT_EQ(all->entries(0).result(), "denied");
  EXPECT_EQ(all->entries(0).time(), absl::ToUnixSeconds(kStart + absl::Minutes(10)));
  EXPECT_EQ(all->entries(1).who(), "alice");
  EXPECT_EQ(all->entries(1).detail(), "command c1, run 1");
  EXPECT_EQ(all->entries(1).peer(), "ipv4:127.0.0.1:1");
  EXPECT_EQ(all->entries(1).time(), absl::ToUnixSeconds(kStart));

  v1::ListAuditRequest recent;
  recent.set_since(absl::ToUnixSeconds(kStart + absl::Minutes(5)));
  EXPECT_EQ(admin_->ListAudit(recent)->entries_size(), 1);
  v1::ListAuditRequest one;
  one.set_limit(1);
  EXPECT_EQ(admin_->ListAudit(one)->entries(0).who(), "bob");
  v1::ListAuditRequest negative;
  negative.set_limit(-1);
  EXPECT_EQ(admin_->ListAudit(negative).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(AdminServiceTest, ForgetHostRemovesEverythingOfItAndNothingElse) {
  // h1 gets every kind of row: pools with snapshots and vdevs, counters that change (events,
  // vdev_counters), a scrub run with its command, scan progress; h2 only the same pools.
  ReportPools("h1", {TwoDiskTank(0, "ONLINE")});
  ReportPools("h2", {TwoDiskTank(0, "ONLINE")});
  clock_.Advance(absl::Minutes(1));
  ReportPools("h1", {TwoDiskTank(7, "DEGRADED")});
  ASSERT_TRUE(RequestScrub("h1", "tank", v1::START).ok());
  v1::Pool scanning = TwoDiskTank(7, "DEGRADED");
  scanning.mutable_scan()->set_function("scrub");
  scanning.mutable_scan()->set_state("scanning");
  scanning.mutable_scan()->set_bytes_scanned(100);
  clock_.Advance(absl::Minutes(1));
  ReportPools("h1", {scanning});
  const std::string h1_pools =
      "(SELECT p.id FROM pools p JOIN hosts h ON h.id = p.host_id WHERE h.name = 'h1')";
  ASSERT_GT(CountRows("SELECT COUNT(*) FROM events e JOIN hosts h ON h.id = e.host_id "
                      "WHERE h.name = 'h1'"),
            0);
  ASSERT_GT(CountRows("SELECT COUNT(*) FROM vdev_counters WHERE pool_id IN " + h1_pools), 0);
  ASSERT_GT(CountRows("SELECT COUNT(*) FROM scrub_runs WHERE pool_id IN " + h1_pools), 0);
  const int64_t h2_snapshots = CountRows(
      "SELECT COUNT(*) FROM pool_snapshots s JOIN pools p ON p.id = s.pool_id "
      "JOIN hosts h ON h.id = p.host_id WHERE h.name = 'h2'");
  ASSERT_GT(h2_snapshots, 0);

  v1::ForgetHostRequest request;
  request.set_host_id("h1");
  absl::StatusOr<v1::ForgetHostResponse> forgotten = admin_->ForgetHost(request);
  ASSERT_TRUE(forgotten.ok()) << forgotten.status();
  EXPECT_EQ(forgotten->pools(), 1u);
  EXPECT_GT(forgotten->events(), 0u);

  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM hosts WHERE name = 'h1'"), 0);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM pools WHERE host_id NOT IN (SELECT id FROM hosts)"),
            0);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM events WHERE host_id NOT IN (SELECT id FROM hosts)"),
            0);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM commands"), 0);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM scrub_runs"), 0);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM scan_progress"), 0);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM vdev_counters WHERE pool_id NOT IN "
                      "(SELECT id FROM pools)"),
            0);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM vdevs WHERE pool_id NOT IN (SELECT id FROM pools)"),
            0);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM snapshot_facts WHERE snapshot_id NOT IN "
                      "(SELECT id FROM pool_snapshots)"),
            0);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM pool_snapshots"), h2_snapshots);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM pragma_foreign_key_check"), 0);

  absl::StatusOr<v1::ListHostsResponse> hosts = queries_->ListHosts();
  ASSERT_TRUE(hosts.ok());
  ASSERT_EQ(hosts->hosts_size(), 1);
  EXPECT_EQ(hosts->hosts(0).host_id(), "h2");
  EXPECT_EQ(GetPool("h1", "tank").status().code(), absl::StatusCode::kNotFound);

  // Forgotten, not banned: the next report brings it back as a new host.
  ReportPools("h1", {TwoDiskTank(0, "ONLINE")});
  EXPECT_TRUE(GetPool("h1", "tank").ok());
}

TEST_F(AdminServiceTest, ForgetUnknownOrMalformedHostChangesNothing) {
  ReportPools("h1", {TwoDiskTank(0, "ONLINE")});
  v1::ForgetHostRequest request;
  request.set_host_id("nope");
  absl::Status unknown = admin_->ForgetHost(request).status();
  EXPECT_EQ(unknown.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(unknown.message(), "unknown host nope");
  request.set_host_id("");
  EXPECT_EQ(admin_->ForgetHost(request).status().code(), absl::StatusCode::kInvalidArgument);
  request.set_host_id("h1; DROP TABLE hosts");
  EXPECT_EQ(admin_->ForgetHost(request).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(queries_->ListHosts()->hosts_size(), 1);
}

TEST_F(AdminServiceTest, CancelQueuedCancelsOnlyRequestedRunsOfTheGivenScope) {
  v1::Pool other = TwoDiskTank(0, "ONLINE");
  other.set_name("vault");
  ReportPools("h1", {TwoDiskTank(0, "ONLINE"), other});
  ReportPools("h2", {TwoDiskTank(0, "ONLINE")});
  ASSERT_TRUE(QueueScrub("h1", "tank").ok());
  ASSERT_TRUE(RequestScrub("h1", "vault", v1::START).ok());  // --now: a START command waits
  ASSERT_TRUE(QueueScrub("h2", "tank").ok());

  v1::CancelQueuedRequest on_h1;
  on_h1.set_host_id("h1");
  absl::StatusOr<v1::CancelQueuedResponse> canceled = admin_->CancelQueued(on_h1, "carol");
  ASSERT_TRUE(canceled.ok()) << canceled.status();
  EXPECT_EQ(canceled->runs_canceled(), 2u);
  absl::StatusOr<v1::GetPoolResponse> tank = GetPool("h1", "tank");
  ASSERT_TRUE(tank.ok());
  EXPECT_EQ(tank->scrub_runs(0).state(), v1::RUN_CANCELED);
  EXPECT_EQ(tank->scrub_runs(0).message(), "canceled by carol");
  EXPECT_EQ(GetPool("h2", "tank")->scrub_runs(0).state(), v1::RUN_REQUESTED);
  // The START of vault is no longer handed to the agent.
  v1::ReportResponse reply = MustProcess(PoolsReport("h1", {TwoDiskTank(0, "ONLINE"), other}));
  EXPECT_EQ(reply.commands_size(), 0);

  v1::CancelQueuedRequest fleet;
  canceled = admin_->CancelQueued(fleet, "carol");
  ASSERT_TRUE(canceled.ok());
  EXPECT_EQ(canceled->runs_canceled(), 1u);
  EXPECT_EQ(GetPool("h2", "tank")->scrub_runs(0).state(), v1::RUN_CANCELED);
  EXPECT_EQ(admin_->CancelQueued(fleet, "carol")->runs_canceled(), 0u);

  v1::CancelQueuedRequest unknown;
  unknown.set_host_id("nope");
  EXPECT_EQ(admin_->CancelQueued(unknown, "carol").status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace zfleet::controller
