// CheckTlsFiles: each way a set of --tls-* files can be wrong, one line naming the file.
#include "common/tls/tls_files.h"

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/common/tls/test_pki.h"
#include "tests/testing/temp_dir.h"

namespace zfleet::tls {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

class CheckTlsFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(testing::MakePki(tmp_.File("pki"), now_).ok());
    ASSERT_TRUE(testing::MakePki(tmp_.File("other"), now_).ok());
  }
  std::string Error(const TlsFiles& files, absl::Time at) {
    const absl::Status status = CheckTlsFiles(files, at);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
    return std::string(status.message());
  }
  std::string Error(const TlsFiles& files) { return Error(files, now_); }

  zfleet::testing::TempDir tmp_;
  const absl::Time now_ = absl::Now();  // the certificates are made for the real present
};

TEST_F(CheckTlsFilesTest, GoodFilesAreOk) {
  EXPECT_TRUE(CheckTlsFiles(testing::ControllerFiles(tmp_.File("pki")), now_).ok());
  EXPECT_TRUE(CheckTlsFiles(testing::AgentFiles(tmp_.File("pki")), now_).ok());
  EXPECT_TRUE(CheckTlsFiles(testing::UserFiles(tmp_.File("pki")), now_).ok());
  // A bundle with the old and the new CA (a CA rotation) accepts either's certificates.
  tmp_.Write("bundle.crt", zfleet::testing::ReadFile(tmp_.File("pki/ca.crt")) +
                               zfleet::testing::ReadFile(tmp_.File("other/ca.crt")));
  TlsFiles files = testing::AgentFiles(tmp_.File("other"));
  files.ca = tmp_.File("bundle.crt");
  EXPECT_TRUE(CheckTlsFiles(files, now_).ok());
}

TEST_F(CheckTlsFilesTest, TheThreeGoTogether) {
  TlsFiles files = testing::ControllerFiles(tmp_.File("pki"));
  files.key.clear();
  EXPECT_EQ(Error(files), "--tls-ca, --tls-cert and --tls-key go together; --tls-key is missing");
  files.ca.clear();
  EXPECT_EQ(Error(files),
            "--tls-ca, --tls-cert and --tls-key go together; --tls-ca and --tls-key are missing");
  EXPECT_FALSE(TlsFiles{}.any());
  EXPECT_TRUE(files.any());
  EXPECT_THAT(Error(TlsFiles{}), HasSubstr("all three are missing"));
}

TEST_F(CheckTlsFilesTest, UnreadableFile) {
  TlsFiles files = testing::ControllerFiles(tmp_.File("pki"));
  files.cert = tmp_.File("nope.crt");
  EXPECT_EQ(Error(files), "--tls-cert " + files.cert + ": cannot read: No such file or directory");
}

TEST_F(CheckTlsFilesTest, NotPem) {
  tmp_.Write("junk", "not a certificate\n");
  TlsFiles files = testing::ControllerFiles(tmp_.File("pki"));
  files.ca = tmp_.File("junk");
  EXPECT_EQ(Error(files), "--tls-ca " + files.ca + ": no PEM certificate in it");
  files = testing::ControllerFiles(tmp_.File("pki"));
  files.cert = files.key;  // a key is not a certificate
  EXPECT_EQ(Error(files), "--tls-cert " + files.cert + ": no PEM certificate in it");
  files = testing::ControllerFiles(tmp_.File("pki"));
  files.key = files.ca;  // nor a certificate a key
  EXPECT_THAT(Error(files), HasSubstr("--tls-key " + files.key + ": no PEM private key in it"));
}

TEST_F(CheckTlsFilesTest, KeyOfAnotherCertificate) {
  TlsFiles files = testing::ControllerFiles(tmp_.File("pki"));
  files.key = testing::AgentFiles(tmp_.File("pki")).key;
  EXPECT_EQ(Error(files), "--tls-key " + files.key + " does not match --tls-cert " + files.cert);
}

TEST_F(CheckTlsFilesTest, ExpiredAndNotYetValid) {
  const TlsFiles files = testing::ControllerFiles(tmp_.File("pki"));
  EXPECT_THAT(Error(files, now_ + absl::Hours(24 * 400)),
              MatchesRegex("--tls-cert .*/controller.crt: expired on "
                           "[0-9]{4}-[0-9]{2}-[0-9]{2} \\(UTC\\)"));
  EXPECT_THAT(Error(files, now_ - absl::Hours(24)),
              MatchesRegex("--tls-cert .*/controller.crt: not valid before "
                           "[0-9]{4}-[0-9]{2}-[0-9]{2} \\(UTC\\)"));
  // Made by `openssl ca`, valid on 2020-01-01 only.
  ASSERT_TRUE(testing::MakeExpiredAgentCert(tmp_.File("pki"), "old-host").ok());
  TlsFiles expired = files;
  expired.cert = tmp_.File("pki/expired.crt");
  expired.key = tmp_.File("pki/expired.key");
  EXPECT_EQ(Error(expired), "--tls-cert " + expired.cert + ": expired on 2020-01-02 (UTC)");
}

TEST_F(CheckTlsFilesTest, ForeignCa) {
  TlsFiles files = testing::AgentFiles(tmp_.File("pki"));
  files.ca = tmp_.File("other/ca.crt");
  EXPECT_EQ(Error(files),
            "--tls-cert " + files.cert + ": not issued by a CA in --tls-ca " + files.ca);
}

TEST_F(CheckTlsFilesTest, CaExpiredAtThatTime) {
  // The leaf is capped at its CA's notAfter, so ask about a time past the CA's life.
  const TlsFiles files = testing::AgentFiles(tmp_.File("pki"));
  EXPECT_THAT(Error(files, now_ + absl::Hours(24 * 4000)), HasSubstr("expired on"));
}

}  // namespace
}  // namespace zfleet::tls
