// The identity and administration commands (whoami, audit, forget, cancel-queued), the
// --tls-* flags, and the controller's refusals, run whole against a FakeFleet.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/cli/cli_harness.h"
#include "tests/cli/fleet_fixtures.h"

namespace zfleet::cli {
namespace {

using fixtures::kDay;
using fixtures::kNow;
using ::testing::HasSubstr;
using ::testing::Not;
using Json = nlohmann::ordered_json;

class AdminCommandsTest : public CliTest {};

TEST_F(AdminCommandsTest, WhoAmITextAndJson) {
  fleet_.whoami.set_name("alice");
  fleet_.whoami.set_role("operator");
  fleet_.whoami.set_transport("mtls");
  fleet_.whoami.set_peer("ipv4:10.0.0.7:51234");
  fleet_.whoami.set_cert_not_after(kNow + 10 * kDay);
  const CliResult r = Run({"whoami"});
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(r.out,
            "you are alice (operator) over mutual TLS, certificate valid until 2026-12-01 10:00 "
            "UTC\n");
  EXPECT_EQ(Json::parse(Run({"whoami", "--json"}).out),
            Json::parse(R"({"name": "alice", "role": "operator", "transport": "mtls",
                "peer": "ipv4:10.0.0.7:51234", "cert_not_after": "2026-12-01T10:00:00Z"})"));
  EXPECT_EQ(fleet_.whoami_calls, 2);
}

TEST_F(AdminCommandsTest, AuditDefaultsToAWeekNewestFirst) {
  v1::AuditEntry* old = fleet_.audit.add_entries();
  old->set_id(1);
  old->set_time(kNow - 2 * kDay);
  old->set_who("alice");
  old->set_role("operator");
  old->set_action("scrub-start");
  old->set_target("h1/tank");
  old->set_result("ok");
  v1::AuditEntry* recent = fleet_.audit.add_entries();
  recent->set_id(2);
  recent->set_time(kNow - 60);
  recent->set_who("bob");
  recent->set_role("viewer");
  recent->set_action("forget-host");
  recent->set_target("h9");
  recent->set_result("denied");

  const CliResult r = Run({"audit"});
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(r.out,
            "TIME              WHO    ROLE      ACTION       TARGET   RESULT  DETAIL\n"
            "2026-11-21 09:59  bob    viewer    forget-host  h9       denied  -\n"
            "2026-11-19 10:00  alice  operator  scrub-start  h1/tank  ok      -\n");
  ASSERT_EQ(fleet_.list_audit.size(), 1u);
  EXPECT_EQ(fleet_.list_audit[0].since(), kNow - 7 * kDay);

  const Json doc = Json::parse(Run({"audit", "--since", "2h", "--json"}).out);
  ASSERT_EQ(doc["entries"].size(), 2u);
  EXPECT_EQ(doc["entries"][0]["who"], "bob");
  EXPECT_EQ(doc["entries"][1]["time"], "2026-11-19T10:00:00Z");
  ASSERT_EQ(fleet_.list_audit.size(), 2u);
  EXPECT_EQ(fleet_.list_audit[1].since(), kNow - 2 * 3600);
}

TEST_F(AdminCommandsTest, AuditEmptyNamesTheWindow) {
  const CliResult r = Run({"audit", "--since", "1d"});
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(r.out, "no audit entries since 2026-11-20 10:00 UTC\n");
  EXPECT_EQ(Json::parse(Run({"--json", "audit"}).out), Json::parse(R"({"entries": []})"));
}

TEST_F(AdminCommandsTest, ForgetWithoutYesRefusesAndSendsNothing) {
  ExpectUsageError({"forget", "h9"}, "forget removes host \"h9\" and all its history");
  ExpectUsageError({"forget", "h9"}, "pass --yes");
  ExpectUsageError({"forget", "--yes"}, "forget: missing HOST");
  ExpectUsageError({"forget", "h9/tank", "--yes"}, "forget takes a HOST, not HOST/POOL");
  EXPECT_TRUE(targets_.empty()) << "no client may be made without --yes";
  EXPECT_TRUE(fleet_.forget_host.empty());
}

TEST_F(AdminCommandsTest, ForgetWithYesRemovesTheHost) {
  fleet_.forget.set_pools(2);
  fleet_.forget.set_events(17);
  const CliResult r = Run({"forget", "h9", "--yes"});
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(r.out, "forgot h9: 2 pools and 17 events removed\n");
  ASSERT_EQ(fleet_.forget_host.size(), 1u);
  EXPECT_EQ(fleet_.forget_host[0].host_id(), "h9");
  EXPECT_EQ(Json::parse(Run({"--json", "forget", "--yes", "h9"}).out),
            Json::parse(R"({"host": "h9", "pools": 2, "events": 17})"));
}

TEST_F(AdminCommandsTest, CancelQueuedFleetWideOrOnOneHost) {
  fleet_.cancel_queued.set_runs_canceled(4);
  EXPECT_EQ(Run({"cancel-queued"}).out, "canceled 4 queued scrub requests\n");
  fleet_.cancel_queued.set_runs_canceled(1);
  EXPECT_EQ(Run({"cancel-queued", "--host", "h1"}).out, "canceled 1 queued scrub request on h1\n");
  EXPECT_EQ(Json::parse(Run({"cancel-queued", "--json"}).out),
            Json::parse(R"({"host": null, "runs_canceled": 1})"));
  ASSERT_EQ(fleet_.cancel_queued_requests.size(), 3u);
  EXPECT_EQ(fleet_.cancel_queued_requests[0].host_id(), "");
  EXPECT_EQ(fleet_.cancel_queued_requests[1].host_id(), "h1");
}

TEST_F(AdminCommandsTest, PermissionDeniedIsOneLineExitOne) {
  fleet_.error =
      absl::PermissionDeniedError("viewer \"alice\" may not start a scrub (needs operator)");
  const CliResult scrub = Run({"scrub", "h1/tank"});
  EXPECT_EQ(scrub.exit_code, kExitFailure);
  EXPECT_EQ(scrub.out, "");
  EXPECT_EQ(scrub.err, "zfleet: viewer \"alice\" may not start a scrub (needs operator)\n");

  fleet_.error =
      absl::PermissionDeniedError("operator \"bob\" may not forget a host (needs admin)");
  const CliResult forget = Run({"--json", "forget", "h9", "--yes"});
  EXPECT_EQ(forget.exit_code, kExitFailure);
  EXPECT_EQ(forget.out, "");
  EXPECT_EQ(forget.err, "zfleet: operator \"bob\" may not forget a host (needs admin)\n");
  EXPECT_EQ(Run({"cancel-queued"}).exit_code, kExitFailure);
}

TEST_F(AdminCommandsTest, TlsFlagsGoTogether) {
  ExpectUsageError({"--tls-ca", "ca.pem", "hosts"},
                   "--tls-ca, --tls-cert and --tls-key go together; --tls-cert and --tls-key "
                   "are missing (or set ZFLEET_TLS_CERT, ZFLEET_TLS_KEY)");
  ExpectUsageError({"hosts", "--tls-ca", "ca.pem", "--tls-cert", "me.pem"},
                   "--tls-key is missing (or set ZFLEET_TLS_KEY)");
  env_.tls_env.cert = "/etc/zfleet/me.pem";
  ExpectUsageError({"whoami"}, "--tls-ca and --tls-key are missing");
  EXPECT_TRUE(targets_.empty());
}

TEST_F(AdminCommandsTest, PlaintextUnlessTlsFilesAreGiven) {
  int checks = 0;
  env_.check_tls = [&checks](const tls::TlsFiles&) {
    ++checks;
    return absl::OkStatus();
  };
  Run({"hosts"});
  ASSERT_EQ(connections_.size(), 1u);
  EXPECT_FALSE(connections_[0].tls.has_value());
  EXPECT_EQ(checks, 0) << "no files, nothing to check";
}

TEST_F(AdminCommandsTest, TlsFilesFromEnvironmentThenFlags) {
  std::vector<tls::TlsFiles> checked;
  env_.check_tls = [&checked](const tls::TlsFiles& files) {
    checked.push_back(files);
    return absl::OkStatus();
  };
  env_.tls_env = {.ca = "/etc/zfleet/ca.crt", .cert = "/home/a/a.crt", .key = "/home/a/a.key"};
  EXPECT_EQ(Run({"whoami"}).exit_code, kExitOk);
  EXPECT_EQ(Run({"--tls-cert", "b.crt", "--tls-key", "b.key", "hosts"}).exit_code, kExitOk);
  ASSERT_EQ(connections_.size(), 2u);
  ASSERT_TRUE(connections_[0].tls.has_value());
  EXPECT_EQ(connections_[0].tls->ca, "/etc/zfleet/ca.crt");
  EXPECT_EQ(connections_[0].tls->cert, "/home/a/a.crt");
  EXPECT_EQ(connections_[0].tls->key, "/home/a/a.key");
  ASSERT_TRUE(connections_[1].tls.has_value());
  EXPECT_EQ(connections_[1].tls->ca, "/etc/zfleet/ca.crt");
  EXPECT_EQ(connections_[1].tls->cert, "b.crt");
  EXPECT_EQ(connections_[1].tls->key, "b.key");
  ASSERT_EQ(checked.size(), 2u) << "the files are checked before each run uses them";
  EXPECT_EQ(checked[1].cert, "b.crt");
}

TEST_F(AdminCommandsTest, RefusedTlsFilesExitTwoBeforeAnyCall) {
  env_.check_tls = [](const tls::TlsFiles& files) {
    return absl::InvalidArgumentError("--tls-cert " + files.cert + ": expired on 2026-01-02 (UTC)");
  };
  ExpectUsageError({"--tls-ca", "ca.crt", "--tls-cert", "old.crt", "--tls-key", "old.key", "hosts"},
                   "--tls-cert old.crt: expired on 2026-01-02 (UTC)");
  EXPECT_TRUE(targets_.empty());
  // Help needs no files.
  EXPECT_EQ(Run({"--tls-ca", "ca.crt", "--help"}).exit_code, kExitOk);
}

TEST_F(AdminCommandsTest, AckHelpSaysWhoIsRecorded) {
  const std::string help = Run({"ack", "--help"}).out;
  EXPECT_THAT(help, HasSubstr("recorded as your certificate's name, or $USER on plaintext"));
  EXPECT_THAT(help, Not(HasSubstr("(as $USER)")));
  const std::string top = Run({"--help"}).out;
  EXPECT_THAT(top, HasSubstr("--tls-ca FILE"));
  EXPECT_THAT(top, HasSubstr("ZFLEET_TLS_KEY"));
}

}  // namespace
}  // namespace zfleet::cli
