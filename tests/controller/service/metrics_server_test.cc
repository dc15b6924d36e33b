// The /metrics HTTP shell over loopback: it serves what its render function returns.
#include "controller/service/metrics_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace zfleet::controller {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kPage[] =
    "# HELP zfleet_pool_healthy 1 when the pool is ONLINE, else 0.\n"
    "# TYPE zfleet_pool_healthy gauge\n"
    "zfleet_hosts_reporting 2\n";

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
    return std::string(kPage);
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
