#include "controller/events/metrics.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "model/enum_names.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace zfleet::controller {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

v1::ScrubRun Ended(const std::string& state, int64_t end, uint64_t repaired = 0,
                   uint64_t errors = 0) {
  v1::ScrubRun run;
  SetRunState(run, *ParseRunState(state));
  run.set_ended_at(end);
  run.set_bytes_repaired(repaired);
  run.set_errors(errors);
  return run;
}

MetricsInput Input() {
  MetricsInput in;
  PoolScrubState tank;
  tank.host_id = "nas1";
  tank.pool = "tank";
  tank.state = "ONLINE";
  tank.last_finished = Ended("finished", 1'700'000'000, 1024);
  tank.device_errors = 16;
  tank.last_ended = tank.last_finished;
  PoolScrubState odd;
  odd.host_id = "nas\"2\\";
  odd.pool = "po\nol";
  odd.state = "DEGRADED";
  odd.last_ended = Ended("canceled", 1'700'000'500);
  in.pools = {tank, odd};
  LeafCounterRow sdb{"nas1", "tank", "sdb", "/dev/sdb", "ONLINE", 0, 1, 12};
  LeafCounterRow file{"nas1", "tank", "f1", "", "ONLINE", std::nullopt, std::nullopt, 3};
  in.leaves = {sdb, file};
  in.hosts = 3;
  in.hosts_reporting = 2;
  in.events = {{"critical", 4, 1}, {"info", 10, 10}};
  return in;
}

TEST(RenderMetricsTest, PrometheusTextFormat) {
  const std::string text = RenderMetrics(Input());
  EXPECT_THAT(text, StartsWith("# HELP zfleet_pool_healthy "));
  EXPECT_THAT(text, HasSubstr("# TYPE zfleet_pool_healthy gauge\n"));
  EXPECT_THAT(text, HasSubstr("zfleet_pool_healthy{host=\"nas1\",pool=\"tank\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("zfleet_pool_last_scrub_end_seconds{host=\"nas1\",pool=\"tank\"} "
                              "1700000000\n"));
  EXPECT_THAT(text, HasSubstr("zfleet_pool_last_scrub_result{host=\"nas1\",pool=\"tank\","
                              "result=\"repaired\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("zfleet_pool_device_errors_total{host=\"nas1\",pool=\"tank\"} 16\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE zfleet_disk_errors_total counter\n"));
  EXPECT_THAT(text, HasSubstr("zfleet_disk_errors_total{host=\"nas1\",pool=\"tank\","
                              "device=\"/dev/sdb\",kind=\"checksum\"} 12\n"));
  EXPECT_THAT(text, HasSubstr("zfleet_disk_errors_total{host=\"nas1\",pool=\"tank\","
                              "device=\"/dev/sdb\",kind=\"read\"} 0\n"));
  // No path: the vdev name; counters zpool did not print are left out, not zero.
  EXPECT_THAT(text, HasSubstr("device=\"f1\",kind=\"checksum\"} 3\n"));
  EXPECT_THAT(text, Not(HasSubstr("device=\"f1\",kind=\"read\"")));
  EXPECT_THAT(text, HasSubstr("zfleet_hosts 3\n"));
  EXPECT_THAT(text, HasSubstr("zfleet_hosts_reporting 2\n"));
  EXPECT_THAT(text, HasSubstr("zfleet_events{severity=\"critical\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("zfleet_events{severity=\"warning\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("zfleet_events_total{severity=\"info\"} 10\n"));
  EXPECT_EQ(text.back(), '\n');
}

TEST(RenderMetricsTest, EscapesLabelValuesAndSkipsUnknowns) {
  const std::string text = RenderMetrics(Input());
  EXPECT_THAT(text, HasSubstr("zfleet_pool_healthy{host=\"nas\\\"2\\\\\",pool=\"po\\nol\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("result=\"canceled\"} 1\n"));
  // The odd pool never completed a scrub: no end time series for it.
  EXPECT_THAT(text, Not(HasSubstr("zfleet_pool_last_scrub_end_seconds{host=\"nas\\\"2")));
  EXPECT_EQ(EscapeLabelValue("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
}

TEST(RenderMetricsTest, ScrubResults) {
  EXPECT_EQ(ScrubResult(Ended("finished", 1)), "clean");
  EXPECT_EQ(ScrubResult(Ended("finished", 1, 5)), "repaired");
  EXPECT_EQ(ScrubResult(Ended("finished", 1, 5, 2)), "errors");
  EXPECT_EQ(ScrubResult(Ended("failed", 1)), "failed");
  EXPECT_EQ(ScrubResult(Ended("running", 1)), "");
}

TEST(RenderMetricsTest, StoreDiskFullGaugeAndRefusedWrites) {
  MetricsInput in = Input();
  std::string text = RenderMetrics(in);
  EXPECT_THAT(text, HasSubstr("# TYPE zfleet_store_disk_full gauge\nzfleet_store_disk_full 0\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE zfleet_store_write_errors_total counter\n"
                              "zfleet_store_write_errors_total{reason=\"disk_full\"} 0\n"));
  in.store_disk_full = true;
  in.store_disk_full_errors = 42;
  text = RenderMetrics(in);
  EXPECT_THAT(text, HasSubstr("\nzfleet_store_disk_full 1\n"));
  EXPECT_THAT(text, HasSubstr("zfleet_store_write_errors_total{reason=\"disk_full\"} 42\n"));
}

// A plain HTTP/1.1 client: one request, reads until the server closes.
}  // namespace
}  // namespace zfleet::controller
