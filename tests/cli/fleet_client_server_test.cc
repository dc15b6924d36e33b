// FleetClient against a real FleetService on 127.0.0.1:0: answers and errors cross the
// wire the way the commands expect.
#include <atomic>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "cli/commands.h"
#include "cli/fleet_client.h"
#include "gmock/gmock.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"
#include "model/enum_names.h"
#include "nlohmann/json.hpp"

namespace zfleet::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using Json = nlohmann::ordered_json;

constexpr int64_t kEvaluatedAt = 1795255200;  // 2026-11-21T10:00:00Z

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
    response->set_scrub_run_id(12);
    response->set_command_id(absl::StrCat("cmd-", request->action(), request->now() ? "-now" : ""));
    return grpc::Status::OK;
  }
  grpc::Status GetSchedule(grpc::ServerContext*, const v1::GetScheduleRequest*,
                           v1::GetScheduleResponse* response) override {
    response->set_evaluated_at(kEvaluatedAt);
    v1::ScheduleRow* row = response->add_rows();
    row->set_host_id("h1");
    row->set_pool("tank");
    row->set_class_("sata");
    row->set_status("waiting");
    row->set_reason("load 12.3 > 8.0");
    return grpc::Status::OK;
  }
  grpc::Status GetHistory(grpc::ServerContext*, const v1::GetHistoryRequest* request,
                          v1::GetHistoryResponse* response) override {
    v1::PoolChange* change = response->add_changes();
    change->set_time(kEvaluatedAt);
    change->set_state("DEGRADED");
    change->set_summary(absl::StrCat("history of ", request->host_id(), "/", request->pool()));
    return grpc::Status::OK;
  }
  // Echoes the query in the one event's message.
  grpc::Status ListEvents(grpc::ServerContext*, const v1::ListEventsRequest* request,
                          v1::ListEventsResponse* response) override {
    v1::Event* event = response->add_events();
    event->set_id(5);
    event->set_time(kEvaluatedAt);
    SetSeverity(*event, v1::SEVERITY_CRITICAL);
    event->set_host_id("h1");
    event->set_kind("stack_check");
    event->set_message(absl::StrCat("since=", request->since(), " min=", request->min_severity(),
                                    " host=", request->host_id(),
                                    " unacked=", request->unacknowledged_only()));
    return grpc::Status::OK;
  }
  // Ids below 100 exist.
  grpc::Status AckEvents(grpc::ServerContext*, const v1::AckEventsRequest* request,
                         v1::AckEventsResponse* response) override {
    for (int64_t id : request->ids()) {
      if (id < 100) {
        response->add_acknowledged(id);
      } else {
        response->add_unknown(id);
      }
    }
    absl::MutexLock lock(&mu_);
    ack_by_ = request->by();
    return grpc::Status::OK;
  }
  grpc::Status ListDisks(grpc::ServerContext*, const v1::ListDisksRequest* request,
                         v1::ListDisksResponse* response) override {
    v1::Disk* disk = response->add_disks();
    disk->set_host_id(request->host_id());
    disk->set_pool("tank");
    disk->set_path("/dev/sdb");
    disk->mutable_identity()->set_model(request->model());
    disk->set_checksum_errors(7);
    return grpc::Status::OK;
  }
  grpc::Status Triage(grpc::ServerContext*, const v1::TriageRequest*,
                      v1::TriageResponse* response) override {
    response->set_evaluated_at(kEvaluatedAt);
    return grpc::Status::OK;
  }
  grpc::Status GetStatus(grpc::ServerContext*, const v1::GetStatusRequest*,
                         v1::GetStatusResponse* response) override {
    response->set_hosts_total(1);
    v1::PoolStatus* pool = response->add_pools();
    pool->set_host_id("h1");
    pool->set_pool("tank");
    pool->add_devices_with_errors("sdb");
    return grpc::Status::OK;
  }

  // Refused as a server out of threads refuses, the first `busy_for` calls.
  grpc::Status ListIncidents(grpc::ServerContext*, const v1::ListIncidentsRequest*,
                             v1::ListIncidentsResponse* response) override {
    if (incident_calls_.fetch_add(1) < busy_for_.load()) {
      return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "Server Threadpool Exhausted");
    }
    response->add_incidents()->set_id(7);
    return grpc::Status::OK;
  }

  grpc::Status WhoAmI(grpc::ServerContext* context, const v1::WhoAmIRequest*,
                      v1::WhoAmIResponse* response) override {
    response->set_name("local");
    response->set_role("admin");
    response->set_transport("plaintext");
    response->set_peer(context->peer());
    return grpc::Status::OK;
  }
  // Echoes the window in the one entry's detail.
  grpc::Status ListAudit(grpc::ServerContext*, const v1::ListAuditRequest* request,
                         v1::ListAuditResponse* response) override {
    v1::AuditEntry* entry = response->add_entries();
    entry->set_id(3);
    entry->set_time(kEvaluatedAt);
    entry->set_who("local");
    entry->set_action("ack");
    entry->set_result("ok");
    entry->set_detail(absl::StrCat("since=", request->since()));
    return grpc::Status::OK;
  }
  // The controller's refusal of a role, as its service returns it.
  grpc::Status ForgetHost(grpc::ServerContext*, const v1::ForgetHostRequest* request,
                          v1::ForgetHostResponse*) override {
    return grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                        absl::StrCat("operator \"bob\" may not forget host ", request->host_id(),
                                     " (needs admin)"));
  }
  grpc::Status CancelQueued(grpc::ServerContext*, const v1::CancelQueuedRequest* request,
                            v1::CancelQueuedResponse* response) override {
    response->set_runs_canceled(request->host_id().empty() ? 5 : 2);
    return grpc::Status::OK;
  }

 public:
  void BusyFor(int calls) { busy_for_ = calls; }
  int incident_calls() const { return incident_calls_.load(); }
  std::string ack_by() {
    absl::MutexLock lock(&mu_);
    return ack_by_;
  }

 private:
  absl::Mutex mu_;
  std::string ack_by_ ABSL_GUARDED_BY(mu_);
  std::atomic<int> busy_for_{0};
  std::atomic<int> incident_calls_{0};
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

TEST_F(FleetClientServerTest, ACallRefusedForWantOfThreadsIsSentAgain) {
  service_.BusyFor(2);
  FleetClient client({.target = target_, .timeout = absl::Seconds(5)});
  absl::StatusOr<v1::ListIncidentsResponse> incidents = client.ListIncidents({});
  ASSERT_TRUE(incidents.ok()) << incidents.status();
  EXPECT_EQ(incidents->incidents(0).id(), 7);
  EXPECT_EQ(service_.incident_calls(), 3);
}

TEST_F(FleetClientServerTest, AControllerOutOfThreadsTillTheDeadlineIsCalledOverloaded) {
  service_.BusyFor(1000);
  FleetClient client({.target = target_, .timeout = absl::Milliseconds(500)});
  absl::StatusOr<v1::ListIncidentsResponse> incidents = client.ListIncidents({});
  ASSERT_FALSE(incidents.ok());
  EXPECT_EQ(incidents.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(incidents.status().message(),
            absl::StrCat("controller at ", target_,
                         " is overloaded: no thread was free for the call within 500ms; try "
                         "again"));
  EXPECT_GT(service_.incident_calls(), 1);
  EXPECT_LT(service_.incident_calls(), 10);
}

TEST_F(FleetClientServerTest, AnswersArrive) {
  FleetClient client({.target = target_, .timeout = absl::Seconds(5)});
  absl::StatusOr<v1::ListPoolsResponse> pools = client.ListPools();
  ASSERT_TRUE(pools.ok()) << pools.status();
  ASSERT_EQ(pools->pools_size(), 1);
  EXPECT_EQ(pools->pools(0).pool().name(), "tank");

  absl::StatusOr<v1::GetStatusResponse> status = client.GetStatus({});
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(status->hosts_total(), 1u);
  ASSERT_EQ(status->pools_size(), 1);
  EXPECT_EQ(status->pools(0).devices_with_errors(0), "sdb");

  v1::RequestScrubRequest request;
  request.set_action(v1::STOP);
  absl::StatusOr<v1::RequestScrubResponse> scrub = client.RequestScrub(request);
  ASSERT_TRUE(scrub.ok()) << scrub.status();
  EXPECT_EQ(scrub->command_id(), "cmd-2");
  EXPECT_EQ(scrub->scrub_run_id(), 12);
}

TEST_F(FleetClientServerTest, NotFoundKeepsTheServersMessage) {
  FleetClient client({.target = target_, .timeout = absl::Seconds(5)});
  v1::GetPoolRequest request;
  request.set_host_id("h1");
  request.set_pool("nope");
  absl::StatusOr<v1::GetPoolResponse> pool = client.GetPool(request);
  ASSERT_FALSE(pool.ok());
  EXPECT_EQ(pool.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(pool.status().message(), "unknown pool h1/nope");
}

TEST_F(FleetClientServerTest, SilentControllerHitsTheDeadline) {
  FleetClient client({.target = target_, .timeout = absl::Seconds(1)});
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
  const FleetApiFactory make_api = [](const ControllerConnection& connection) {
    return std::make_unique<FleetClient>(connection);
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
            "  \"now\": false,\n  \"command_id\": \"cmd-1\",\n  \"scrub_run_id\": 12\n}\n");
}

// One command per FleetService RPC the scheduling and on-call commands added.
TEST_F(FleetClientServerTest, OnCallCommandsOverTheWire) {
  const FleetApiFactory make_api = [](const ControllerConnection& connection) {
    return std::make_unique<FleetClient>(connection);
  };
  const Environment env{
      .controller_env = target_, .now = absl::FromUnixSeconds(kEvaluatedAt), .user = "carol"};
  auto run = [&](std::vector<std::string> args) {
    const CliResult r = RunCli(args, env, make_api);
    EXPECT_EQ(r.err, "") << args[0];
    return r;
  };

  EXPECT_THAT(run({"schedule"}).out, HasSubstr("waiting  load 12.3 > 8.0\n"));
  EXPECT_EQ(Json::parse(run({"history", "h1/tank", "--json"}).out)["changes"][0]["summary"],
            "history of h1/tank");
  EXPECT_EQ(
      run({"scrub", "h1/tank", "--now"}).out,
      "scrub requested on h1/tank now, bypassing caps and windows (run 12, command cmd-1-now)\n");
  EXPECT_EQ(Json::parse(run({"events", "--since", "2h", "--severity", "critical", "--host", "h1",
                             "--unacked", "--json"})
                            .out)["events"][0]["message"],
            absl::StrCat("since=", kEvaluatedAt - 7200, " min=critical host=h1 unacked=1"));
  EXPECT_EQ(run({"triage"}).out, "nothing needs attention\n");
  EXPECT_EQ(
      Json::parse(
          run({"disks", "--model", "ST4000", "--host", "h9", "--json"}).out)["disks"][0]["model"],
      "ST4000");

  const CliResult ack = RunCli({"ack", "--events", "1", "2", "100"}, env, make_api);
  EXPECT_EQ(ack.exit_code, kExitFailure);
  EXPECT_EQ(ack.out, "acknowledged 2 events\n");
  EXPECT_EQ(ack.err, "zfleet: unknown event id 100\n");
  EXPECT_EQ(service_.ack_by(), "carol");
}

// One command per FleetService RPC for identity and administration.
TEST_F(FleetClientServerTest, AdminCommandsOverTheWire) {
  const FleetApiFactory make_api = [](const ControllerConnection& connection) {
    return std::make_unique<FleetClient>(connection);
  };
  Environment env;
  env.controller_env = target_;
  env.now = absl::FromUnixSeconds(kEvaluatedAt);

  const CliResult me = RunCli({"whoami"}, env, make_api);
  EXPECT_EQ(me.exit_code, kExitOk) << me.err;
  EXPECT_THAT(me.out, StartsWith("you are local (admin) over plaintext from ipv4:127.0.0.1:"));
  EXPECT_EQ(Json::parse(RunCli({"audit", "--json"}, env, make_api).out)["entries"][0]["detail"],
            absl::StrCat("since=", kEvaluatedAt - 7 * 86400));
  EXPECT_EQ(RunCli({"cancel-queued", "--host", "h1"}, env, make_api).out,
            "canceled 2 queued scrub requests on h1\n");

  const CliResult denied = RunCli({"forget", "h9", "--yes"}, env, make_api);
  EXPECT_EQ(denied.exit_code, kExitFailure);
  EXPECT_EQ(denied.out, "");
  EXPECT_EQ(denied.err, "zfleet: operator \"bob\" may not forget host h9 (needs admin)\n");
}

}  // namespace
}  // namespace zfleet::cli
