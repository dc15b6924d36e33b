// Mutual TLS, roles and wire limits with the real binaries on real sockets (127.0.0.1): a
// PKI made by `zfleet-controller pki`, foreign and expired certificates made by `openssl`,
// a controller and an agent as processes, the CLI as people of each role, and a raw gRPC
// client for what no well-behaved binary would send.
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/tls/grpc_credentials.h"
#include "gmock/gmock.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/testing/fleet_fixture.h"
#include "zfleet/v1/zfleet.grpc.pb.h"

namespace zfleet::testing {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;

int Count(const std::string& text, const std::string& what) {
  int n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// Runs openssl; fails the test when it does not exit 0.
void OpenSsl(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"openssl"};
  argv.insert(argv.end(), args.begin(), args.end());
  RunResult r = RunProgram(argv, 60);
  ASSERT_EQ(r.exit_code, 0) << "openssl " << args[0] << ": " << r.err;
}

// Writes `content` to `path` through a temporary file and a rename, as a rotation would.
void ReplaceFile(const std::string& path, const std::string& content) {
  const std::string tmp = path + ".new";
  std::ofstream(tmp, std::ios::binary | std::ios::trunc) << content;
  std::filesystem::rename(tmp, path);
}

class SecurityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fleet_.EnableMutualTls());
    zpool_ = InstallFakeZpool(dir_, "fake_host/list.txt", "fake_host/healthy.txt");
    // A started scrub finishes at once: the next status shows it done.
    std::filesystem::copy_file(std::string(ZFLEET_TESTDATA_DIR) + "/fake_host/scrubbed.txt",
                               dir_.File("on_scrub.txt"));
    // The scheduler starts nothing of its own: only the scrubs the tests ask for run.
    fleet_.StartController(EveryClassScrubbedEvery(kNeverDue));
    ASSERT_TRUE(WaitFor([&] { return fleet_.Cli({"whoami"}).exit_code == 0; }, absl::Seconds(20)))
        << fleet_.Logs();
  }

  // A gRPC channel to the controller with the given files, checked by nothing but the
  // controller itself.
  std::shared_ptr<grpc::Channel> Channel(const std::string& ca, const std::string& cert,
                                         const std::string& key) {
    tls::TlsFiles files{ca, cert, key};
    return grpc::CreateChannel(fleet_.address(),
                               tls::MutualTlsChannelCredentials(files, absl::Seconds(1)));
  }
  std::shared_ptr<grpc::Channel> AgentChannel(const std::string& host) {
    EXPECT_TRUE(fleet_.IssueAgent(host));
    const std::string stem = fleet_.PkiDir() + "/agents/" + host;
    return Channel(fleet_.PkiDir() + "/ca.crt", stem + ".crt", stem + ".key");
  }

  static grpc::Status Report(grpc::Channel* channel, const v1::ReportRequest& request) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    v1::ReportResponse response;
    return v1::AgentService::NewStub(std::shared_ptr<grpc::Channel>(channel, [](auto*) {}))
        ->Report(&context, request, &response);
  }
  static grpc::Status WhoAmI(grpc::Channel* channel, v1::WhoAmIResponse* response) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    return v1::FleetService::NewStub(std::shared_ptr<grpc::Channel>(channel, [](auto*) {}))
        ->WhoAmI(&context, v1::WhoAmIRequest(), response);
  }

  std::vector<std::string> HostIds() {
    Json hosts = fleet_.CliJson({"hosts"});
    std::vector<std::string> ids;
    if (!hosts.is_object()) return {"<zfleet hosts failed>"};
    for (const Json& host : hosts["hosts"]) ids.push_back(host["host"].get<std::string>());
    return ids;
  }

  // A CA of our own making, unknown to the controller, and a client certificate from it
  // that claims the admin role.
  void MakeForeignCa() {
    const std::string d = dir_.File("foreign");
    std::filesystem::create_directories(d);
    ASSERT_NO_FATAL_FAILURE(OpenSsl({"req", "-x509", "-newkey", "ec", "-pkeyopt",
                                     "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
                                     d + "/ca.key", "-out", d + "/ca.crt", "-subj",
                                     "/CN=foreign-ca", "-days", "30"}));
    ASSERT_NO_FATAL_FAILURE(OpenSsl({"req", "-new", "-newkey", "ec", "-pkeyopt",
                                     "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
                                     d + "/admin.key", "-out", d + "/admin.csr", "-subj",
                                     "/O=zfleet/OU=admin/CN=intruder"}));
    ASSERT_NO_FATAL_FAILURE(OpenSsl({"x509", "-req", "-in", d + "/admin.csr", "-CA",
                                     d + "/ca.crt", "-CAkey", d + "/ca.key", "-set_serial", "7",
                                     "-days", "30", "-out", d + "/admin.crt"}));
  }

  // An admin certificate from the controller's own CA that expired in 2020, made with
  // `openssl ca` (the only openssl 3.0 command that sets past dates).
  void MakeExpiredAdmin() {
    const std::string d = dir_.File("expired");
    std::filesystem::create_directories(d);
    std::ofstream(d + "/index.txt");
    std::ofstream(d + "/serial") << "1000\n";
    std::ofstream(d + "/ca.cnf") << "[ca]\ndefault_ca = zfleet\n[zfleet]\ndatabase = " << d
                                 << "/index.txt\nnew_certs_dir = " << d << "\nserial = " << d
                                 << "/serial\ndefault_md = sha256\npolicy = any\n"
                                 << "[any]\ncommonName = supplied\n"
                                 << "organizationalUnitName = optional\n"
                                 << "organizationName = optional\n";
    ASSERT_NO_FATAL_FAILURE(OpenSsl({"req", "-new", "-newkey", "ec", "-pkeyopt",
                                     "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
                                     d + "/admin.key", "-out", d + "/admin.csr", "-subj",
                                     "/O=zfleet/OU=admin/CN=former-admin"}));
    ASSERT_NO_FATAL_FAILURE(OpenSsl(
        {"ca", "-batch", "-config", d + "/ca.cnf", "-cert", fleet_.PkiDir() + "/ca.crt",
         "-keyfile", fleet_.PkiDir() + "/ca.key", "-in", d + "/admin.csr", "-out",
         d + "/admin.crt", "-startdate", "20200101000000Z", "-enddate", "20200102000000Z",
         "-notext"}));
  }

  TempDir dir_;
  ProcessFleet fleet_{&dir_};
  std::string zpool_;
};

TEST_F(SecurityTest, ViewerIsRefusedWritesAndOperatorIsAllowedEachAudited) {
  ASSERT_TRUE(fleet_.IssueUser("vera", "viewer"));
  ASSERT_TRUE(fleet_.IssueUser("otto", "operator"));
  fleet_.StartAgent("h1", zpool_);
  ASSERT_TRUE(WaitFor([&] { return HostIds() == std::vector<std::string>{"h1"}; },
                      absl::Seconds(30)))
      << fleet_.Logs();

  RunResult who = fleet_.CliAs("vera", {"whoami", "--json"});
  ASSERT_EQ(who.exit_code, 0) << who.err;
  Json me = Json::parse(who.out);
  EXPECT_EQ(me["name"], "vera");
  EXPECT_EQ(me["role"], "viewer");
  EXPECT_EQ(me["transport"], "mtls");

  // A viewer reads, but may not scrub.
  EXPECT_EQ(fleet_.CliAs("vera", {"pools"}).exit_code, 0);
  RunResult refused = fleet_.CliAs("vera", {"scrub", "h1/tank", "--now"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr("viewer \"vera\" may not start a scrub (needs operator)"));
  EXPECT_EQ(Count(refused.err, "\n"), 1) << refused.err;

  // An operator may; the scrub runs and its finish is an event.
  RunResult allowed = fleet_.CliAs("otto", {"scrub", "h1/tank", "--now"});
  ASSERT_EQ(allowed.exit_code, 0) << allowed.err << fleet_.Logs();
  Json events = fleet_.WaitForJson({"events", "--since", "1h"}, [](const Json& j) {
    return !j["events"].empty();
  });
  ASSERT_FALSE(events["events"].empty()) << fleet_.Logs();
  const std::string id = std::to_string(events["events"][0]["id"].get<int64_t>());

  RunResult viewer_ack = fleet_.CliAs("vera", {"ack", "--events", id});
  EXPECT_EQ(viewer_ack.exit_code, 1);
  EXPECT_THAT(viewer_ack.err, HasSubstr("may not acknowledge events (needs operator)"));
  // The ack is recorded under the certificate's name, whatever $USER says.
  setenv("USER", "mallory", 1);
  RunResult operator_ack = fleet_.CliAs("otto", {"ack", "--events", id});
  unsetenv("USER");
  ASSERT_EQ(operator_ack.exit_code, 0) << operator_ack.err;
  Json acked = fleet_.CliJson({"events", "--since", "1h"});
  for (const Json& event : acked["events"]) {
    if (std::to_string(event["id"].get<int64_t>()) == id) {
      EXPECT_EQ(event["acknowledged_by"], "otto") << event.dump();
    }
  }

  // Every write is in the audit trail with who, role and result; refusals too.
  Json audit = fleet_.CliJson({"audit", "--since", "1h"});
  ASSERT_TRUE(audit.is_object());
  std::vector<std::string> seen;
  for (const Json& entry : audit["entries"]) {
    seen.push_back(absl::StrCat(entry["who"].get<std::string>(), " ",
                                entry["role"].get<std::string>(), " ",
                                entry["action"].get<std::string>(), " ",
                                entry["result"].get<std::string>()));
  }
  EXPECT_THAT(seen, ::testing::ElementsAre("otto operator ack ok", "vera viewer ack denied",
                                           "otto operator scrub-start ok",
                                           "vera viewer scrub-start denied"))
      << audit.dump(2);

  // Administration needs admin: the operator may not forget a host, the admin may.
  RunResult operator_forget = fleet_.CliAs("otto", {"forget", "h1", "--yes"});
  EXPECT_EQ(operator_forget.exit_code, 1);
  EXPECT_THAT(operator_forget.err, HasSubstr("(needs admin)"));
  RunResult operator_cancel = fleet_.CliAs("otto", {"cancel-queued"});
  EXPECT_EQ(operator_cancel.exit_code, 1);
  EXPECT_THAT(operator_cancel.err, HasSubstr("(needs admin)"));
}

TEST_F(SecurityTest, AgentCertificateMayReportOnlyAsItsOwnHost) {
  // The real agent, holding h-a's certificate, claims to be h-b.
  fleet_.StartAgent("h-b", zpool_, "[agent]\npoll_interval = \"1s\"\n", "h-a");
  ASSERT_TRUE(WaitFor(
      [&] {
        return Count(ReadFile(dir_.File("controller.log")), "may not report as host") > 0;
      },
      absl::Seconds(30)))
      << fleet_.Logs();
  std::this_thread::sleep_for(std::chrono::seconds(3));  // a few more refused reports
  EXPECT_THAT(HostIds(), ::testing::IsEmpty());
  // Logged once per certificate and claimed host, not once per report.
  EXPECT_EQ(Count(ReadFile(dir_.File("controller.log")),
                  "agent certificate \"h-a\" may not report as host \"h-b\""),
            1)
      << fleet_.Logs();

  auto channel = AgentChannel("h-c");
  v1::ReportRequest as_other;
  as_other.set_host_id("h-d");
  as_other.set_instance_id("i");
  as_other.set_pools_valid(true);
  grpc::Status status = Report(channel.get(), as_other);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << status.error_message();
  // The same certificate for its own host is fine, and an agent may not read the fleet.
  as_other.set_host_id("h-c");
  EXPECT_TRUE(Report(channel.get(), as_other).ok());
  v1::WhoAmIResponse who;
  ASSERT_TRUE(WhoAmI(channel.get(), &who).ok());
  EXPECT_EQ(who.role(), "agent");
  grpc::ClientContext context;
  v1::ListHostsResponse hosts;
  EXPECT_EQ(v1::FleetService::NewStub(channel)
                ->ListHosts(&context, v1::ListHostsRequest(), &hosts)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(HostIds(), std::vector<std::string>{"h-c"});
}

TEST_F(SecurityTest, PlaintextForeignCaAndExpiredClientsAreRefused) {
  // Plaintext: the CLI without certificates.
  RunResult plaintext = RunProgram({BinaryPath("zfleet"), "--controller", fleet_.address(),
                                    "--timeout", "5s", "status"});
  EXPECT_EQ(plaintext.exit_code, 1);
  EXPECT_EQ(Count(plaintext.err, "\n"), 1) << plaintext.err;
  EXPECT_THAT(plaintext.err, HasSubstr("cannot reach controller"));

  ASSERT_NO_FATAL_FAILURE(MakeForeignCa());
  ASSERT_NO_FATAL_FAILURE(MakeExpiredAdmin());
  const std::string ca = fleet_.PkiDir() + "/ca.crt";
  v1::WhoAmIResponse who;
  auto foreign = Channel(ca, dir_.File("foreign/admin.crt"), dir_.File("foreign/admin.key"));
  EXPECT_EQ(WhoAmI(foreign.get(), &who).error_code(), grpc::StatusCode::UNAVAILABLE);
  auto expired = Channel(ca, dir_.File("expired/admin.crt"), dir_.File("expired/admin.key"));
  EXPECT_EQ(WhoAmI(expired.get(), &who).error_code(), grpc::StatusCode::UNAVAILABLE);
  // The CLI does not even try with an expired certificate: one line, before any call.
  RunResult cli_expired = RunProgram(
      {BinaryPath("zfleet"), "--controller", fleet_.address(), "--tls-ca", ca, "--tls-cert",
       dir_.File("expired/admin.crt"), "--tls-key", dir_.File("expired/admin.key"), "status"});
  EXPECT_NE(cli_expired.exit_code, 0);
  EXPECT_THAT(cli_expired.err, HasSubstr("expired"));
  EXPECT_EQ(Count(cli_expired.err, "\n"), 1) << cli_expired.err;

  // The controller's own good admin still gets in.
  EXPECT_EQ(fleet_.Cli({"whoami"}).exit_code, 0);
}

TEST_F(SecurityTest, RotatedCaAndCertificateAreUsedWithoutRestart) {
  // A second CA, with an admin and a controller certificate of its own.
  const std::string pki2 = dir_.File("pki2");
  RunResult init = RunProgram({BinaryPath("zfleet-controller"), "pki", "init", "--dir", pki2});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  RunResult issue = RunProgram({BinaryPath("zfleet-controller"), "pki", "issue", "--dir", pki2,
                                "--user", "newadmin", "--role", "admin"});
  ASSERT_EQ(issue.exit_code, 0) << issue.err;
  const std::string ca1 = ReadFile(fleet_.PkiDir() + "/ca.crt");
  const std::string ca2 = ReadFile(pki2 + "/ca.crt");
  dir_.Write("bundle.crt", ca1 + ca2);
  const std::vector<std::string> as_newadmin = {
      BinaryPath("zfleet"), "--controller", fleet_.address(), "--tls-ca", dir_.File("bundle.crt"),
      "--tls-cert", pki2 + "/users/newadmin.crt", "--tls-key", pki2 + "/users/newadmin.key",
      "--timeout", "5s", "whoami"};
  std::vector<std::string> trusting_only_ca2 = as_newadmin;
  trusting_only_ca2[4] = pki2 + "/ca.crt";

  // Before: the controller trusts only the first CA.
  EXPECT_EQ(RunProgram(as_newadmin).exit_code, 1);

  // The controller's CA file now holds both CAs: the new admin gets in, no restart.
  ReplaceFile(fleet_.PkiDir() + "/ca.crt", ca1 + ca2);
  EXPECT_TRUE(WaitFor([&] { return RunProgram(as_newadmin).exit_code == 0; }, absl::Seconds(15)))
      << fleet_.Logs();
  EXPECT_THAT(RunProgram(as_newadmin).out, HasSubstr("newadmin"));

  // The controller's own certificate is replaced by one of the second CA: a client that
  // trusts only that CA now reaches it.
  EXPECT_EQ(RunProgram(trusting_only_ca2).exit_code, 1);
  ReplaceFile(fleet_.PkiDir() + "/controller.key", ReadFile(pki2 + "/controller.key"));
  ReplaceFile(fleet_.PkiDir() + "/controller.crt", ReadFile(pki2 + "/controller.crt"));
  EXPECT_TRUE(
      WaitFor([&] { return RunProgram(trusting_only_ca2).exit_code == 0; }, absl::Seconds(15)))
      << fleet_.Logs();
  // And the first CA's admin still works, against the bundle.
  EXPECT_EQ(fleet_.Cli({"whoami"}).exit_code, 0);
  EXPECT_THAT(ReadFile(dir_.File("controller.log")), ::testing::Not(HasSubstr("stopped")));
}

TEST_F(SecurityTest, OversizedAndMalformedReportsAreRefusedWithNothingStored) {
  auto channel = AgentChannel("h9");
  v1::ReportRequest base;
  base.set_host_id("h9");
  base.set_instance_id("i");
  base.set_pools_valid(true);

  v1::ReportRequest too_many_pools = base;
  for (int i = 0; i <= 1000; ++i) too_many_pools.add_pools()->set_name(absl::StrCat("p", i));
  grpc::Status status = Report(channel.get(), too_many_pools);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("1001 pools"));

  v1::ReportRequest duplicate = base;
  duplicate.add_pools()->set_name("tank");
  duplicate.add_pools()->set_name("tank");
  status = Report(channel.get(), duplicate);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("tank"));

  // 36 MB within every count and length limit, but over the size limit.
  v1::ReportRequest oversized = base;
  const std::string name(36, 'f');
  for (int p = 0; p < 900; ++p) {
    v1::Pool* pool = oversized.add_pools();
    pool->set_name(absl::StrCat("p", p));
    for (int f = 0; f < 1000; ++f) pool->mutable_errors()->add_files(name);
  }
  status = Report(channel.get(), oversized);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("MiB"));

  // Bytes that are no ReportRequest at all.
  grpc::GenericStub generic(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  const std::string garbage = "\xff\xff\xff\xff this is not a protobuf";
  grpc::Slice slice(garbage);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  grpc::Status raw_status;
  generic.UnaryCall(&context, "/zfleet.v1.AgentService/Report", grpc::StubOptions(), &request,
                    &response, [&](grpc::Status s) {
                      std::lock_guard<std::mutex> lock(mu);
                      raw_status = s;
                      done = true;
                      cv.notify_one();
                    });
  {
    std::unique_lock<std::mutex> lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(15), [&] { return done; }));
  }
  EXPECT_FALSE(raw_status.ok());

  EXPECT_THAT(HostIds(), ::testing::IsEmpty()) << fleet_.Logs();
  // The same agent with a sane report is stored: the refusals were about the reports.
  v1::ReportRequest sane = base;
  sane.add_pools()->set_name("tank");
  EXPECT_TRUE(Report(channel.get(), sane).ok());
  EXPECT_EQ(HostIds(), std::vector<std::string>{"h9"});
}

TEST(SecurityBinary, PlaintextOnANonLoopbackAddressIsRefusedAtStart) {
  TempDir dir;
  RunResult r = RunProgram({BinaryPath("zfleet-controller"), "--listen",
                            "0.0.0.0:" + std::to_string(FreeLoopbackPort()), "--db",
                            dir.File("db")},
                           30);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(Count(r.err, "\n"), 1) << r.err;
  EXPECT_THAT(r.err, HasSubstr("refusing to serve plaintext on 0.0.0.0:"));
  EXPECT_THAT(r.err, HasSubstr("--insecure-plaintext"));
  EXPECT_FALSE(std::filesystem::exists(dir.File("db")));  // refused before anything
}

TEST(SecurityBinary, InsecurePlaintextServesAndWarnsAtStart) {
  // [::ffff:127.0.0.1] is not a loopback address to the controller's policy (only 127/8, ::1
  // and localhost are), yet the kernel delivers to it from this host only: a non-loopback
  // listen that stays safe to open in a test.
  TempDir dir;
  const std::string listen = "[::ffff:127.0.0.1]:" + std::to_string(FreeLoopbackPort());
  RunResult refused =
      RunProgram({BinaryPath("zfleet-controller"), "--listen", listen, "--db", dir.File("db")}, 30);
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr("refusing to serve plaintext"));

  ChildProcess controller({BinaryPath("zfleet-controller"), "--listen", listen, "--db",
                           dir.File("db"), "--insecure-plaintext"},
                          dir.File("controller.log"));
  EXPECT_TRUE(WaitFor(
      [&] {
        return RunProgram({BinaryPath("zfleet"), "--controller", listen, "--timeout", "2s",
                           "whoami"})
                   .exit_code == 0;
      },
      absl::Seconds(20)))
      << ReadFile(dir.File("controller.log"));
  EXPECT_THAT(ReadFile(dir.File("controller.log")),
              HasSubstr("serving PLAINTEXT on " + listen + " (--insecure-plaintext)"));
  RunResult who = RunProgram({BinaryPath("zfleet"), "--controller", listen, "whoami"});
  EXPECT_THAT(who.out, HasSubstr("local (admin)"));
}

TEST(SecurityBinary, ControllerRefusesUnusableCertificateFilesWithOneLine) {
  TempDir dir;
  RunResult init = RunProgram({BinaryPath("zfleet-controller"), "pki", "init", "--dir",
                               dir.File("pki")});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  const std::string pki = dir.File("pki");
  // The agent's key with the controller's certificate: they do not match.
  ASSERT_EQ(RunProgram({BinaryPath("zfleet-controller"), "pki", "issue", "--dir", pki,
                        "--agent", "h1"})
                .exit_code,
            0);
  RunResult r = RunProgram({BinaryPath("zfleet-controller"), "--listen", "127.0.0.1:0", "--db",
                            dir.File("db"), "--tls-ca", pki + "/ca.crt", "--tls-cert",
                            pki + "/controller.crt", "--tls-key", pki + "/agents/h1.key"},
                           30);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(Count(r.err, "\n"), 1) << r.err;
  EXPECT_THAT(r.err, HasSubstr("does not match"));
  r = RunProgram({BinaryPath("zfleet-controller"), "--listen", "127.0.0.1:0", "--db",
                  dir.File("db"), "--tls-cert", pki + "/controller.crt"},
                 30);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("go together"));
}

}  // namespace
}  // namespace zfleet::testing
