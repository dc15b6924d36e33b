// controller.toml [webhook]: defaults, every key, the secret files read at load, and one
// FILE:LINE error per bad value; [alerts] takes a bearer token the same way.
#include <string>

#include "absl/strings/str_cat.h"
#include "controller/config/controller_config.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/controller/config/config_refusal.h"
#include "tests/testing/temp_dir.h"

namespace zfleet::controller {
namespace {

using ::testing::ElementsAre;
using zfleet::testing::TempDir;

TEST(WebhookConfigTest, DefaultsSendNothing) {
  auto config = ParseControllerConfig("", "controller.toml");
  ASSERT_TRUE(config.ok()) << config.status();
  const WebhookConfig& w = config->webhook;
  EXPECT_TRUE(w.urls.empty());
  EXPECT_EQ(w.queue, 10000);
  EXPECT_EQ(w.max_backoff, absl::Minutes(5));
  EXPECT_EQ(w.timeout, absl::Seconds(10));
  EXPECT_EQ(w.bearer_token, "");
}

TEST(WebhookConfigTest, EveryKeyAndTheTokenFromItsFile) {
  TempDir dir;
  dir.Write("hook-token", "t0ken\n");
  auto config = ParseControllerConfig(absl::StrCat(R"([webhook]
url = ["http://127.0.0.1:9000/zfleet", "https://hooks.example.org/zfleet"]
queue = 500
max_backoff = "1m"
timeout = "3s"
tls_ca = "/etc/zfleet/pki/hooks-ca.crt"
bearer_token_file = ")",
                                                   dir.File("hook-token"), "\"\n"),
                                      "controller.toml");
  ASSERT_TRUE(config.ok()) << config.status();
  const WebhookConfig& w = config->webhook;
  EXPECT_THAT(w.urls,
              ElementsAre("http://127.0.0.1:9000/zfleet", "https://hooks.example.org/zfleet"));
  EXPECT_EQ(w.queue, 500);
  EXPECT_EQ(w.max_backoff, absl::Minutes(1));
  EXPECT_EQ(w.timeout, absl::Seconds(3));
  EXPECT_EQ(w.tls.ca, "/etc/zfleet/pki/hooks-ca.crt");
  EXPECT_EQ(w.bearer_token, "t0ken");
  // [alerts] is untouched by [webhook].
  EXPECT_TRUE(config->alerts.alertmanagers.empty());
  EXPECT_EQ(config->alerts.timeout, absl::Seconds(10));
}

TEST(WebhookConfigTest, AlertsTakeABearerTokenToo) {
  TempDir dir;
  dir.Write("am-token", "abc");
  auto config = ParseControllerConfig(
      absl::StrCat("[alerts]\nbearer_token_file = \"", dir.File("am-token"), "\"\n"),
      "controller.toml");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->alerts.bearer_token, "abc");
}

TEST(WebhookConfigTest, RefusesBadInputWithFileLineAndReason) {
  TempDir dir;
  dir.Write("empty-token", "\n");
  dir.Write("password", "pw");
  struct Case {
    std::string toml;
    std::string error;
  } cases[] = {
      {"[webhook]\nurl = \"http://h:9000\"\n",
       "controller.toml:2: webhook.url must be a list of URLs like"},
      {"[webhook]\nurl = [\"hooks.example\"]\n",
       "controller.toml:2: webhook.url: URL \"hooks.example\": no scheme"},
      {"[webhook]\nurl = [\"http://h/x?token=1\"]\n",
       "controller.toml:2: webhook.url: URL \"http://h/x?token=1\": a query or fragment"},
      {"[webhook]\nurl = [1]\n", "controller.toml:2: webhook.url: want strings"},
      {"[webhook]\nqueue = 0\n", "controller.toml:2: webhook.queue must be an integer from 1"},
      {"[webhook]\nmax_backoff = \"0s\"\n",
       "controller.toml:2: webhook.max_backoff must be at least 1s"},
      {"[webhook]\ntimeout = \"0s\"\n", "controller.toml:2: webhook.timeout must be at least 1s"},
      {"[webhook]\nretries = 3\n", "controller.toml:2: unknown key webhook.retries"},
      {"webhook = 1\n", "controller.toml:1: webhook must be a table"},
      {"[webhook]\nbearer_token_file = \"" + dir.File("empty-token") + "\"\n",
       "controller.toml:2: webhook.bearer_token_file: " + dir.File("empty-token") + " is empty"},
      {"[webhook]\nbearer_token_file = \"" + dir.File("missing") + "\"\n",
       "controller.toml:2: webhook.bearer_token_file: cannot read " + dir.File("missing")},
      {"[webhook]\nbasic_auth_user = \"z\"\nbasic_auth_password_file = \"" + dir.File("password") +
           "\"\nbearer_token_file = \"" + dir.File("password") + "\"\n",
       "controller.toml:1: webhook.basic_auth_user and webhook.bearer_token_file: one or the "
       "other"},
      {"[webhook]\nurl = [\"http://h:9000\"]\ntls_ca = \"/ca.crt\"\n",
       "controller.toml:1: webhook.tls_ca, tls_cert and tls_key are for https:// URLs"},
  };
  for (const Case& c : cases) ExpectRefused(c.toml, "controller.toml", c.error);
}

}  // namespace
}  // namespace zfleet::controller
