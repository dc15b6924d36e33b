// HttpPostJson against an in-process cpp-httplib server on 127.0.0.1: what it sends, and
// the one-line errors (refused, HTTP status with the body, TLS verification), over HTTP and
// HTTPS with a CA and a client certificate made with the openssl command line.
#include "controller/alerts/http_post.h"

#include <unistd.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/openssl_ca.h"
#include "tests/testing/fleet_fixture.h"
#include "tests/testing/temp_dir.h"

// As Debian's libcpp-httplib is built (controller/alerts/http_post.cc).
#define CPPHTTPLIB_OPENSSL_SUPPORT
#define CPPHTTPLIB_ZLIB_SUPPORT
#define CPPHTTPLIB_BROTLI_SUPPORT
#include <httplib.h>

namespace zfleet::controller {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using zfleet::testing::TempDir;

struct Seen {
  std::string path;
  std::string content_type;
  std::string authorization;
  std::string body;
};

// Serves POSTs on 127.0.0.1 at a free port, answering `status` and `answer`.
class PostServer {
 public:
  PostServer(std::unique_ptr<httplib::Server> server, int status, std::string answer)
      : server_(std::move(server)) {
    server_->Post(".*",
                  [this, status, answer](const httplib::Request& req, httplib::Response& res) {
                    std::lock_guard<std::mutex> lock(mu_);
                    seen_ = {req.path, req.get_header_value("Content-Type"),
                             req.get_header_value("Authorization"), req.body};
                    res.status = status;
                    res.set_content(answer, "text/plain");
                  });
    port_ = server_->bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_->listen_after_bind(); });
  }
  ~PostServer() {
    server_->stop();
    thread_.join();
  }
  int port() const { return port_; }
  Seen seen() {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_;
  }

 private:
  std::unique_ptr<httplib::Server> server_;
  int port_ = -1;
  std::thread thread_;
  std::mutex mu_;
  Seen seen_;
};

HttpEndpoint Endpoint(const std::string& url) {
  absl::StatusOr<HttpEndpoint> endpoint = MakeHttpEndpoint(url);
  EXPECT_TRUE(endpoint.ok()) << endpoint.status();
  endpoint->timeout = absl::Seconds(5);
  return *endpoint;
}

TEST(HttpPostJsonTest, PostsJsonToThePrefixedPathWithBasicAuth) {
  PostServer server(std::make_unique<httplib::Server>(), 200, "");
  HttpEndpoint endpoint = Endpoint(absl::StrCat("http://127.0.0.1:", server.port(), "/am/"));
  endpoint.user = "zfleet";
  endpoint.password = "s3cret";
  ASSERT_TRUE(HttpPostJson(endpoint, "/api/v2/alerts", "[]").ok());
  const Seen seen = server.seen();
  EXPECT_EQ(seen.path, "/am/api/v2/alerts");
  EXPECT_EQ(seen.content_type, "application/json");
  EXPECT_EQ(seen.authorization, "Basic emZsZWV0OnMzY3JldA==");  // zfleet:s3cret
  EXPECT_EQ(seen.body, "[]");
}

TEST(HttpPostJsonTest, ErrorStatusGivesTheStatusAndTheStartOfTheBody) {
  PostServer server(std::make_unique<httplib::Server>(), 400,
                    "bad alert\n" + std::string(500, 'x'));
  const std::string url = absl::StrCat("http://127.0.0.1:", server.port());
  const absl::Status status = HttpPostJson(Endpoint(url), "/api/v2/alerts", "[]");
  // A refused body: sending it again cannot help.
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()),
              StartsWith(absl::StrCat("alertmanager ", url, ": HTTP 400: bad alert x")));
  EXPECT_THAT(std::string(status.message()), EndsWith("xxx…"));
  EXPECT_EQ(std::string(status.message()).find('\n'), std::string::npos);
  EXPECT_LT(status.message().size(), 300u);
}

TEST(HttpPostJsonTest, ServerTroubleIsWorthRetryingAndNamesTheReceiver) {
  // The status is the path's: /401 answers 401.
  httplib::Server server;
  server.Post(R"(/(\d+))", [](const httplib::Request& req, httplib::Response& res) {
    res.status = std::stoi(req.matches[1]);
    res.set_content("busy", "text/plain");
  });
  const int port = server.bind_to_any_port("127.0.0.1");
  std::thread thread([&] { server.listen_after_bind(); });
  for (int i = 0; i < 500 && !server.is_running(); ++i) absl::SleepFor(absl::Milliseconds(2));
  for (int code : {401, 404, 429, 500, 503}) {
    HttpEndpoint endpoint = Endpoint(absl::StrCat("http://127.0.0.1:", port, "/", code));
    endpoint.receiver = "webhook";
    const absl::Status status = HttpPostJson(endpoint, "", "{}");
    EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << code;
    EXPECT_EQ(status.message(), absl::StrCat("webhook ", endpoint.url, ": HTTP ", code, ": busy"));
  }
  server.stop();
  thread.join();
}

TEST(HttpPostJsonTest, SendsTheBearerToken) {
  PostServer server(std::make_unique<httplib::Server>(), 204, "");
  HttpEndpoint endpoint = Endpoint(absl::StrCat("http://127.0.0.1:", server.port(), "/hook"));
  endpoint.bearer_token = "t0ken";
  ASSERT_TRUE(HttpPostJson(endpoint, "", "{}").ok());
  EXPECT_EQ(server.seen().authorization, "Bearer t0ken");
  EXPECT_EQ(server.seen().path, "/hook");
}

TEST(HttpPostJsonTest, ClosedPortIsConnectionRefused) {
  const std::string url = absl::StrCat("http://127.0.0.1:", zfleet::testing::FreeLoopbackPort());
  const absl::Status status = HttpPostJson(Endpoint(url), "/api/v2/alerts", "[]");
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(status.message(), absl::StrCat("alertmanager ", url, ": connection refused"));
}

TEST(HttpPostJsonTest, UnknownHostSaysSo) {
  const absl::Status status =
      HttpPostJson(Endpoint("http://no-such-host.invalid:9093"), "/api/v2/alerts", "[]");
  EXPECT_THAT(std::string(status.message()), HasSubstr("cannot resolve host no-such-host.invalid"));
}

TEST(HttpPostJsonTest, HttpsVerifiesTheServerAndPresentsTheClientCertificate) {
  TempDir dir;
  zfleet::testing::OpenSslCa ca(dir, "site");
  ca.Issue("am");
  ca.Issue("zfleet");
  zfleet::testing::OpenSslCa other(dir, "other");
  ASSERT_FALSE(HasFatalFailure());
  // Mutual TLS: the server asks for a client certificate from the same CA.
  PostServer server(
      std::make_unique<httplib::SSLServer>(ca.Path("am.crt").c_str(), ca.Path("am.key").c_str(),
                                           ca.Path("ca.crt").c_str()),
      200, "");
  const std::string url = absl::StrCat("https://127.0.0.1:", server.port());
  HttpEndpoint endpoint = Endpoint(url);
  endpoint.tls = {ca.Path("ca.crt"), ca.Path("zfleet.crt"), ca.Path("zfleet.key")};
  ASSERT_TRUE(HttpPostJson(endpoint, "/api/v2/alerts", "[1]").ok());
  EXPECT_EQ(server.seen().body, "[1]");

  HttpEndpoint wrong_ca = endpoint;
  wrong_ca.tls.ca = other.Path("ca.crt");
  const absl::Status unverified = HttpPostJson(wrong_ca, "/api/v2/alerts", "[]");
  EXPECT_THAT(std::string(unverified.message()),
              StartsWith(absl::StrCat("alertmanager ", url, ": the server's certificate")));

  HttpEndpoint no_client_cert = endpoint;
  no_client_cert.tls.cert.clear();
  no_client_cert.tls.key.clear();
  EXPECT_FALSE(HttpPostJson(no_client_cert, "/api/v2/alerts", "[]").ok());

  HttpEndpoint missing_cert = endpoint;
  missing_cert.tls.cert = dir.File("nope.crt");
  EXPECT_THAT(std::string(HttpPostJson(missing_cert, "/api/v2/alerts", "[]").message()),
              HasSubstr("cannot load the client certificate"));
}

}  // namespace
}  // namespace zfleet::controller
