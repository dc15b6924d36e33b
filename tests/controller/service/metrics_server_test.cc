// The /metrics HTTP shell over loopback: it serves what its render function returns, over
// plain HTTP or HTTPS with client certificates (made with the openssl command line, as a
// site with its own CA would).
#include "controller/service/metrics_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/child_process.h"
#include "tests/testing/openssl_ca.h"
#include "tests/testing/temp_dir.h"

namespace zfleet::controller {
namespace {

using zfleet::testing::OpenSslCa;

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using zfleet::testing::RunProgram;
using zfleet::testing::TempDir;

constexpr char kPage[] =
    "# HELP zfleet_pool_healthy 1 when the pool is ONLINE, else 0.\n"
    "# TYPE zfleet_pool_healthy gauge\n"
    "zfleet_hosts_reporting 2\n";

int Connect(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval timeout{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

std::string Get(int port, const std::string& path) {
  const int fd = Connect(port);
  if (fd < 0) return "connect failed";
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

// HTTPS GET of /metrics on 127.0.0.1:`port`, verifying the server against `ca` (chain and
// IP SAN 127.0.0.1), presenting `cert`/`key` when given. The response, or "tls: ..." when
// the handshake or the exchange fails (with TLS 1.3 a refused client certificate shows up
// as a failed read).
std::string HttpsGet(int port, const std::string& ca, const std::string& cert,
                     const std::string& key) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  if (ctx == nullptr) return "tls: no context";
  std::string result;
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  if (SSL_CTX_load_verify_locations(ctx, ca.c_str(), nullptr) != 1 ||
      (!cert.empty() && (SSL_CTX_use_certificate_chain_file(ctx, cert.c_str()) != 1 ||
                         SSL_CTX_use_PrivateKey_file(ctx, key.c_str(), SSL_FILETYPE_PEM) != 1))) {
    SSL_CTX_free(ctx);
    return "tls: cannot load the client's files";
  }
  const int fd = Connect(port);
  SSL* ssl = fd < 0 ? nullptr : SSL_new(ctx);
  if (ssl == nullptr) {
    if (fd >= 0) close(fd);
    SSL_CTX_free(ctx);
    return "tls: connect failed";
  }
  X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), "127.0.0.1");
  SSL_set_fd(ssl, fd);
  if (SSL_connect(ssl) != 1) {
    result = "tls: handshake failed";
  } else {
    const std::string request =
        "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if (SSL_write(ssl, request.data(), static_cast<int>(request.size())) <= 0) {
      result = "tls: write failed";
    } else {
      char buf[4096];
      int n;
      while ((n = SSL_read(ssl, buf, sizeof(buf))) > 0) result.append(buf, static_cast<size_t>(n));
      if (result.empty()) result = "tls: read failed";
    }
  }
  SSL_free(ssl);
  close(fd);
  SSL_CTX_free(ctx);
  return result;
}

// Replaces DIR/TO with DIR/FROM's content by rename, as a rotation should.
void Install(const TempDir& dir, const std::string& from, const std::string& to) {
  dir.Write(to + ".new", zfleet::testing::ReadFile(from));
  ASSERT_EQ(rename(dir.File(to + ".new").c_str(), dir.File(to).c_str()), 0);
}

class MetricsTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    a_.Issue("server", "controller");
    a_.Issue("scraper", "viewer");
    b_.Issue("server", "controller");
    b_.Issue("scraper", "viewer");
    Install(tmp_, a_.Path("ca.crt"), "ca.crt");
    Install(tmp_, a_.Path("server.crt"), "server.crt");
    Install(tmp_, a_.Path("server.key"), "server.key");
    files_ = {tmp_.File("ca.crt"), tmp_.File("server.crt"), tmp_.File("server.key")};
    auto server = MetricsServer::Start(
        "127.0.0.1:0",
        [this]() -> absl::StatusOr<std::string> {
          ++calls_;
          return std::string(kPage);
        },
        &files_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }
  std::string Scrape(const OpenSslCa& trusted, const OpenSslCa& client) {
    return HttpsGet(server_->port(), trusted.Path("ca.crt"), client.Path("scraper.crt"),
                    client.Path("scraper.key"));
  }

  TempDir tmp_;
  OpenSslCa a_{tmp_, "a"};
  OpenSslCa b_{tmp_, "b"};
  tls::TlsFiles files_;
  std::atomic<int> calls_{0};
  std::unique_ptr<MetricsServer> server_;
};

TEST_F(MetricsTlsTest, ClientOfTheCaGetsMetrics) {
  const std::string response = Scrape(a_, a_);
  EXPECT_THAT(response, StartsWith("HTTP/1.1 200 OK\r\n"));
  EXPECT_THAT(response, HasSubstr("zfleet_hosts_reporting 2\n"));
  EXPECT_EQ(calls_.load(), 1);
}

TEST_F(MetricsTlsTest, ClientWithoutCertificateIsRefused) {
  const std::string response = HttpsGet(server_->port(), a_.Path("ca.crt"), "", "");
  EXPECT_THAT(response, StartsWith("tls: "));
  EXPECT_EQ(calls_.load(), 0);
}

TEST_F(MetricsTlsTest, ClientOfAnotherCaIsRefused) {
  EXPECT_THAT(Scrape(a_, b_), StartsWith("tls: "));
  EXPECT_EQ(calls_.load(), 0);
}

TEST_F(MetricsTlsTest, PlainHttpGetsNoMetrics) {
  EXPECT_THAT(Get(server_->port(), "/metrics"), Not(HasSubstr("zfleet_hosts_reporting")));
  EXPECT_EQ(calls_.load(), 0);
}

TEST_F(MetricsTlsTest, RotatedFilesAreUsedWithoutRestart) {
  ASSERT_THAT(Scrape(a_, a_), StartsWith("HTTP/1.1 200 OK"));
  EXPECT_THAT(Scrape(b_, a_), StartsWith("tls: "));  // a client trusting only CA b
  // Half-way (the key of b beside the certificate of a): the previous pair stays in use.
  Install(tmp_, b_.Path("server.key"), "server.key");
  EXPECT_THAT(Scrape(a_, a_), StartsWith("HTTP/1.1 200 OK"));
  Install(tmp_, b_.Path("server.crt"), "server.crt");
  EXPECT_THAT(Scrape(b_, a_), StartsWith("HTTP/1.1 200 OK"));
  EXPECT_THAT(Scrape(a_, a_), StartsWith("tls: "));
  // Now the client CA: CA b's clients get in, CA a's are out.
  EXPECT_THAT(Scrape(b_, b_), StartsWith("tls: "));
  Install(tmp_, b_.Path("ca.crt"), "ca.crt");
  EXPECT_THAT(Scrape(b_, b_), StartsWith("HTTP/1.1 200 OK"));
  EXPECT_THAT(Scrape(b_, a_), StartsWith("tls: "));
}

TEST(MetricsServerTest, UnusableTlsFilesAreRefused) {
  TempDir tmp;
  OpenSslCa ca(tmp, "a");
  ca.Issue("server", "controller");
  ca.Issue("other", "controller");
  auto render = [] { return absl::StatusOr<std::string>(""); };
  tls::TlsFiles files{ca.Path("ca.crt"), ca.Path("server.crt"), ca.Path("other.key")};
  auto server = MetricsServer::Start("127.0.0.1:0", render, &files);
  EXPECT_EQ(server.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(server.status().message(), HasSubstr("does not match"));
  files.key = tmp.File("missing.key");
  EXPECT_EQ(MetricsServer::Start("127.0.0.1:0", render, &files).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(MetricsServerTest, BarePortBindsLoopback) {
  auto render = [] { return absl::StatusOr<std::string>(std::string(kPage)); };
  for (const char* listen : {":0", "0"}) {
    auto server = MetricsServer::Start(listen, render);
    ASSERT_TRUE(server.ok()) << listen << ": " << server.status();
    EXPECT_THAT(Get((*server)->port(), "/metrics"), StartsWith("HTTP/1.1 200 OK")) << listen;
  }
  auto first = MetricsServer::Start(":0", render);
  ASSERT_TRUE(first.ok());
  // 127.0.0.2 on the same port is still free: the server took 127.0.0.1 only (a wildcard
  // bind would make this bind fail with EADDRINUSE).
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>((*first)->port()));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK + 1);  // 127.0.0.2
  EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0)
      << "the port is taken on 127.0.0.2 too: not bound to loopback only";
  close(fd);
  EXPECT_EQ(MetricsServer::Start(":x", render).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(MetricsServer::Start(":", render).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(MetricsServer::Start("-1", render).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace zfleet::controller
