#include "controller/metrics.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>

#include "absl/strings/str_cat.h"
#include "controller/metrics_server.h"
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
  run.set_state(state);
  run.set_ended_at(end);
  run.set_bytes_repaired(repaired);
  run.set_errors(errors);
  return run;
}

MetricsInput Input() {
  MetricsInput in;
  PoolStatusRow tank;
  tank.host_id = "nas1";
  tank.pool = "tank";
  tank.state = "ONLINE";
  tank.last_finished = Ended("finished", 1'700'000'000, 1024);
  tank.device_errors = 16;
  tank.last_ended = tank.last_finished;
  PoolStatusRow odd;
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

// A plain HTTP/1.1 client: one request, reads until the server closes.
std::string Get(int port, const std::string& path) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "socket failed";
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval timeout{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return "connect failed";
  }
  const std::string request =
      absl::StrCat("GET ", path, " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  if (send(fd, request.data(), request.size(), 0) != static_cast<ssize_t>(request.size())) {
    close(fd);
    return "send failed";
  }
  std::string response;
  char buf[4096];
  ssize_t n;
  while ((n = recv(fd, buf, sizeof(buf), 0)) > 0) response.append(buf, static_cast<size_t>(n));
  close(fd);
  return response;
}

TEST(MetricsServerTest, ServesMetricsOverLoopback) {
  std::atomic<int> calls{0};
  auto server = MetricsServer::Start("127.0.0.1:0", [&]() -> absl::StatusOr<std::string> {
    ++calls;
    return RenderMetrics(Input());
  });
  ASSERT_TRUE(server.ok()) << server.status();
  ASSERT_GT((*server)->port(), 0);
  const std::string response = Get((*server)->port(), "/metrics");
  EXPECT_THAT(response, StartsWith("HTTP/1.1 200 OK\r\n"));
  EXPECT_THAT(response, HasSubstr("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"));
  EXPECT_THAT(response, HasSubstr("\r\n\r\n# HELP zfleet_pool_healthy"));
  EXPECT_THAT(response, HasSubstr("zfleet_hosts_reporting 2\n"));
  EXPECT_EQ(calls.load(), 1);
  EXPECT_THAT(Get((*server)->port(), "/"), StartsWith("HTTP/1.1 404"));
  EXPECT_EQ(calls.load(), 1);
  const int port = (*server)->port();
  (*server)->Stop();
  (*server)->Stop();  // idempotent
  EXPECT_EQ(Get(port, "/metrics"), "connect failed");
}

TEST(MetricsServerTest, RenderErrorIs500) {
  auto server = MetricsServer::Start("127.0.0.1:0", []() -> absl::StatusOr<std::string> {
    return absl::InternalError("disk I/O error");
  });
  ASSERT_TRUE(server.ok()) << server.status();
  const std::string response = Get((*server)->port(), "/metrics");
  EXPECT_THAT(response, StartsWith("HTTP/1.1 500"));
  EXPECT_THAT(response, HasSubstr("disk I/O error"));
}

TEST(MetricsServerTest, StopsRightAfterStart) {
  for (int i = 0; i < 20; ++i) {
    auto server = MetricsServer::Start("127.0.0.1:0", [] { return std::string(); });
    ASSERT_TRUE(server.ok()) << server.status();
  }  // the destructor stops each one, even before its accept loop ran
}

TEST(MetricsServerTest, BadAddressesAreRefused) {
  auto render = [] { return absl::StatusOr<std::string>(""); };
  EXPECT_EQ(MetricsServer::Start("nonsense", render).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(MetricsServer::Start("127.0.0.1:99999", render).status().code(),
            absl::StatusCode::kInvalidArgument);
  auto first = MetricsServer::Start("127.0.0.1:0", render);
  ASSERT_TRUE(first.ok()) << first.status();
  auto taken = MetricsServer::Start(absl::StrCat("127.0.0.1:", (*first)->port()), render);
  EXPECT_EQ(taken.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(taken.status().message(), HasSubstr("cannot listen for metrics on 127.0.0.1:"));
}

}  // namespace
}  // namespace zfleet::controller
