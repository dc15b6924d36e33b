// FleetClient and whole commands over mutual TLS against a FleetService on 127.0.0.1:0, with
// certificates made in memory by the controller's PKI: what on-call reads when the
// certificates fit, when they do not, and when one side speaks TLS and the other not.
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "cli/commands.h"
#include "cli/fleet_client.h"
#include "common/tls/grpc_credentials.h"
#include "controller/pki/cert_issuer.h"
#include "gmock/gmock.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/testing/temp_dir.h"

namespace zfleet::cli {
namespace {

namespace pki = controller::pki;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using Json = nlohmann::ordered_json;

// Answers WhoAmI with the identity of the caller's certificate.
class IdentityService final : public v1::FleetService::Service {
  grpc::Status WhoAmI(grpc::ServerContext* context, const v1::WhoAmIRequest*,
                      v1::WhoAmIResponse* response) override {
    absl::StatusOr<tls::CertIdentity> id = tls::PeerIdentity(*context->auth_context());
    if (!id.ok()) return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "no certificate");
    response->set_name(id->name);
    response->set_role(id->role);
    response->set_transport("mtls");
    response->set_peer(context->peer());
    response->set_cert_not_after(absl::ToUnixSeconds(id->not_after));
    return grpc::Status::OK;
  }
};

// A CA and the three files of one identity it issued, written to `dir` as NAME-ca.crt,
// NAME.crt and NAME.key.
struct Identity {
  pki::PemPair ca;
  tls::TlsFiles files;
};

pki::PemPair NewCa(absl::Time now) {
  absl::StatusOr<pki::PemPair> ca = pki::CreateCa({.now = now});
  EXPECT_TRUE(ca.ok()) << ca.status();
  return ca.ok() ? *ca : pki::PemPair();
}

tls::TlsFiles WriteIdentity(const testing::TempDir& dir, const std::string& name,
                            const pki::PemPair& ca, const pki::LeafRequest& leaf) {
  absl::StatusOr<pki::PemPair> pair = pki::IssueCert(ca, leaf);
  EXPECT_TRUE(pair.ok()) << pair.status();
  dir.Write(name + "-ca.crt", ca.cert);
  dir.Write(name + ".crt", pair.ok() ? pair->cert : "");
  dir.Write(name + ".key", pair.ok() ? pair->key : "");
  return {.ca = dir.File(name + "-ca.crt"),
          .cert = dir.File(name + ".crt"),
          .key = dir.File(name + ".key")};
}

class FleetClientTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    now_ = absl::Now();  // certificates are checked against the real clock by OpenSSL
    ca_ = NewCa(now_);
    pki::LeafRequest server = pki::ControllerLeaf({.dns = {"localhost"}, .ips = {"127.0.0.1"}});
    server.now = now_;
    server_files_ = WriteIdentity(dir_, "controller", ca_, server);
    pki::LeafRequest alice = pki::UserLeaf("alice", "operator");
    alice.now = now_;
    alice_ = WriteIdentity(dir_, "alice", ca_, alice);
  }
  void TearDown() override {
    if (server_) server_->Shutdown(std::chrono::system_clock::now());
  }

  // Starts the service on 127.0.0.1:0, over mutual TLS or plaintext.
  void Start(bool tls) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0",
                             tls ? tls::MutualTlsServerCredentials(server_files_, absl::Seconds(60))
                                 : grpc::InsecureServerCredentials(),
                             &port_);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    target_ = absl::StrCat("127.0.0.1:", port_);
  }

  absl::Status WhoAmIError(std::optional<tls::TlsFiles> files) {
    FleetClient client({.target = target_, .timeout = absl::Seconds(5), .tls = std::move(files)});
    absl::StatusOr<v1::WhoAmIResponse> me = client.WhoAmI();
    EXPECT_FALSE(me.ok());
    return me.status();
  }

  testing::TempDir dir_;
  absl::Time now_;
  pki::PemPair ca_;
  tls::TlsFiles server_files_;
  tls::TlsFiles alice_;
  IdentityService service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  std::string target_;
};

TEST_F(FleetClientTlsTest, WhoAmIOverMutualTlsAsMainWiresIt) {
  Start(/*tls=*/true);
  Environment env;
  env.now = now_;
  env.check_tls = [this](const tls::TlsFiles& files) { return tls::CheckTlsFiles(files, now_); };
  const FleetApiFactory make_api = [](const ControllerConnection& connection) {
    return std::make_unique<FleetClient>(connection);
  };
  const CliResult r = RunCli({"--controller", target_, "--tls-ca", alice_.ca, "--tls-cert",
                              alice_.cert, "--tls-key", alice_.key, "whoami", "--json"},
                             env, make_api);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  const Json doc = Json::parse(r.out);
  EXPECT_EQ(doc["name"], "alice");
  EXPECT_EQ(doc["role"], "operator");
  EXPECT_EQ(doc["transport"], "mtls");

  // The same files from the environment.
  env.tls_env = alice_;
  const CliResult text = RunCli({"--controller", target_, "whoami"}, env, make_api);
  EXPECT_EQ(text.exit_code, kExitOk) << text.err;
  EXPECT_THAT(text.out, StartsWith("you are alice (operator) over mutual TLS, certificate valid "
                                   "until "));
}

TEST_F(FleetClientTlsTest, CertificateOfAnotherCaFailsTheHandshakeOnOneLine) {
  Start(/*tls=*/true);
  const pki::PemPair other_ca = NewCa(now_);
  pki::LeafRequest mallory = pki::UserLeaf("mallory", "admin");
  mallory.now = now_;
  tls::TlsFiles stranger = WriteIdentity(dir_, "mallory", other_ca, mallory);
  // Mallory trusts both CAs, so the controller's certificate passes and only the
  // controller refuses: its CA did not issue hers.
  dir_.Write("both-ca.crt", other_ca.cert + ca_.cert);
  stranger.ca = dir_.File("both-ca.crt");
  ASSERT_TRUE(tls::CheckTlsFiles(stranger, now_).ok());
  const std::string prefix =
      absl::StrCat("cannot reach controller at ", target_,
                   ": TLS handshake failed (is the certificate from the controller's CA, and "
                   "valid?)");

  const absl::Status refused = WhoAmIError(stranger);
  EXPECT_EQ(refused.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(refused.message(), prefix + ": the controller closed the connection");

  // Our CA does not vouch for the controller's certificate.
  const tls::TlsFiles distrust{
      .ca = dir_.File("mallory-ca.crt"), .cert = alice_.cert, .key = alice_.key};
  const absl::Status untrusted = WhoAmIError(distrust);
  EXPECT_EQ(untrusted.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(untrusted.message(), prefix + ": certificate verify failed");
}

TEST_F(FleetClientTlsTest, PlaintextClientOfATlsControllerIsToldAboutTls) {
  Start(/*tls=*/true);
  const absl::Status plain = WhoAmIError(std::nullopt);
  EXPECT_EQ(plain.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(plain.message()),
              HasSubstr("does the controller require TLS? pass --tls-ca/--tls-cert/--tls-key or "
                        "set ZFLEET_TLS_*"));
}

TEST_F(FleetClientTlsTest, TlsClientOfAPlaintextController) {
  Start(/*tls=*/false);
  const absl::Status tls_to_plain = WhoAmIError(alice_);
  EXPECT_EQ(tls_to_plain.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(tls_to_plain.message(),
            absl::StrCat("cannot reach controller at ", target_,
                         ": TLS handshake failed: the controller does not speak TLS at this "
                         "address (a plaintext listener?)"));
}

}  // namespace
}  // namespace zfleet::cli
