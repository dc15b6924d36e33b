// `zfleet-controller pki` end to end in-process: the files it writes, what `openssl` makes
// of them, what it refuses, and its exit codes.
#include "controller/pki/pki_command.h"

#include <sys/stat.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/tls/cert_identity.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/child_process.h"
#include "tests/testing/temp_dir.h"

namespace zfleet::controller::pki {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using zfleet::testing::ReadFile;
using zfleet::testing::RunProgram;
using zfleet::testing::RunResult;
using zfleet::testing::TempDir;

struct Outcome {
  int code = -1;
  std::string out;
  std::string err;
};

Outcome Pki(std::vector<std::string> args) {
  args.insert(args.begin(), "pki");
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  Outcome outcome;
  outcome.code = RunPkiCommand(static_cast<int>(args.size()), argv.data());
  fflush(stdout);
  fflush(stderr);
  outcome.out = ::testing::internal::GetCapturedStdout();
  outcome.err = ::testing::internal::GetCapturedStderr();
  return outcome;
}

mode_t Mode(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return 0;
  return st.st_mode & 07777;
}

RunResult OpenSsl(std::vector<std::string> args) {
  args.insert(args.begin(), "openssl");
  return RunProgram(args, 30);
}

std::string Text(const std::string& cert) {
  return OpenSsl({"x509", "-in", cert, "-noout", "-text"}).out;
}

// `openssl x509 -checkend`: 0 when the certificate is still valid `days` from now.
int ValidInDays(const std::string& cert, int days) {
  return OpenSsl({"x509", "-in", cert, "-noout", "-checkend", absl::StrCat(days * 86400)})
      .exit_code;
}

class PkiCommandTest : public ::testing::Test {
 protected:
  std::string Dir() const { return tmp_.File("pki"); }
  std::string F(const std::string& name) const { return Dir() + "/" + name; }
  TempDir tmp_;
};

TEST_F(PkiCommandTest, InitWritesTheCaAndTheController) {
  const mode_t old_umask = umask(0);  // modes must not depend on the umask
  const Outcome init = Pki({"init", "--dir", Dir(), "--name", "zfleet.example.org", "--name",
                            "10.1.2.3", "--days", "30"});
  umask(old_umask);
  ASSERT_EQ(init.code, 0) << init.err;
  EXPECT_EQ(init.out, absl::StrCat(F("ca.key"), "\n", F("ca.crt"), "\n", F("controller.key"), "\n",
                                   F("controller.crt"), "\n"));
  EXPECT_EQ(init.err, "");
  EXPECT_EQ(Mode(Dir()), 0700u);
  EXPECT_EQ(Mode(F("ca.key")), 0600u);
  EXPECT_EQ(Mode(F("controller.key")), 0600u);
  EXPECT_EQ(Mode(F("ca.crt")), 0644u);
  EXPECT_EQ(Mode(F("controller.crt")), 0644u);

  const RunResult verify = OpenSsl({"verify", "-CAfile", F("ca.crt"), F("controller.crt")});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_THAT(verify.out, HasSubstr("controller.crt: OK"));
  // Purpose checks as a TLS server and client would make them.
  for (const char* purpose : {"sslserver", "sslclient"}) {
    EXPECT_EQ(OpenSsl({"verify", "-purpose", purpose, "-CAfile", F("ca.crt"), F("controller.crt")})
                  .exit_code,
              0)
        << purpose;
  }

  const std::string controller = Text(F("controller.crt"));
  EXPECT_THAT(
      controller,
      AllOf(HasSubstr("Subject: O = zfleet, OU = controller, CN = zfleet-controller"),
            HasSubstr("DNS:zfleet.example.org"), HasSubstr("IP Address:10.1.2.3"),
            HasSubstr("DNS:localhost"), HasSubstr("IP Address:127.0.0.1"),
            HasSubstr("IP Address:0:0:0:0:0:0:0:1"),
            HasSubstr("TLS Web Server Authentication, TLS Web Client Authentication"),
            HasSubstr("CA:FALSE"), HasSubstr("Digital Signature"), HasSubstr("ecdsa-with-SHA256"),
            HasSubstr("NIST CURVE: P-256"), HasSubstr("X509v3 Subject Key Identifier"),
            HasSubstr("X509v3 Authority Key Identifier")));
  const std::string ca = Text(F("ca.crt"));
  EXPECT_THAT(
      ca, AllOf(HasSubstr("Subject: O = zfleet, CN = zfleet CA "), HasSubstr("CA:TRUE, pathlen:0"),
                HasSubstr("X509v3 Basic Constraints: critical"),
                HasSubstr("Certificate Sign, CRL Sign")));
  // Serials: 128 random bits, different for each certificate.
  const std::string ca_serial = OpenSsl({"x509", "-in", F("ca.crt"), "-noout", "-serial"}).out;
  const std::string leaf_serial =
      OpenSsl({"x509", "-in", F("controller.crt"), "-noout", "-serial"}).out;
  EXPECT_EQ(ca_serial.size(), std::string("serial=\n").size() + 32) << ca_serial;
  EXPECT_NE(ca_serial, leaf_serial);

  // Validity: --days 30 for the controller, 3650 for the CA, from 5 minutes ago.
  EXPECT_EQ(ValidInDays(F("controller.crt"), 29), 0);
  EXPECT_EQ(ValidInDays(F("controller.crt"), 31), 1);
  EXPECT_EQ(ValidInDays(F("ca.crt"), 3649), 0);
  EXPECT_EQ(ValidInDays(F("ca.crt"), 3651), 1);
  absl::StatusOr<tls::CertIdentity> identity =
      tls::ParseCertIdentity(ReadFile(F("controller.crt")));
  ASSERT_TRUE(identity.ok()) << identity.status();
  EXPECT_EQ(identity->not_after - identity->not_before, absl::Hours(24 * 30) + absl::Minutes(5));
  EXPECT_LT(identity->not_before, absl::Now() - absl::Minutes(4));
}

TEST_F(PkiCommandTest, IssuesAgentAndUserCertificates) {
  ASSERT_EQ(Pki({"init", "--dir", Dir()}).code, 0);
  const Outcome agent = Pki({"issue", "--dir", Dir(), "--agent", "db-1.example.org"});
  ASSERT_EQ(agent.code, 0) << agent.err;
  EXPECT_EQ(agent.out, absl::StrCat(F("agents/db-1.example.org.key"), "\n",
                                    F("agents/db-1.example.org.crt"), "\n"));
  const Outcome user =
      Pki({"issue", "--dir", Dir(), "--user", "alice", "--role", "admin", "--days", "7"});
  ASSERT_EQ(user.code, 0) << user.err;
  EXPECT_EQ(Mode(F("agents/db-1.example.org.key")), 0600u);
  EXPECT_EQ(Mode(F("agents/db-1.example.org.crt")), 0644u);
  EXPECT_EQ(Mode(F("users/alice.key")), 0600u);

  const RunResult verify = OpenSsl({"verify", "-purpose", "sslclient", "-CAfile", F("ca.crt"),
                                    F("agents/db-1.example.org.crt"), F("users/alice.crt")});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  // Client certificates only: not for a server.
  EXPECT_NE(
      OpenSsl({"verify", "-purpose", "sslserver", "-CAfile", F("ca.crt"), F("users/alice.crt")})
          .exit_code,
      0);
  EXPECT_THAT(Text(F("agents/db-1.example.org.crt")),
              AllOf(HasSubstr("Subject: O = zfleet, OU = agent, CN = db-1.example.org"),
                    HasSubstr("TLS Web Client Authentication"),
                    Not(HasSubstr("TLS Web Server Authentication"))));
  EXPECT_THAT(Text(F("users/alice.crt")), HasSubstr("Subject: O = zfleet, OU = admin, CN = alice"));
  EXPECT_EQ(ValidInDays(F("users/alice.crt"), 6), 0);
  EXPECT_EQ(ValidInDays(F("users/alice.crt"), 8), 1);
  EXPECT_EQ(ValidInDays(F("agents/db-1.example.org.crt"), 364), 0);
  EXPECT_EQ(ValidInDays(F("agents/db-1.example.org.crt"), 366), 1);
  // The key is the certificate's.
  EXPECT_EQ(OpenSsl({"x509", "-in", F("users/alice.crt"), "-noout", "-pubkey"}).out,
            OpenSsl({"pkey", "-in", F("users/alice.key"), "-pubout"}).out);
}

TEST_F(PkiCommandTest, Ed25519) {
  ASSERT_EQ(Pki({"init", "--dir", Dir(), "--key-type", "ed25519"}).code, 0);
  ASSERT_EQ(Pki({"issue", "--dir", Dir(), "--agent", "h1", "--key-type", "ed25519"}).code, 0);
  ASSERT_EQ(Pki({"issue", "--dir", Dir(), "--agent", "h2"}).code,
            0);  // an EC leaf of an Ed25519 CA
  const RunResult verify = OpenSsl({"verify", "-CAfile", F("ca.crt"), F("controller.crt"),
                                    F("agents/h1.crt"), F("agents/h2.crt")});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_THAT(Text(F("ca.crt")), HasSubstr("Signature Algorithm: ED25519"));
  EXPECT_THAT(Text(F("agents/h1.crt")), HasSubstr("Public Key Algorithm: ED25519"));
  EXPECT_THAT(Text(F("agents/h2.crt")), AllOf(HasSubstr("Public Key Algorithm: id-ecPublicKey"),
                                              HasSubstr("Signature Algorithm: ED25519")));
}

TEST_F(PkiCommandTest, RefusesToOverwriteWithoutForce) {
  ASSERT_EQ(Pki({"init", "--dir", Dir()}).code, 0);
  const std::string ca = ReadFile(F("ca.crt"));
  const Outcome again = Pki({"init", "--dir", Dir()});
  EXPECT_EQ(again.code, 1);
  EXPECT_EQ(again.err, absl::StrCat("zfleet-controller pki: ", F("ca.key"),
                                    " exists; pass --force to replace it\n"));
  EXPECT_EQ(again.out, "");
  EXPECT_EQ(ReadFile(F("ca.crt")), ca);

  ASSERT_EQ(Pki({"issue", "--dir", Dir(), "--agent", "h1"}).code, 0);
  const std::string agent = ReadFile(F("agents/h1.crt"));
  const Outcome issue_again = Pki({"issue", "--dir", Dir(), "--agent", "h1"});
  EXPECT_EQ(issue_again.code, 1);
  EXPECT_THAT(issue_again.err, HasSubstr("agents/h1.key exists; pass --force to replace it"));
  EXPECT_EQ(ReadFile(F("agents/h1.crt")), agent);

  EXPECT_EQ(Pki({"issue", "--dir", Dir(), "--agent", "h1", "--force"}).code, 0);
  EXPECT_NE(ReadFile(F("agents/h1.crt")), agent);
  EXPECT_EQ(Pki({"init", "--dir", Dir(), "--force"}).code, 0);
  EXPECT_NE(ReadFile(F("ca.crt")), ca);
  EXPECT_EQ(Mode(F("ca.key")), 0600u);
  // No temp files are left behind.
  const RunResult listing = RunProgram({"ls", "-A", Dir(), F("agents")});
  EXPECT_THAT(listing.out, Not(HasSubstr(".tmp")));
}

TEST_F(PkiCommandTest, IssueWithoutCaFailsClearly) {
  const Outcome issue = Pki({"issue", "--dir", Dir(), "--agent", "h1"});
  EXPECT_EQ(issue.code, 1);
  EXPECT_EQ(issue.err,
            absl::StrCat("zfleet-controller pki: ", F("ca.crt"),
                         " not found; run `zfleet-controller pki init --dir ", Dir(), "` first\n"));
  EXPECT_EQ(Mode(F("agents")), 0u);  // nothing made
  // A CA whose key is someone else's.
  ASSERT_EQ(Pki({"init", "--dir", Dir()}).code, 0);
  ASSERT_EQ(Pki({"init", "--dir", tmp_.File("other")}).code, 0);
  ASSERT_EQ(rename(tmp_.File("other/ca.key").c_str(), F("ca.key").c_str()), 0);
  const Outcome mismatch = Pki({"issue", "--dir", Dir(), "--agent", "h1"});
  EXPECT_EQ(mismatch.code, 1);
  EXPECT_THAT(mismatch.err, HasSubstr("the CA key does not match the CA certificate"));
}

TEST_F(PkiCommandTest, BadFlagsExitTwo) {
  ASSERT_EQ(Pki({"init", "--dir", Dir()}).code, 0);
  struct Case {
    std::vector<std::string> args;
    std::string err;
  };
  const std::vector<Case> cases = {
      {{}, "A subcommand is required"},
      {{"frobnicate"}, ""},
      {{"init"}, "--dir is required"},
      {{"init", "--dir", Dir(), "--bogus"}, ""},
      {{"init", "--dir", tmp_.File("x"), "--key-type", "rsa"}, "--key-type"},
      {{"init", "--dir", tmp_.File("x"), "--name", "a,DNS:evil"}, "neither an IP address nor"},
      {{"init", "--dir", tmp_.File("x"), "--days", "0"}, "--days 0 is not"},
      {{"init", "--dir", tmp_.File("x"), "--ca-days", "abc"}, ""},
      {{"issue", "--dir", Dir()}, "give exactly one of --agent HOST and --user NAME"},
      {{"issue", "--dir", Dir(), "--agent", "../evil"}, "host '../evil' is not"},
      {{"issue", "--dir", Dir(), "--agent", "a b"}, "host 'a b' is not"},
      {{"issue", "--dir", Dir(), "--agent", std::string(254, 'h')}, "is not 1-253"},
      {{"issue", "--dir", Dir(), "--user", "alice"}, "--role"},
      {{"issue", "--dir", Dir(), "--user", "alice", "--role", "root"}, "--role"},
      {{"issue", "--dir", Dir(), "--agent", "h", "--role", "admin"}, "--role"},
      {{"issue", "--dir", Dir(), "--agent", "h", "--user", "alice", "--role", "admin"}, ""},
      {{"issue", "--dir", Dir(), "--user", "al/ice", "--role", "admin"}, "user name 'al/ice'"},
  };
  for (const Case& c : cases) {
    const Outcome outcome = Pki(c.args);
    const std::string what = absl::StrJoin(c.args, " ");
    EXPECT_EQ(outcome.code, 2) << what << ": " << outcome.err;
    EXPECT_THAT(outcome.err, ::testing::StartsWith("zfleet-controller pki: ")) << what;
    EXPECT_THAT(outcome.err, HasSubstr(c.err)) << what;
    EXPECT_EQ(std::count(outcome.err.begin(), outcome.err.end(), '\n'), 1) << what << outcome.err;
    EXPECT_EQ(outcome.out, "") << what;
  }
  EXPECT_EQ(Mode(tmp_.File("x")), 0u);  // nothing was made for a bad command line
  EXPECT_EQ(Mode(F("users")), 0u);
  EXPECT_EQ(Mode(F("agents")), 0u);
  EXPECT_EQ(Pki({"--help"}).code, 0);
}

}  // namespace
}  // namespace zfleet::controller::pki
