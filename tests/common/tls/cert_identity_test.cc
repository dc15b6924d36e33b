// ParseCertIdentity over certificates of zfleet's PKI and of the openssl command line.
#include "common/tls/cert_identity.h"

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/common/tls/test_pki.h"
#include "tests/testing/temp_dir.h"

namespace zfleet::tls {
namespace {

using zfleet::testing::ReadFile;

TEST(ParseCertIdentityTest, NameRoleAndValidity) {
  zfleet::testing::TempDir tmp;
  const absl::Time now = absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now()));
  ASSERT_TRUE(testing::MakePki(tmp.path(), now).ok());

  absl::StatusOr<CertIdentity> controller = ParseCertIdentity(ReadFile(tmp.File("controller.crt")));
  ASSERT_TRUE(controller.ok()) << controller.status();
  EXPECT_EQ(controller->name, "zfleet-controller");
  EXPECT_EQ(controller->role, "controller");
  EXPECT_EQ(controller->not_before, now - absl::Minutes(5));
  EXPECT_EQ(controller->not_after, now + absl::Hours(24 * 365));

  absl::StatusOr<CertIdentity> agent = ParseCertIdentity(ReadFile(tmp.File("agents/host-a.crt")));
  ASSERT_TRUE(agent.ok()) << agent.status();
  EXPECT_EQ(agent->name, "host-a");
  EXPECT_EQ(agent->role, "agent");

  absl::StatusOr<CertIdentity> user = ParseCertIdentity(ReadFile(tmp.File("users/alice.crt")));
  ASSERT_TRUE(user.ok()) << user.status();
  EXPECT_EQ(user->name, "alice");
  EXPECT_EQ(user->role, "operator");

  // The CA has a CN but no OU.
  absl::StatusOr<CertIdentity> ca = ParseCertIdentity(ReadFile(tmp.File("ca.crt")));
  ASSERT_TRUE(ca.ok()) << ca.status();
  EXPECT_EQ(ca->role, "");
  EXPECT_EQ(ca->not_after, now + absl::Hours(24 * 3650));

  // The first certificate of a chain counts.
  absl::StatusOr<CertIdentity> chain =
      ParseCertIdentity(ReadFile(tmp.File("users/alice.crt")) + ReadFile(tmp.File("ca.crt")));
  ASSERT_TRUE(chain.ok()) << chain.status();
  EXPECT_EQ(chain->name, "alice");
}

TEST(ParseCertIdentityTest, OpenSslMadeCertificate) {
  zfleet::testing::TempDir tmp;
  ASSERT_TRUE(testing::MakePki(tmp.path(), absl::Now()).ok());
  ASSERT_TRUE(testing::MakeExpiredAgentCert(tmp.path(), "old-host").ok());
  absl::StatusOr<CertIdentity> identity = ParseCertIdentity(ReadFile(tmp.File("expired.crt")));
  ASSERT_TRUE(identity.ok()) << identity.status();
  EXPECT_EQ(identity->name, "old-host");
  EXPECT_EQ(identity->role, "agent");
  EXPECT_EQ(identity->not_before, absl::FromUnixSeconds(1577836800));  // 2020-01-01
  EXPECT_EQ(identity->not_after, absl::FromUnixSeconds(1577923200));   // 2020-01-02
}

TEST(ParseCertIdentityTest, NoCnOrNotACertificate) {
  EXPECT_EQ(ParseCertIdentity("").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseCertIdentity("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  zfleet::testing::TempDir tmp;
  const zfleet::testing::RunResult made = zfleet::testing::RunProgram(
      {"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
       "-keyout", tmp.File("k.pem"), "-out", tmp.File("c.pem"), "-days", "1", "-subj",
       "/O=zfleet/OU=agent"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  absl::StatusOr<CertIdentity> identity = ParseCertIdentity(ReadFile(tmp.File("c.pem")));
  EXPECT_EQ(identity.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(identity.status().message(), "the certificate's subject has no CN");
}

}  // namespace
}  // namespace zfleet::tls
