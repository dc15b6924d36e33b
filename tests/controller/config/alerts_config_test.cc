// controller.toml [alerts]: defaults, every key, the password file read at load, and one
// FILE:LINE error per bad value.
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

TEST(AlertsConfigTest, DefaultsSendNothing) {
  auto config = ParseControllerConfig("", "controller.toml");
  ASSERT_TRUE(config.ok()) << config.status();
  const AlertsConfig& a = config->alerts;
  EXPECT_TRUE(a.alertmanagers.empty());
  EXPECT_EQ(a.resend, absl::Minutes(1));
  EXPECT_EQ(a.timeout, absl::Seconds(10));
  EXPECT_FALSE(a.tls.any());
  EXPECT_EQ(a.basic_auth_user, "");
  EXPECT_EQ(a.basic_auth_password, "");
}

TEST(AlertsConfigTest, EveryKeyAndThePasswordFromItsFile) {
  TempDir dir;
  dir.Write("am-password", "s3cret pass\n");
  auto config = ParseControllerConfig(absl::StrCat(R"([alerts]
alertmanager = ["http://127.0.0.1:9093", "https://am.example.org:9443/am"]
resend = "2m"
timeout = "5s"
tls_ca = "/etc/zfleet/pki/am-ca.crt"     # https only
tls_cert = "/etc/zfleet/pki/am.crt"
tls_key = "/etc/zfleet/pki/am.key"
basic_auth_user = "zfleet"
basic_auth_password_file = ")",
                                                   dir.File("am-password"), "\"\n"),
                                      "controller.toml");
  ASSERT_TRUE(config.ok()) << config.status();
  const AlertsConfig& a = config->alerts;
  EXPECT_THAT(a.alertmanagers,
              ElementsAre("http://127.0.0.1:9093", "https://am.example.org:9443/am"));
  EXPECT_EQ(a.resend, absl::Minutes(2));
  EXPECT_EQ(a.timeout, absl::Seconds(5));
  EXPECT_EQ(a.tls.ca, "/etc/zfleet/pki/am-ca.crt");
  EXPECT_EQ(a.tls.cert, "/etc/zfleet/pki/am.crt");
  EXPECT_EQ(a.tls.key, "/etc/zfleet/pki/am.key");
  EXPECT_EQ(a.basic_auth_user, "zfleet");
  EXPECT_EQ(a.basic_auth_password_file, dir.File("am-password"));
  EXPECT_EQ(a.basic_auth_password, "s3cret pass");
}

TEST(AlertsConfigTest, RefusesBadInputWithFileLineAndReason) {
  TempDir dir;
  dir.Write("empty-password", "\n");
  struct Case {
    std::string toml;
    std::string error;
  } cases[] = {
      {"[alerts]\nalertmanager = [\"127.0.0.1:9093\"]\n",
       "controller.toml:2: alerts.alertmanager: URL \"127.0.0.1:9093\": no scheme"},
      {"[alerts]\nalertmanager = [\n  \"http://a:1\",\n  \"ftp://am:21\",\n]\n",
       "controller.toml:4: alerts.alertmanager: URL \"ftp://am:21\": scheme \"ftp\" is not http "
       "or https"},
      {"[alerts]\nalertmanager = [\"http://:9093\"]\n",
       "controller.toml:2: alerts.alertmanager: URL \"http://:9093\": no host"},
      {"[alerts]\nalertmanager = \"http://am:9093\"\n",
       "controller.toml:2: alerts.alertmanager must be a list of URLs"},
      {"[alerts]\nalertmanager = [9093]\n", "controller.toml:2: alerts.alertmanager: want strings"},
      {"[alerts]\nresend = \"0s\"\n", "controller.toml:2: alerts.resend must be at least 1s"},
      {"[alerts]\nresend = \"-1m\"\n", "controller.toml:2: alerts.resend: "},
      {"[alerts]\nresend = 60\n", "controller.toml:2: alerts.resend must be a string like"},
      {"[alerts]\ntimeout = \"0s\"\n", "controller.toml:2: alerts.timeout must be at least 1s"},
      {"[alerts]\nresnd = \"1m\"\n", "controller.toml:2: unknown key alerts.resnd"},
      {"alerts = 1\n", "controller.toml:1: alerts must be a table"},
      {"[alerts]\nalertmanager = [\"https://am:9093\"]\nbasic_auth_user = \"zfleet\"\n"
       "basic_auth_password_file = \"" +
           dir.File("missing") + "\"\n",
       "controller.toml:4: alerts.basic_auth_password_file: cannot read " + dir.File("missing") +
           ": No such file or directory"},
      {"[alerts]\nbasic_auth_user = \"zfleet\"\nbasic_auth_password_file = \"" +
           dir.File("empty-password") + "\"\n",
       "controller.toml:3: alerts.basic_auth_password_file: " + dir.File("empty-password") +
           " is empty"},
      {"\n[alerts]\nbasic_auth_user = \"zfleet\"\n",
       "controller.toml:2: alerts.basic_auth_user and alerts.basic_auth_password_file go "
       "together"},
      {"[alerts]\nalertmanager = [\"https://am:9093\"]\ntls_cert = \"/c.crt\"\n",
       "controller.toml:1: alerts.tls_cert and alerts.tls_key go together"},
      {"[alerts]\nalertmanager = [\"http://am:9093\"]\ntls_ca = \"/ca.crt\"\n",
       "controller.toml:1: alerts.tls_ca, tls_cert and tls_key are for https:// Alertmanagers"},
  };
  for (const Case& c : cases) ExpectRefused(c.toml, "controller.toml", c.error);
}

}  // namespace
}  // namespace zfleet::controller
