#include "controller/events/metrics.h"

#include <regex>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/enum_names.h"
#include "tests/testing/temp_dir.h"

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

// Input() with an Alertmanager and a webhook configured.
MetricsInput InputWithSinks() {
  MetricsInput in = Input();
  in.alert_sinks = {{"http://am:9093", 5, 1, false}};
  in.webhook_sinks = {{.url = "http://hooks:9000/zfleet",
                       .sent = 7,
                       .refused = 1,
                       .overflow_dropped = 2,
                       .posts_failed = 3,
                       .queued = 4,
                       .failing = true}};
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

TEST(RenderMetricsTest, ReportPathCountersAndGauges) {
  MetricsInput in = Input();
  in.reports = {.answered_from_memory = 950,
                .answered_from_store = 50,
                .shortcut_hosts = 40,
                .touches_waiting = 7};
  const std::string text = RenderMetrics(in);
  EXPECT_THAT(text, HasSubstr("# TYPE zfleet_reports_answered_total counter\n"
                              "zfleet_reports_answered_total{path=\"memory\"} 950\n"
                              "zfleet_reports_answered_total{path=\"store\"} 50\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE zfleet_report_shortcut_hosts gauge\n"
                              "zfleet_report_shortcut_hosts 40\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE zfleet_report_touches_waiting gauge\n"
                              "zfleet_report_touches_waiting 7\n"));
}

TEST(RenderMetricsTest, OpenIncidentsAndAlertmanagerDelivery) {
  MetricsInput in = Input();
  std::string text = RenderMetrics(in);
  EXPECT_THAT(text, HasSubstr("# TYPE zfleet_incidents_open gauge\n"));
  EXPECT_THAT(text, Not(HasSubstr("zfleet_alertmanager")));  // no sink configured
  in.open_incidents = {{{"critical", "data_errors"}, 2}, {{"warning", "bad_disk"}, 5}};
  in.alert_sinks = {{"http://127.0.0.1:9093", 40, 3, true}};
  text = RenderMetrics(in);
  EXPECT_THAT(text,
              HasSubstr("zfleet_incidents_open{severity=\"critical\",kind=\"data_errors\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("zfleet_incidents_open{severity=\"warning\",kind=\"bad_disk\"} 5\n"));
  EXPECT_THAT(
      text, HasSubstr("zfleet_alertmanager_alerts_sent_total{url=\"http://127.0.0.1:9093\"} 40\n"));
  EXPECT_THAT(
      text, HasSubstr("zfleet_alertmanager_posts_failed_total{url=\"http://127.0.0.1:9093\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("zfleet_alertmanager_up{url=\"http://127.0.0.1:9093\"} 0\n"));
}

TEST(RenderMetricsTest, OverdueAndStalledPoolsWithSince) {
  MetricsInput in = Input();
  std::string text = RenderMetrics(in);
  // No concern: the count is 0 and no per-pool series.
  EXPECT_THAT(text,
              HasSubstr("# TYPE zfleet_pools_scrub_overdue gauge\nzfleet_pools_scrub_overdue 0\n"));
  EXPECT_THAT(text, Not(HasSubstr("zfleet_pool_scrub_overdue_since_seconds{")));
  in.concerns = {
      {ScrubConcern::Kind::kOverdue, "nas1", "tank", absl::FromUnixSeconds(1'700'000'000), ""},
      {ScrubConcern::Kind::kStalled, "nas1", "fast", absl::FromUnixSeconds(1'700'000'600), ""},
      {ScrubConcern::Kind::kOverdue, "nas2", "bulk", absl::FromUnixSeconds(1'700'001'000), ""}};
  text = RenderMetrics(in);
  EXPECT_THAT(text, HasSubstr("\nzfleet_pools_scrub_overdue 2\n"));
  EXPECT_THAT(text,
              HasSubstr("zfleet_pool_scrub_overdue_since_seconds{host=\"nas1\",pool=\"tank\"} "
                        "1700000000\n"));
  EXPECT_THAT(text,
              HasSubstr("zfleet_pool_scrub_overdue_since_seconds{host=\"nas2\",pool=\"bulk\"} "
                        "1700001000\n"));
  EXPECT_THAT(text,
              HasSubstr("zfleet_pool_scrub_stalled_since_seconds{host=\"nas1\",pool=\"fast\"} "
                        "1700000600\n"));
  EXPECT_THAT(
      text, Not(HasSubstr("zfleet_pool_scrub_overdue_since_seconds{host=\"nas1\",pool=\"fast\"}")));
}

TEST(RenderMetricsTest, WebhookCountersPerUrl) {
  const std::string text = RenderMetrics(InputWithSinks());
  const std::string url = "{url=\"http://hooks:9000/zfleet\"";
  EXPECT_THAT(text, HasSubstr("zfleet_webhook_notifications_sent_total" + url + "} 7"));
  EXPECT_THAT(text, HasSubstr("zfleet_webhook_notifications_dropped_total" + url +
                              ",reason=\"refused\"} 1"));
  EXPECT_THAT(text, HasSubstr("zfleet_webhook_notifications_dropped_total" + url +
                              ",reason=\"queue_full\"} 2"));
  EXPECT_THAT(text, HasSubstr("zfleet_webhook_posts_failed_total" + url + "} 3"));
  EXPECT_THAT(text, HasSubstr("zfleet_webhook_queued_notifications" + url + "} 4"));
  EXPECT_THAT(text, HasSubstr("zfleet_webhook_up" + url + "} 0"));
  EXPECT_THAT(RenderMetrics(Input()), Not(HasSubstr("zfleet_webhook_")));
}

// deploy/prometheus/zfleet-alerts.yml may only use series /metrics serves.
TEST(RenderMetricsTest, EveryMetricTheShippedAlertsUseIsServed) {
  const std::string rules = zfleet::testing::ReadFile(std::string(ZFLEET_TESTS_DIR) +
                                                      "/../deploy/prometheus/zfleet-alerts.yml");
  ASSERT_FALSE(rules.empty());
  const std::string page = RenderMetrics(InputWithSinks());
  std::set<std::string> used;
  static const std::regex kName("zfleet_[a-z_]+");
  for (auto it = std::sregex_iterator(rules.begin(), rules.end(), kName);
       it != std::sregex_iterator(); ++it) {
    used.insert(it->str());
  }
  EXPECT_GE(used.size(), 7u);
  for (const std::string& name : used) {
    EXPECT_THAT(page, HasSubstr("# TYPE " + name + " ")) << name;
  }
}

}  // namespace
}  // namespace zfleet::controller
