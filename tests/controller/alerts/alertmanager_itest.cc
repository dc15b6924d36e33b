// The Alertmanager sink against a real Alertmanager (Debian's prometheus-alertmanager, run
// by the test on 127.0.0.1 at a free port, its own config and storage in a temp dir): a
// firing alert shows up with its labels and annotations, a resolved or vanished one leaves
// the active list, a wrong port and a wrong password fail with one clear line, and HTTPS
// with a client certificate works. Without the binary the tests are skipped; under CI
// (env CI set) that is a failure.
// Alertmanager judges endsAt by its own clock, so the senders here run on the real one.
#include <arpa/inet.h>
#include <crypt.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/clock.h"
#include "controller/alerts/alert_sender.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/controller/alerts/test_ca.h"
#include "tests/testing/child_process.h"
#include "tests/testing/temp_dir.h"

// As Debian's libcpp-httplib is built (controller/alerts/http_post.cc).
#define CPPHTTPLIB_OPENSSL_SUPPORT
#define CPPHTTPLIB_ZLIB_SUPPORT
#define CPPHTTPLIB_BROTLI_SUPPORT
#include <httplib.h>

namespace zfleet::controller {
namespace {

using ::testing::HasSubstr;
using zfleet::testing::ChildProcess;
using zfleet::testing::TempDir;

constexpr char kAlertmanagerBinary[] = "/usr/bin/prometheus-alertmanager";
constexpr char kUser[] = "zfleet";
constexpr char kPassword[] = "s3cret pass";

// Skips the test when Alertmanager is not installed; under CI fails it instead.
#define REQUIRE_ALERTMANAGER()                                          \
  do {                                                                  \
    if (access(kAlertmanagerBinary, X_OK) != 0) {                       \
      if (std::getenv("CI") != nullptr) {                               \
        FAIL() << kAlertmanagerBinary << " is missing (Debian package " \
               << "prometheus-alertmanager, deploy/install-deps.sh)";   \
      }                                                                 \
      GTEST_SKIP() << kAlertmanagerBinary << " is missing; skipped";    \
    }                                                                   \
  } while (0)

// A port nothing listens on now: bound to 127.0.0.1:0, then closed.
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  int port = -1;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

// A bcrypt hash of `password` (libcrypt's $2b$, which Alertmanager's web config takes), or
// "" when libcrypt cannot make one.
std::string Bcrypt(const std::string& password) {
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  if (crypt_gensalt_rn("$2b$", 4, nullptr, 0, salt, sizeof(salt)) == nullptr) return "";
  crypt_data data{};
  const char* hash = crypt_rn(password.c_str(), salt, &data, sizeof(data));
  return hash == nullptr || hash[0] == '*' ? "" : hash;
}

struct AmOptions {
  bool basic_auth = false;
  bool tls = false;  // HTTPS, client certificates required
};

// One Alertmanager process; stopped (SIGTERM, then SIGKILL) and its directory removed when
// the object goes, whatever the test's outcome.
class RealAlertmanager {
 public:
  explicit RealAlertmanager(AmOptions options) : options_(options) {}

  // Starts it and waits (at most 20 s) until /-/ready answers 200. Empty on success, else
  // why not, with the end of its log.
  std::string Start() {
    dir_.Write("am.yml", "route:\n  receiver: none\nreceivers:\n  - name: none\n");
    std::string web;
    if (options_.basic_auth) {
      const std::string hash = Bcrypt(kPassword);
      if (hash.empty()) return "libcrypt made no bcrypt hash";
      absl::StrAppend(&web, "basic_auth_users:\n  ", kUser, ": ", hash, "\n");
    }
    if (options_.tls) {
      ca_ = std::make_unique<zfleet::testing::AlertsTestCa>(dir_, "site");
      ca_->Issue("am");
      ca_->Issue("zfleet");
      absl::StrAppend(&web, "tls_server_config:\n  cert_file: ", ca_->Path("am.crt"),
                      "\n  key_file: ", ca_->Path("am.key"),
                      "\n  client_ca_file: ", ca_->Path("ca.crt"),
                      "\n  client_auth_type: RequireAndVerifyClientCert\n");
    }
    dir_.Write("web.yml", web);
    // A free port can be taken between FreePort() and the bind: try a few.
    for (int attempt = 0; attempt < 3; ++attempt) {
      port_ = FreePort();
      std::vector<std::string> argv = {
          kAlertmanagerBinary,
          absl::StrCat("--web.listen-address=127.0.0.1:", port_),
          "--cluster.listen-address=",
          absl::StrCat("--storage.path=", dir_.File("data")),
          absl::StrCat("--config.file=", dir_.File("am.yml")),
      };
      if (!web.empty()) argv.push_back(absl::StrCat("--web.config.file=", dir_.File("web.yml")));
      process_ = std::make_unique<ChildProcess>(argv, dir_.File("alertmanager.log"));
      for (int i = 0; i < 200 && process_->Running(); ++i) {
        httplib::Result ready = Client()->Get("/-/ready");
        if (ready && ready->status == 200) return "";
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      process_.reset();
    }
    return absl::StrCat("alertmanager did not become ready; its log:\n",
                        zfleet::testing::Slurp(dir_.File("alertmanager.log")));
  }

  std::string url() const {
    return absl::StrCat(options_.tls ? "https" : "http", "://127.0.0.1:", port_);
  }

  // The endpoint zfleet posts to, with the right credentials.
  HttpEndpoint Endpoint() const {
    absl::StatusOr<HttpEndpoint> endpoint = MakeHttpEndpoint(url());
    EXPECT_TRUE(endpoint.ok()) << endpoint.status();
    endpoint->timeout = absl::Seconds(5);
    if (options_.basic_auth) {
      endpoint->user = kUser;
      endpoint->password = kPassword;
    }
    if (options_.tls) {
      endpoint->tls = {ca_->Path("ca.crt"), ca_->Path("zfleet.crt"), ca_->Path("zfleet.key")};
    }
    return *endpoint;
  }

  // GET /api/v2/alerts (API v2 lists active alerts; resolved ones not at all).
  nlohmann::json Alerts() {
    httplib::Result result = Client()->Get("/api/v2/alerts");
    if (!result || result->status != 200) return nlohmann::json();
    return nlohmann::json::parse(result->body, nullptr, /*allow_exceptions=*/false);
  }

  // The listed alert whose labels include pool=`pool`, or null.
  nlohmann::json FindByPool(const std::string& pool) {
    const nlohmann::json alerts = Alerts();
    if (!alerts.is_array()) return nlohmann::json();
    for (const nlohmann::json& alert : alerts) {
      if (alert["labels"].value("pool", "") == pool) return alert;
    }
    return nlohmann::json();
  }

  // Polls (every 100 ms, at most 5 s) until the alert of `pool` is listed or not.
  bool WaitListed(const std::string& pool, bool listed) {
    for (int i = 0; i < 50; ++i) {
      if (FindByPool(pool).is_null() != listed) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

 private:
  std::unique_ptr<httplib::Client> Client() const {
    std::unique_ptr<httplib::Client> client;
    if (options_.tls) {
      client = std::make_unique<httplib::Client>(url(), ca_->Path("zfleet.crt"),
                                                 ca_->Path("zfleet.key"));
      client->set_ca_cert_path(ca_->Path("ca.crt"));
      client->enable_server_certificate_verification(true);
    } else {
      client = std::make_unique<httplib::Client>(url());
    }
    client->set_connection_timeout(std::chrono::seconds(2));
    client->set_read_timeout(std::chrono::seconds(5));
    if (options_.basic_auth) client->set_basic_auth(kUser, kPassword);
    return client;
  }

  const AmOptions options_;
  TempDir dir_;  // declared before process_: the process goes first
  std::unique_ptr<zfleet::testing::AlertsTestCa> ca_;
  std::unique_ptr<ChildProcess> process_;
  int port_ = -1;
};

Alert PoolAlert(const std::string& pool, absl::Time starts_at) {
  Alert a;
  a.key = absl::StrCat("incident:", pool);
  a.labels = {{"alertname", "ZfsPoolDegraded"},
              {"host", "st-01"},
              {"pool", pool},
              {"device", ""},
              {"severity", "warning"}};
  a.annotations = {{"summary", pool + " is DEGRADED"}, {"action", "replace the disk"}};
  a.starts_at = starts_at;
  return a;
}

TEST(AlertmanagerItest, FiringThenResolvedOrVanished) {
  REQUIRE_ALERTMANAGER();
  RealAlertmanager am({});
  const std::string started = am.Start();
  ASSERT_EQ(started, "");
  AlertSenderOptions options;
  options.targets = {am.Endpoint()};
  AlertSender sender(std::move(options), SystemClock::Get());

  const absl::Time start = SystemClock::Get().Now() - absl::Minutes(5);
  sender.Update({PoolAlert("tank", start), PoolAlert("scratch", start)}, {});
  sender.RunOnce();
  ASSERT_EQ(sender.Stats()[0].last_error, "");
  ASSERT_EQ(sender.Stats()[0].alerts_sent, 2);

  ASSERT_TRUE(am.WaitListed("tank", true)) << am.Alerts().dump();
  const nlohmann::json tank = am.FindByPool("tank");
  EXPECT_EQ(tank["labels"], nlohmann::json({{"alertname", "ZfsPoolDegraded"},
                                            {"host", "st-01"},
                                            {"pool", "tank"},
                                            {"severity", "warning"}}));
  EXPECT_EQ(tank["annotations"],
            nlohmann::json({{"summary", "tank is DEGRADED"}, {"action", "replace the disk"}}));
  EXPECT_EQ(tank["status"]["state"], "active");
  EXPECT_TRUE(am.WaitListed("scratch", true));

  // tank resolves; scratch leaves the input unresolved and is sent resolved at now.
  Alert resolved = PoolAlert("tank", start);
  resolved.resolved_at = SystemClock::Get().Now() - absl::Seconds(1);
  sender.Update({}, {resolved});
  sender.RunOnce();
  ASSERT_EQ(sender.Stats()[0].last_error, "");
  EXPECT_EQ(sender.Stats()[0].alerts_sent, 4);
  EXPECT_TRUE(am.WaitListed("tank", false)) << am.Alerts().dump();
  EXPECT_TRUE(am.WaitListed("scratch", false)) << am.Alerts().dump();
}

TEST(AlertmanagerItest, WrongPortFailsWithOneClearLine) {
  // No Alertmanager needed: nothing listens on the port.
  AlertSenderOptions options;
  const std::string url = absl::StrCat("http://127.0.0.1:", FreePort());
  options.targets = {*MakeHttpEndpoint(url)};
  AlertSender sender(std::move(options), SystemClock::Get());
  sender.Update({PoolAlert("tank", SystemClock::Get().Now())}, {});
  sender.RunOnce();
  const AlertTargetStats stats = sender.Stats()[0];
  EXPECT_TRUE(stats.failing);
  EXPECT_EQ(stats.posts_failed, 1);
  EXPECT_EQ(stats.last_error, absl::StrCat("alertmanager ", url, ": connection refused"));
}

TEST(AlertmanagerItest, BasicAuth) {
  REQUIRE_ALERTMANAGER();
  if (Bcrypt(kPassword).empty()) GTEST_SKIP() << "libcrypt makes no bcrypt hashes here";
  RealAlertmanager am({.basic_auth = true});
  ASSERT_EQ(am.Start(), "");

  HttpEndpoint wrong = am.Endpoint();
  wrong.password = "wrong";
  const absl::Status refused = HttpPostJson(wrong, "/api/v2/alerts", "[]");
  EXPECT_EQ(std::string(refused.message()),
            absl::StrCat("alertmanager ", am.url(), ": HTTP 401: Unauthorized"));

  AlertSenderOptions options;
  options.targets = {am.Endpoint()};
  AlertSender sender(std::move(options), SystemClock::Get());
  sender.Update({PoolAlert("tank", SystemClock::Get().Now())}, {});
  sender.RunOnce();
  EXPECT_EQ(sender.Stats()[0].last_error, "");
  EXPECT_TRUE(am.WaitListed("tank", true)) << am.Alerts().dump();
}

TEST(AlertmanagerItest, HttpsWithClientCertificate) {
  REQUIRE_ALERTMANAGER();
  RealAlertmanager am({.tls = true});
  ASSERT_EQ(am.Start(), "");

  HttpEndpoint no_cert = am.Endpoint();
  no_cert.tls.cert.clear();
  no_cert.tls.key.clear();
  EXPECT_FALSE(HttpPostJson(no_cert, "/api/v2/alerts", "[]").ok());

  AlertSenderOptions options;
  options.targets = {am.Endpoint()};
  AlertSender sender(std::move(options), SystemClock::Get());
  sender.Update({PoolAlert("tank", SystemClock::Get().Now())}, {});
  sender.RunOnce();
  EXPECT_EQ(sender.Stats()[0].last_error, "");
  EXPECT_TRUE(am.WaitListed("tank", true)) << am.Alerts().dump();
}

}  // namespace
}  // namespace zfleet::controller
