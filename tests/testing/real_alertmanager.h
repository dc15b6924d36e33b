// A real Alertmanager for tests: Debian's prometheus-alertmanager, started on a free port of
// 127.0.0.1 with its own config and storage in a temp dir (optionally with basic auth, or
// HTTPS requiring client certificates), stopped and removed when the object goes. Tests that
// need one skip without the binary (REQUIRE_ALERTMANAGER), and fail under CI.
// Header-only; link zfleet_controller_alerts (httplib, OpenSSL) and crypt.
#ifndef ZFLEET_TESTS_TESTING_REAL_ALERTMANAGER_H_
#define ZFLEET_TESTS_TESTING_REAL_ALERTMANAGER_H_

#include <crypt.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "controller/alerts/http_post.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/testing/openssl_ca.h"
#include "tests/testing/child_process.h"
#include "tests/testing/fleet_fixture.h"
#include "tests/testing/temp_dir.h"

// As Debian's libcpp-httplib is built (controller/alerts/http_post.cc).
#define CPPHTTPLIB_OPENSSL_SUPPORT
#define CPPHTTPLIB_ZLIB_SUPPORT
#define CPPHTTPLIB_BROTLI_SUPPORT
#include <httplib.h>

namespace zfleet::testing {

inline constexpr char kAlertmanagerBinary[] = "/usr/bin/prometheus-alertmanager";
inline constexpr char kAlertmanagerUser[] = "zfleet";
inline constexpr char kAlertmanagerPassword[] = "s3cret pass";

// Skips the test when Alertmanager is not installed; under CI fails it instead.
#define REQUIRE_ALERTMANAGER()                                                             \
  do {                                                                                     \
    if (access(::zfleet::testing::kAlertmanagerBinary, X_OK) != 0) {                       \
      if (std::getenv("CI") != nullptr) {                                                  \
        FAIL() << ::zfleet::testing::kAlertmanagerBinary << " is missing (Debian package " \
               << "prometheus-alertmanager, deploy/install-deps.sh)";                      \
      }                                                                                    \
      GTEST_SKIP() << ::zfleet::testing::kAlertmanagerBinary << " is missing; skipped";    \
    }                                                                                      \
  } while (0)

// A bcrypt hash of `password` (libcrypt's $2b$, which Alertmanager's web config takes), or
// "" when libcrypt cannot make one.
inline std::string Bcrypt(const std::string& password) {
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
      const std::string hash = Bcrypt(kAlertmanagerPassword);
      if (hash.empty()) return "libcrypt made no bcrypt hash";
      absl::StrAppend(&web, "basic_auth_users:\n  ", kAlertmanagerUser, ": ", hash, "\n");
    }
    if (options_.tls) {
      ca_ = std::make_unique<OpenSslCa>(dir_, "site");
      ca_->Issue("am");
      ca_->Issue("zfleet");
      absl::StrAppend(&web, "tls_server_config:\n  cert_file: ", ca_->Path("am.crt"),
                      "\n  key_file: ", ca_->Path("am.key"),
                      "\n  client_ca_file: ", ca_->Path("ca.crt"),
                      "\n  client_auth_type: RequireAndVerifyClientCert\n");
    }
    dir_.Write("web.yml", web);
    // A free port can be taken between FreeLoopbackPort() and the bind: try a few.
    for (int attempt = 0; attempt < 3; ++attempt) {
      port_ = FreeLoopbackPort();
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
                        Slurp(dir_.File("alertmanager.log")));
  }

  std::string url() const {
    return absl::StrCat(options_.tls ? "https" : "http", "://127.0.0.1:", port_);
  }

  // The endpoint zfleet posts to, with the right credentials.
  controller::HttpEndpoint Endpoint() const {
    absl::StatusOr<controller::HttpEndpoint> endpoint = controller::MakeHttpEndpoint(url());
    EXPECT_TRUE(endpoint.ok()) << endpoint.status();
    endpoint->timeout = absl::Seconds(5);
    if (options_.basic_auth) {
      endpoint->user = kAlertmanagerUser;
      endpoint->password = kAlertmanagerPassword;
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
    if (options_.basic_auth) client->set_basic_auth(kAlertmanagerUser, kAlertmanagerPassword);
    return client;
  }

  const AmOptions options_;
  TempDir dir_;  // declared before process_: the process goes first
  std::unique_ptr<OpenSslCa> ca_;
  std::unique_ptr<ChildProcess> process_;
  int port_ = -1;
};

}  // namespace zfleet::testing

#endif  // ZFLEET_TESTS_TESTING_REAL_ALERTMANAGER_H_
