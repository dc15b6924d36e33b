// The Alertmanager sink against a real Alertmanager (Debian's prometheus-alertmanager, run
// by the test on 127.0.0.1 at a free port, its own config and storage in a temp dir): a
// firing alert shows up with its labels and annotations, a resolved or vanished one leaves
// the active list, a wrong port and a wrong password fail with one clear line, and HTTPS
// with a client certificate works. Without the binary the tests are skipped; under CI
// (env CI set) that is a failure.
// Alertmanager judges endsAt by its own clock, so the senders here run on the real one.
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/clock.h"
#include "controller/alerts/alert_sender.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/testing/real_alertmanager.h"

namespace zfleet::controller {
namespace {

using ::testing::HasSubstr;
using zfleet::testing::AmOptions;
using zfleet::testing::kAlertmanagerPassword;
using zfleet::testing::RealAlertmanager;

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

// One firing alert through an AlertSender to `am`: delivered and listed.
void ExpectDelivered(RealAlertmanager& am) {
  AlertSenderOptions options;
  options.targets = {am.Endpoint()};
  AlertSender sender(std::move(options), SystemClock::Get());
  sender.Update({PoolAlert("tank", SystemClock::Get().Now())}, {});
  sender.RunOnce();
  EXPECT_EQ(sender.Stats()[0].last_error, "");
  EXPECT_TRUE(am.WaitListed("tank", true)) << am.Alerts().dump();
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
  const std::string url = absl::StrCat("http://127.0.0.1:", zfleet::testing::FreeLoopbackPort());
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
  if (zfleet::testing::Bcrypt(kAlertmanagerPassword).empty()) {
    if (std::getenv("CI") != nullptr) FAIL() << "libcrypt makes no bcrypt hashes under CI";
    GTEST_SKIP() << "libcrypt makes no bcrypt hashes here";
  }
  RealAlertmanager am({.basic_auth = true});
  ASSERT_EQ(am.Start(), "");

  HttpEndpoint wrong = am.Endpoint();
  wrong.password = "wrong";
  const absl::Status refused = HttpPostJson(wrong, "/api/v2/alerts", "[]");
  EXPECT_EQ(std::string(refused.message()),
            absl::StrCat("alertmanager ", am.url(), ": HTTP 401: Unauthorized"));

  ExpectDelivered(am);
}

TEST(AlertmanagerItest, HttpsWithClientCertificate) {
  REQUIRE_ALERTMANAGER();
  RealAlertmanager am({.tls = true});
  ASSERT_EQ(am.Start(), "");

  HttpEndpoint no_cert = am.Endpoint();
  no_cert.tls.cert.clear();
  no_cert.tls.key.clear();
  EXPECT_FALSE(HttpPostJson(no_cert, "/api/v2/alerts", "[]").ok());

  ExpectDelivered(am);
}

}  // namespace
}  // namespace zfleet::controller
