// Mutual TLS over real gRPC on 127.0.0.1: who gets in, who the server sees, and rotation of
// the server's certificate and CA without a restart.
#include <stdio.h>

#include <memory>
#include <string>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/tls/grpc_credentials.h"
#include "controller/pki/cert_issuer.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/tls_certificate_provider.h"
#include "grpcpp/security/tls_credentials_options.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"
#include "tests/common/tls/test_pki.h"
#include "tests/testing/temp_dir.h"
#include "zfleet/v1/zfleet.grpc.pb.h"

namespace zfleet::tls {
namespace {

using zfleet::testing::ReadFile;
using zfleet::testing::TempDir;

constexpr absl::Duration kRefresh = absl::Seconds(1);
constexpr absl::Duration kRotationWait = absl::Seconds(15);

// Answers with the caller's identity: next_report_interval_s = 1 for role agent, 2 for
// operator, 0 otherwise; the name is kept for the test to read.
class EchoIdentityService final : public v1::AgentService::Service {
 public:
  grpc::Status Report(grpc::ServerContext* context, const v1::ReportRequest*,
                      v1::ReportResponse* response) override {
    absl::StatusOr<CertIdentity> identity = PeerIdentity(*context->auth_context());
    if (!identity.ok()) {
      return grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                          std::string(identity.status().message()));
    }
    response->set_next_report_interval_s(identity->role == "agent"      ? 1
                                         : identity->role == "operator" ? 2
                                                                        : 0);
    absl::MutexLock lock(&mu_);
    last_name_ = identity->name;
    return grpc::Status::OK;
  }
  std::string last_name() {
    absl::MutexLock lock(&mu_);
    return last_name_;
  }

 private:
  absl::Mutex mu_;
  std::string last_name_ ABSL_GUARDED_BY(mu_);
};

class MutualTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(testing::MakePki(tmp_.File("a"), now_).ok());  // the server's CA
    ASSERT_TRUE(testing::MakePki(tmp_.File("b"), now_).ok());  // another CA
    // The server serves copies, so that rotation can replace them.
    ASSERT_EQ(mkdir(tmp_.File("server").c_str(), 0700), 0);
    for (const char* name : {"ca.crt", "controller.crt", "controller.key"}) {
      Replace(std::string("server/") + name, ReadFile(tmp_.File(std::string("a/") + name)));
    }
    StartServer();
  }
  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown(absl::ToChronoTime(absl::Now() + absl::Seconds(2)));
  }

  void StartServer() {
    const TlsFiles files = ServerFiles();
    ASSERT_TRUE(CheckTlsFiles(files, now_).ok()) << CheckTlsFiles(files, now_);
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", MutualTlsServerCredentials(files, kRefresh), &port_);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ASSERT_GT(port_, 0);
  }
  TlsFiles ServerFiles() {
    return {tmp_.File("server/ca.crt"), tmp_.File("server/controller.crt"),
            tmp_.File("server/controller.key")};
  }
  // Writes beside and renames over, as an operator rotating files should.
  void Replace(const std::string& name, const std::string& content) {
    const std::string temp = tmp_.File(name + ".new");
    tmp_.Write(name + ".new", content);
    ASSERT_EQ(rename(temp.c_str(), tmp_.File(name).c_str()), 0);
  }

  // One Report over a fresh connection (a local subchannel pool: nothing is reused).
  grpc::Status Call(std::shared_ptr<grpc::ChannelCredentials> credentials,
                    v1::ReportResponse* response = nullptr, const std::string& host = "127.0.0.1") {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    auto channel = grpc::CreateCustomChannel(absl::StrCat(host, ":", port_), credentials, args);
    auto stub = v1::AgentService::NewStub(channel);
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
    v1::ReportRequest request;
    v1::ReportResponse ignored;
    return stub->Report(&context, request, response != nullptr ? response : &ignored);
  }
  grpc::Status CallWith(const TlsFiles& files, v1::ReportResponse* response = nullptr) {
    return Call(MutualTlsChannelCredentials(files, kRefresh), response);
  }
  // Polls until a call with `files` succeeds, for at most kRotationWait.
  bool SucceedsWithinRotationWait(const TlsFiles& files) {
    const absl::Time deadline = absl::Now() + kRotationWait;
    while (absl::Now() < deadline) {
      if (CallWith(files).ok()) return true;
      absl::SleepFor(absl::Milliseconds(200));
    }
    return false;
  }

  TempDir tmp_;
  const absl::Time now_ = absl::Now();  // the handshake checks the real clock
  std::unique_ptr<EchoIdentityService> service_ = std::make_unique<EchoIdentityService>();
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

TEST_F(MutualTlsTest, ClientOfTheCaGetsInAndIsIdentified) {
  v1::ReportResponse response;
  grpc::Status status = CallWith(testing::AgentFiles(tmp_.File("a")), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.next_report_interval_s(), 1u);
  EXPECT_EQ(service_->last_name(), "host-a");

  status = CallWith(testing::UserFiles(tmp_.File("a")), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.next_report_interval_s(), 2u);
  EXPECT_EQ(service_->last_name(), "alice");
}

TEST_F(MutualTlsTest, PlaintextClientIsRefused) {
  const grpc::Status status = Call(grpc::InsecureChannelCredentials());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
  EXPECT_EQ(service_->last_name(), "");
}

TEST_F(MutualTlsTest, ClientWithoutCertificateIsRefused) {
  auto roots = std::make_shared<grpc::experimental::StaticDataCertificateProvider>(
      ReadFile(tmp_.File("a/ca.crt")));
  grpc::experimental::TlsChannelCredentialsOptions options;
  options.set_certificate_provider(roots);
  options.watch_root_certs();
  const grpc::Status status = Call(grpc::experimental::TlsCredentials(options));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
  EXPECT_EQ(service_->last_name(), "");
}

TEST_F(MutualTlsTest, ClientOfAForeignCaIsRefused) {
  TlsFiles files = testing::AgentFiles(tmp_.File("b"));
  files.ca = tmp_.File("a/ca.crt");  // it trusts the server; the server does not trust it
  const grpc::Status status = CallWith(files);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
  EXPECT_EQ(service_->last_name(), "");
}

TEST_F(MutualTlsTest, ExpiredClientCertificateIsRefused) {
  ASSERT_TRUE(testing::MakeExpiredAgentCert(tmp_.File("a"), "old-host").ok());
  TlsFiles files = testing::AgentFiles(tmp_.File("a"));
  files.cert = tmp_.File("a/expired.crt");
  files.key = tmp_.File("a/expired.key");
  const grpc::Status status = CallWith(files);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
  EXPECT_EQ(service_->last_name(), "");
}

TEST_F(MutualTlsTest, ServerWhoseCertificateDoesNotNameTheTargetIsRefused) {
  // The client dials 127.0.0.1; a server certificate of the right CA naming only another
  // host must not do.
  controller::pki::PemPair ca{ReadFile(tmp_.File("a/ca.crt")), ReadFile(tmp_.File("a/ca.key"))};
  controller::pki::LeafRequest leaf = controller::pki::ControllerLeaf({{"elsewhere.example"}, {}});
  leaf.now = now_;
  absl::StatusOr<controller::pki::PemPair> other = controller::pki::IssueCert(ca, leaf);
  ASSERT_TRUE(other.ok()) << other.status();
  server_->Shutdown(absl::ToChronoTime(absl::Now() + absl::Seconds(2)));
  server_.reset();
  Replace("server/controller.crt", other->cert);
  Replace("server/controller.key", other->key);
  service_ = std::make_unique<EchoIdentityService>();
  StartServer();
  const grpc::Status status = CallWith(testing::AgentFiles(tmp_.File("a")));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
}

TEST_F(MutualTlsTest, RotatedServerCertificateIsServedWithoutRestart) {
  // A client that trusts only CA b, with a client certificate CA a (the server's) accepts.
  TlsFiles client = testing::AgentFiles(tmp_.File("a"));
  client.ca = tmp_.File("b/ca.crt");
  EXPECT_EQ(CallWith(client).error_code(), grpc::StatusCode::UNAVAILABLE);
  // The server's certificate and key move to CA b: key first, then certificate.
  Replace("server/controller.key", ReadFile(tmp_.File("b/controller.key")));
  Replace("server/controller.crt", ReadFile(tmp_.File("b/controller.crt")));
  EXPECT_TRUE(SucceedsWithinRotationWait(client));
  // And a client trusting only the old CA no longer accepts the server.
  EXPECT_EQ(CallWith(testing::AgentFiles(tmp_.File("a"))).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(MutualTlsTest, RotatedServerCaAcceptsTheNewCasClients) {
  // A client of CA b that trusts the server (CA a).
  TlsFiles client = testing::AgentFiles(tmp_.File("b"));
  client.ca = tmp_.File("a/ca.crt");
  EXPECT_EQ(CallWith(client).error_code(), grpc::StatusCode::UNAVAILABLE);
  Replace("server/ca.crt", ReadFile(tmp_.File("b/ca.crt")));
  EXPECT_TRUE(SucceedsWithinRotationWait(client));
  EXPECT_EQ(service_->last_name(), "host-a");
  // CA a's clients are out now.
  EXPECT_EQ(CallWith(testing::AgentFiles(tmp_.File("a"))).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

// What gRPC 1.51 does when it reads a key that does not match the certificate (a rotation
// caught half-way): it installs the pair, fails to build the TLS context ("Invalid private
// key"), and refuses every new connection, the old pair NOT kept, until a matching pair is
// read again. If this starts failing, gRPC changed: update grpc_credentials.h.
TEST_F(MutualTlsTest, MismatchedKeyMidRotationRefusesUntilFixed) {
  const TlsFiles client = testing::AgentFiles(tmp_.File("a"));
  ASSERT_TRUE(CallWith(client).ok());
  Replace("server/controller.key", ReadFile(tmp_.File("b/controller.key")));
  bool refused = false;
  for (const absl::Time deadline = absl::Now() + kRotationWait;
       !refused && absl::Now() < deadline;) {
    refused = CallWith(client).error_code() == grpc::StatusCode::UNAVAILABLE;
    if (!refused) absl::SleepFor(absl::Milliseconds(200));
  }
  EXPECT_TRUE(refused) << "gRPC kept serving the old pair";
  // Still refused after more refreshes: nothing falls back to the old pair.
  absl::SleepFor(kRefresh * 2);
  EXPECT_EQ(CallWith(client).error_code(), grpc::StatusCode::UNAVAILABLE);
  Replace("server/controller.key", ReadFile(tmp_.File("a/controller.key")));
  EXPECT_TRUE(SucceedsWithinRotationWait(client));
}

TEST(RefreshSecondsTest, WholeSecondsAtLeastOne) {
  EXPECT_EQ(RefreshSeconds(absl::ZeroDuration()), 1u);
  EXPECT_EQ(RefreshSeconds(absl::Milliseconds(10)), 1u);
  EXPECT_EQ(RefreshSeconds(absl::Seconds(1)), 1u);
  EXPECT_EQ(RefreshSeconds(absl::Milliseconds(1500)), 2u);
  EXPECT_EQ(RefreshSeconds(absl::Minutes(5)), 300u);
  EXPECT_EQ(RefreshSeconds(-absl::Seconds(3)), 1u);
  EXPECT_EQ(RefreshSeconds(absl::InfiniteDuration()), 4294967295u);
}

}  // namespace
}  // namespace zfleet::tls
