// ReportProcessor refuses a report over the limits of model/report_limits.h before it reads
// or stores anything: the host stays unknown.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "controller/report_processor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/report_limits.h"
#include "tests/controller/controller_fixtures.h"
#include "tests/testing/pool_builders.h"

namespace zfleet::controller {
namespace {

using ::testing::HasSubstr;

v1::Pool Pool(const std::string& name) {
  v1::Pool pool;
  pool.set_name(name);
  pool.set_state("ONLINE");
  *pool.add_vdevs() = testing::DiskLeaf("sda");
  return pool;
}

class ReportLimitsProcessorTest : public FleetServicesTest {
 protected:
  ReportLimitsProcessorTest() : FleetServicesTest(absl::FromUnixSeconds(1'800'000'000)) {}
  void SetUp() override { OpenServices(":memory:"); }

  // Nothing of `host` is stored: no host row, no pool, no host in the fleet's lists.
  void ExpectNothingStoredOf(const std::string& host) {
    absl::StatusOr<std::optional<HostRecord>> row = store_->hosts().Get(host);
    ASSERT_TRUE(row.ok()) << row.status();
    EXPECT_FALSE(row->has_value()) << host << " was stored";
    absl::StatusOr<v1::ListHostsResponse> hosts = queries_->ListHosts();
    ASSERT_TRUE(hosts.ok()) << hosts.status();
    for (const auto& h : hosts->hosts()) EXPECT_NE(h.host_id(), host);
    absl::StatusOr<v1::ListPoolsResponse> pools = queries_->ListPools();
    ASSERT_TRUE(pools.ok()) << pools.status();
    for (const auto& p : pools->pools()) EXPECT_NE(p.host_id(), host);
  }
};

TEST_F(ReportLimitsProcessorTest, OverLimitReportIsRefusedAndNothingStored) {
  v1::ReportRequest report = PoolsReport("nas1", {Pool("tank")});
  v1::PoolErrors& errors = *report.mutable_pools(0)->mutable_errors();
  for (int i = 0; i < kMaxErrorFilesPerPool + 203; ++i)
    errors.add_files(absl::StrCat("/tank/f", i));

  absl::StatusOr<v1::ReportResponse> response = processor_->Process(report);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(response.status().message(), "pool \"tank\": 1203 error-file names (limit 1000)");
  ExpectNothingStoredOf("nas1");
}

TEST_F(ReportLimitsProcessorTest, DuplicatePoolNamesAreRefusedAndNothingStored) {
  const v1::ReportRequest report = PoolsReport("nas1", {Pool("tank"), Pool("data"), Pool("tank")});
  absl::StatusOr<v1::ReportResponse> response = processor_->Process(report);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(response.status().message(), "2 pools named \"tank\"");
  ExpectNothingStoredOf("nas1");
}

TEST_F(ReportLimitsProcessorTest, OversizedReportIsRefusedAndNothingStored) {
  v1::ReportRequest report = PoolsReport("nas1", {});
  const std::string file(4000, 'f');
  for (int p = 0; p < 10; ++p) {  // 10 pools × 1,000 names × 4,000 bytes: ~38 MiB
    v1::Pool* pool = report.add_pools();
    *pool = Pool(absl::StrCat("p", p));
    for (int i = 0; i < kMaxErrorFilesPerPool; ++i) pool->mutable_errors()->add_files(file);
  }
  absl::StatusOr<v1::ReportResponse> response = processor_->Process(report);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(response.status().message(), HasSubstr("(limit 32 MiB)"));
  ExpectNothingStoredOf("nas1");
}

TEST_F(ReportLimitsProcessorTest, InvalidUtf8IsRefusedAndNothingStored) {
  v1::ReportRequest report = PoolsReport("nas1", {Pool("tank")});
  report.mutable_pools(0)->mutable_vdevs(0)->set_path("/dev/disk/by-id/\xe9");
  absl::StatusOr<v1::ReportResponse> response = processor_->Process(report);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(response.status().message(), "pool \"tank\": vdevs[0].path is not valid UTF-8");
  ExpectNothingStoredOf("nas1");
}

TEST_F(ReportLimitsProcessorTest, ReportWithinLimitsIsStored) {
  v1::ReportRequest report = PoolsReport("nas1", {Pool("tank")});
  for (int i = 0; i < kMaxErrorFilesPerPool; ++i) {
    report.mutable_pools(0)->mutable_errors()->add_files(absl::StrCat("/tank/f", i));
  }
  MustProcess(report);
  absl::StatusOr<std::optional<HostRecord>> row = store_->hosts().Get("nas1");
  ASSERT_TRUE(row.ok()) << row.status();
  EXPECT_TRUE(row->has_value());
}

}  // namespace
}  // namespace zfleet::controller
