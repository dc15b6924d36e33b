// FleetClient against a real FleetService on 127.0.0.1:0: answers and errors cross the
// wire the way the commands expect.
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "cli/commands.h"
#include "cli/fleet_client.h"
#include "gmock/gmock.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"

namespace zfleet::cli {
namespace {

using ::testing::StartsWith;

class CannedFleetService final : public v1::FleetService::Service {
  grpc::Status ListPools(grpc::ServerContext*, const v1::ListPoolsRequest*,
                         v1::ListPoolsResponse* response) override {
    v1::PoolSummary* s = response->add_pools();
    s->set_host_id("h1");
    s->mutable_pool()->set_name("tank");
    return grpc::Status::OK;
  }
  grpc::Status GetPool(grpc::ServerContext*, const v1::GetPoolRequest* request,
                       v1::GetPoolResponse*) override {
    return grpc::Status(grpc::StatusCode::NOT_FOUND,
                        absl::StrCat("unknown pool ", request->host_id(), "/", request->pool()));
  }
  // Never answers in time: holds the call until the client gives up (bounded, so a
  // broken deadline fails the test instead of hanging it).
  grpc::Status ListHosts(grpc::ServerContext* context, const v1::ListHostsRequest*,
                         v1::ListHostsResponse*) override {
    for (int i = 0; i < 500 && !context->IsCancelled(); ++i) absl::SleepFor(absl::Milliseconds(10));
    return grpc::Status::OK;
  }
  grpc::Status RequestScrub(grpc::ServerContext*, const v1::RequestScrubRequest* request,
                            v1::RequestScrubResponse* response) override {
    response->set_command_id(absl::StrCat("cmd-", request->action()));
    response->set_scrub_run_id(12);
    return grpc::Status::OK;
  }
};

class FleetClientServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ASSERT_GT(port_, 0);
    target_ = absl::StrCat("127.0.0.1:", port_);
  }
  void TearDown() override {
    if (server_) server_->Shutdown(std::chrono::system_clock::now());
  }

  CannedFleetService service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  std::string target_;
};

TEST_F(FleetClientServerTest, AnswersArrive) {
  FleetClient client(target_, absl::Seconds(5));
  absl::StatusOr<v1::ListPoolsResponse> pools = client.ListPools();
  ASSERT_TRUE(pools.ok()) << pools.status();
  ASSERT_EQ(pools->pools_size(), 1);
  EXPECT_EQ(pools->pools(0).pool().name(), "tank");

  v1::RequestScrubRequest request;
  request.set_action(v1::STOP);
  absl::StatusOr<v1::RequestScrubResponse> scrub = client.RequestScrub(request);
  ASSERT_TRUE(scrub.ok()) << scrub.status();
  EXPECT_EQ(scrub->command_id(), "cmd-2");
  EXPECT_EQ(scrub->scrub_run_id(), 12);
}

TEST_F(FleetClientServerTest, NotFoundKeepsTheServersMessage) {
  FleetClient client(target_, absl::Seconds(5));
  v1::GetPoolRequest request;
  request.set_host_id("h1");
  request.set_pool("nope");
  absl::StatusOr<v1::GetPoolResponse> pool = client.GetPool(request);
  ASSERT_FALSE(pool.ok());
  EXPECT_EQ(pool.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(pool.status().message(), "unknown pool h1/nope");
}

TEST_F(FleetClientServerTest, SilentControllerHitsTheDeadline) {
  FleetClient client(target_, absl::Seconds(1));
  const absl::Time start = absl::Now();  // the test measures real elapsed time
  absl::StatusOr<v1::ListHostsResponse> hosts = client.ListHosts();
  const absl::Duration elapsed = absl::Now() - start;
  ASSERT_FALSE(hosts.ok());
  EXPECT_EQ(hosts.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(hosts.status().message(),
            absl::StrCat("cannot reach controller at ", target_, ": no answer within 1s"));
  EXPECT_GE(elapsed, absl::Milliseconds(900));
  EXPECT_LT(elapsed, absl::Seconds(4));
}

// The whole command over the wire, as main wires it.
TEST_F(FleetClientServerTest, CommandsOverTheWire) {
  const FleetApiFactory make_api = [](const std::string& target, absl::Duration timeout) {
    return std::make_unique<FleetClient>(target, timeout);
  };
  const CliResult missing = RunCli({"--controller", target_, "pool", "h1/nope"}, {}, make_api);
  EXPECT_EQ(missing.exit_code, kExitFailure);
  EXPECT_EQ(missing.out, "");
  EXPECT_EQ(missing.err, "zfleet: unknown pool h1/nope\n");

  const CliResult scrub =
      RunCli({"scrub", "h1/tank", "--json"}, {.controller_env = target_}, make_api);
  EXPECT_EQ(scrub.exit_code, kExitOk) << scrub.err;
  EXPECT_EQ(scrub.out,
            "{\n  \"host\": \"h1\",\n  \"pool\": \"tank\",\n  \"action\": \"start\",\n"
            "  \"command_id\": \"cmd-1\",\n  \"scrub_run_id\": 12\n}\n");
}

}  // namespace
}  // namespace zfleet::cli
