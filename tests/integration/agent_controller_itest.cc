// The agent and the controller in one process, talking real gRPC over 127.0.0.1, with a
// fake zpool printing recorded output. The clock is fake, so nothing sleeps.
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/notification.h"
#include "agent/agent_loop.h"
#include "agent/host/command_runner.h"
#include "controller/service/grpc_server.h"
#include "gmock/gmock.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/agent/inline_agent.h"
#include "tests/testing/fleet_fixture.h"
#include "tests/testing/temp_dir.h"
#include "zfleet/v1/zfleet.grpc.pb.h"

namespace zfleet {
namespace {

using ::testing::HasSubstr;
using testing::InstallFakeZpool;
using testing::TempDir;

const absl::Time kStart = absl::FromCivil(absl::CivilSecond(2026, 11, 22, 10, 0, 0),
                                          absl::UTCTimeZone());

// One fake host: its zpool, journal and loop, reporting to `target`.
struct FakeHost {
  FakeHost(const std::string& host_id, const std::string& target, const Clock* clock)
      : zpool_path(InstallFakeZpool(dir, "fake_host/list.txt", "fake_host/healthy.txt")),
        zpool(&runner, zpool_path, absl::Seconds(10)),
        link(target, absl::Seconds(5)),
        journal(agent::CommandJournal::InMemory()),
        agent(Parts(clock), agent::AgentConfig{},
              agent::AgentIdentity{host_id, host_id + "-instance", host_id, "test"}),
        loop(agent.loop()) {}

  agent::InlineAgentParts Parts(const Clock* clock) {
    agent::InlineAgentParts parts;
    parts.clock = clock;
    parts.zpool = &zpool;
    parts.link = &link;
    parts.journal = &journal;
    parts.load_reader = [] { return 0.5; };
    parts.parse_options = agent::StatusParseOptions{absl::UTCTimeZone()};
    return parts;
  }

  TempDir dir;
  std::string zpool_path;
  agent::SubprocessRunner runner;
  agent::ZpoolClient zpool;
  agent::GrpcControllerLink link;
  agent::CommandJournal journal;
  agent::InlineAgent agent;
  agent::AgentLoop& loop;
};

class AgentControllerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = *controller::Store::Open(":memory:");
    config_.report_interval = absl::Seconds(30);
    // Nothing falls due during these tests: only the scrubs they request run.
    for (auto& cls : config_.scheduler.classes) cls.interval = absl::Hours(24 * 365);
    StartController("127.0.0.1:0");
  }

  void StartController(const std::string& listen) {
    server_.reset();
    controller_ = std::make_unique<controller::Controller>(store_.get(), &config_, &clock_);
    controller::GrpcServerOptions options;
    options.listen = listen;
    auto server = controller::GrpcServer::Start(options, controller_.get());
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    controller_->StartTicking();
    target_ = "127.0.0.1:" + std::to_string(server_->port());
    fleet_ = v1::FleetService::NewStub(
        grpc::CreateChannel(target_, grpc::InsecureChannelCredentials()));
  }

  grpc::Status Call(auto method, const auto& request, auto* response) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    return ((*fleet_).*method)(&context, request, response);
  }

  v1::GetPoolResponse GetPool(const std::string& host, const std::string& pool) {
    v1::GetPoolRequest request;
    request.set_host_id(host);
    request.set_pool(pool);
    v1::GetPoolResponse response;
    grpc::Status status = Call(&v1::FleetService::Stub::GetPool, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  FakeClock clock_{kStart};
  controller::ControllerConfig config_;
  std::unique_ptr<controller::Store> store_;
  std::unique_ptr<controller::Controller> controller_;
  std::unique_ptr<controller::GrpcServer> server_;
  std::string target_;
  std::unique_ptr<v1::FleetService::Stub> fleet_;
};

TEST_F(AgentControllerTest, FirstReportShowsHostAndPoolsWithVdevTree) {
  FakeHost host("h1", target_, &clock_);
  host.loop.Tick();
  EXPECT_EQ(host.loop.reports_sent(), 1);
  EXPECT_EQ(host.loop.report_interval(), absl::Seconds(30));

  v1::ListPoolsResponse pools;
  ASSERT_TRUE(Call(&v1::FleetService::Stub::ListPools, v1::ListPoolsRequest(), &pools).ok());
  ASSERT_EQ(pools.pools_size(), 2);
  EXPECT_EQ(pools.pools(0).pool().name(), "fast");
  const v1::Pool& tank = pools.pools(1).pool();
  EXPECT_EQ(tank.name(), "tank");
  EXPECT_EQ(tank.state(), "ONLINE");
  ASSERT_EQ(tank.vdevs_size(), 1);
  EXPECT_EQ(tank.vdevs(0).type(), "mirror");
  EXPECT_EQ(tank.vdevs(0).children_size(), 2);
  EXPECT_TRUE(pools.pools(1).host_reporting());
  // The scrub finished before zfleet knew the pool is recorded as its last scrub.
  EXPECT_EQ(pools.pools(1).last_scrub().trigger(), v1::TRIGGER_EXTERNAL);
  EXPECT_EQ(pools.pools(1).last_scrub().state(), v1::RUN_FINISHED);

  v1::ListHostsResponse hosts;
  ASSERT_TRUE(Call(&v1::FleetService::Stub::ListHosts, v1::ListHostsRequest(), &hosts).ok());
  ASSERT_EQ(hosts.hosts_size(), 1);
  EXPECT_EQ(hosts.hosts(0).host_id(), "h1");
  EXPECT_EQ(hosts.hosts(0).pool_count(), 2u);
  EXPECT_EQ(hosts.hosts(0).info().zpool_generation(), "legacy");
}

TEST_F(AgentControllerTest, ManualScrubRunsFromRequestToFinishedWithRepairs) {
  FakeHost host("h1", target_, &clock_);
  host.dir.Write("on_scrub.txt", testing::ReadFile(std::string(ZFLEET_TESTDATA_DIR) +
                                                   "/fake_host/scrubbing.txt"));
  host.loop.Tick();

  v1::RequestScrubRequest request;
  request.set_host_id("h1");
  request.set_pool("tank");
  request.set_action(v1::START);
  v1::RequestScrubResponse requested;
  ASSERT_TRUE(Call(&v1::FleetService::Stub::RequestScrub, request, &requested).ok());
  EXPECT_GT(requested.scrub_run_id(), 0);
  EXPECT_EQ(requested.command_id(), "");  // queued for the scheduler
  EXPECT_EQ(GetPool("h1", "tank").scrub_runs(0).state(), v1::RUN_REQUESTED);
  ASSERT_TRUE(controller_->schedule().Tick().ok());

  // The next report fetches the command; the agent runs it, looks again, reports at once.
  clock_.Advance(absl::Seconds(30));
  absl::Time next = host.loop.Tick();
  EXPECT_EQ(next, clock_.Now());
  host.loop.Tick();
  EXPECT_THAT(testing::ReadFile(host.dir.File("calls.log")), HasSubstr("scrub tank\n"));
  v1::GetPoolResponse scrubbing = GetPool("h1", "tank");
  EXPECT_EQ(scrubbing.pool().pool().scan().state(), "scanning");
  EXPECT_EQ(scrubbing.scrub_runs(0).state(), v1::RUN_RUNNING);
  EXPECT_EQ(scrubbing.scrub_runs(0).trigger(), v1::TRIGGER_MANUAL);

  // The fake host's zpool is legacy: a pause is refused up front, not failed later.
  v1::RequestScrubRequest pause = request;
  pause.set_action(v1::PAUSE);
  v1::RequestScrubResponse paused;
  grpc::Status no_pause = Call(&v1::FleetService::Stub::RequestScrub, pause, &paused);
  EXPECT_EQ(no_pause.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(no_pause.error_message(), HasSubstr("cannot pause"));

  // A second request while it runs is refused with the reason.
  v1::RequestScrubResponse again;
  grpc::Status refused = Call(&v1::FleetService::Stub::RequestScrub, request, &again);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(refused.error_message(), HasSubstr("already scrubbing"));

  host.dir.Write("status.txt", testing::ReadFile(std::string(ZFLEET_TESTDATA_DIR) +
                                                 "/fake_host/scrubbed.txt"));
  clock_.Advance(absl::Seconds(10));
  host.loop.Tick();
  v1::GetPoolResponse done = GetPool("h1", "tank");
  ASSERT_GE(done.scrub_runs_size(), 1);
  EXPECT_EQ(done.scrub_runs(0).id(), requested.scrub_run_id());
  EXPECT_EQ(done.scrub_runs(0).state(), v1::RUN_FINISHED);
  EXPECT_EQ(done.scrub_runs(0).bytes_repaired(), 1572864u);  // "1.50M repaired"
  const v1::Vdev& sdb = done.pool().pool().vdevs(0).children(1);
  EXPECT_EQ(sdb.name(), "sdb");
  EXPECT_EQ(sdb.checksum_errors(), 12u);
}

TEST_F(AgentControllerTest, UnknownPoolAndHostAreNotFound) {
  FakeHost host("h1", target_, &clock_);
  host.loop.Tick();
  v1::RequestScrubRequest request;
  request.set_host_id("h1");
  request.set_pool("nope");
  request.set_action(v1::START);
  v1::RequestScrubResponse response;
  grpc::Status status = Call(&v1::FleetService::Stub::RequestScrub, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(status.error_message(), "unknown pool h1/nope (pools on h1: fast, tank)");
  request.set_host_id("h9");
  status = Call(&v1::FleetService::Stub::RequestScrub, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(status.error_message(), "unknown host h9");
}

// The report method takes the report's bytes and reads only their top level first.
TEST_F(AgentControllerTest, BytesThatAreNoReportAreRefusedInOneLine) {
  grpc::GenericStub stub(grpc::CreateChannel(target_, grpc::InsecureChannelCredentials()));
  grpc::Slice slice(std::string("\xff\xff\xff", 3));
  const grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  absl::Notification done;
  grpc::Status status;
  stub.UnaryCall(&context, "/zfleet.v1.AgentService/Report", grpc::StubOptions(), &request,
                 &response, [&](grpc::Status s) {
                   status = std::move(s);
                   done.Notify();
                 });
  ASSERT_TRUE(done.WaitForNotificationWithTimeout(absl::Seconds(10)));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(),
            "the report does not parse as a ReportRequest (damaged, or a string field is not "
            "valid UTF-8)");
}

TEST_F(AgentControllerTest, ARepeatedReportIsAnsweredFromMemoryAsTheStoreAnswered) {
  auto agent =
      v1::AgentService::NewStub(grpc::CreateChannel(target_, grpc::InsecureChannelCredentials()));
  v1::ReportRequest report;
  report.set_host_id("h1");
  report.set_instance_id("i1");
  report.set_stream_id("s1");
  report.set_pools_valid(true);
  v1::Pool& pool = *report.add_pools();
  pool.set_name("tank");
  pool.set_state("ONLINE");
  std::vector<v1::ReportResponse> answers;
  for (uint64_t sequence = 1; sequence <= 3; ++sequence) {
    report.set_sequence(sequence);
    report.set_observed_at(absl::ToUnixSeconds(clock_.Now()));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    v1::ReportResponse response;
    grpc::Status status = agent->Report(&context, report, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    answers.push_back(response);
    clock_.Advance(absl::Seconds(30));
  }
  // The first two took the store path (the second found nothing changed); the third was
  // answered from memory, and its last-seen time is written with the next batch.
  const controller::ReportPathMetrics path = controller_->reports().path_metrics();
  EXPECT_EQ(path.answered_from_store, 2);
  EXPECT_EQ(path.answered_from_memory, 1);
  EXPECT_EQ(path.shortcut_hosts, 1);
  EXPECT_EQ(answers[2].outcome(), v1::REPORT_APPLIED);
  EXPECT_EQ(answers[2].SerializeAsString(), answers[1].SerializeAsString());
  ASSERT_TRUE(controller_->reports().WriteTouches().ok());
  v1::ListHostsResponse hosts;
  ASSERT_TRUE(Call(&v1::FleetService::Stub::ListHosts, v1::ListHostsRequest(), &hosts).ok());
  ASSERT_EQ(hosts.hosts_size(), 1);
  EXPECT_EQ(hosts.hosts(0).last_seen(), absl::ToUnixSeconds(clock_.Now() - absl::Seconds(30)));
}

TEST_F(AgentControllerTest, AgentStartedBeforeControllerConnectsWhenItAppears) {
  server_.reset();
  const int port = testing::FreeLoopbackPort();
  FakeHost host("h2", "127.0.0.1:" + std::to_string(port), &clock_);
  absl::Time retry = host.loop.Tick();
  EXPECT_EQ(host.loop.reports_sent(), 0);
  EXPECT_EQ(host.loop.consecutive_failures(), 1);
  EXPECT_EQ(retry, clock_.Now() + absl::Seconds(1));
  // Still away: the back-off doubles.
  clock_.Advance(absl::Seconds(1));
  retry = host.loop.Tick();
  EXPECT_EQ(retry, clock_.Now() + absl::Seconds(2));

  StartController("127.0.0.1:" + std::to_string(port));
  clock_.Advance(absl::Seconds(2));
  // gRPC may need a moment to notice the new listener; a bounded number of attempts.
  for (int i = 0; i < 50 && host.loop.reports_sent() == 0; ++i) {
    host.loop.Tick();
    if (host.loop.reports_sent() == 0) {
      absl::SleepFor(absl::Milliseconds(100));
      clock_.Advance(absl::Seconds(60));
    }
  }
  EXPECT_EQ(host.loop.reports_sent(), 1);
  EXPECT_EQ(host.loop.consecutive_failures(), 0);
  EXPECT_EQ(GetPool("h2", "tank").pool().pool().name(), "tank");
}

TEST_F(AgentControllerTest, ZpoolFailureIsReportedAndKeepsKnownPools) {
  FakeHost host("h1", target_, &clock_);
  host.loop.Tick();
  host.dir.Write("fail.txt", "connect: Connection refused\nPlease make sure that the zfs-fuse daemon is running.\n");
  clock_.Advance(absl::Seconds(30));
  host.loop.Tick();
  v1::ListHostsResponse hosts;
  ASSERT_TRUE(Call(&v1::FleetService::Stub::ListHosts, v1::ListHostsRequest(), &hosts).ok());
  EXPECT_THAT(hosts.hosts(0).collect_error(), HasSubstr("connect: Connection refused"));
  v1::ListPoolsResponse pools;
  ASSERT_TRUE(Call(&v1::FleetService::Stub::ListPools, v1::ListPoolsRequest(), &pools).ok());
  EXPECT_EQ(pools.pools_size(), 2);
}

TEST_F(AgentControllerTest, CommandForPoolTheAgentDidNotDiscoverFailsTheRun) {
  FakeHost host("h1", target_, &clock_);
  host.loop.Tick();
  v1::RequestScrubRequest request;
  request.set_host_id("h1");
  request.set_pool("fast");
  request.set_action(v1::START);
  request.set_now(true);  // the command goes out at once, bypassing the scheduler
  v1::RequestScrubResponse response;
  ASSERT_TRUE(Call(&v1::FleetService::Stub::RequestScrub, request, &response).ok());
  EXPECT_NE(response.command_id(), "");
  // The pool disappears from the host before the command arrives.
  host.dir.Write("list.txt", "tank\t7.25T\t3.10T\t4.15T\t42%\t1.00x\tONLINE\t-\n");
  clock_.Advance(absl::Seconds(30));
  host.loop.Tick();
  host.loop.Tick();
  v1::GetPoolRequest get;
  get.set_host_id("h1");
  get.set_pool("fast");
  v1::GetPoolResponse gone;
  EXPECT_EQ(Call(&v1::FleetService::Stub::GetPool, get, &gone).error_code(),
            grpc::StatusCode::NOT_FOUND);
  auto runs = store_->scrub_runs().List("h1", "fast", 5);
  ASSERT_TRUE(runs.ok());
  ASSERT_FALSE(runs->empty());
  EXPECT_EQ(runs->front().state(), v1::RUN_FAILED);
  EXPECT_THAT(runs->front().message(), HasSubstr("not on this host"));
  EXPECT_THAT(testing::ReadFile(host.dir.File("calls.log")), ::testing::Not(HasSubstr("scrub fast")));
}

TEST_F(AgentControllerTest, SchedulerStartsOverduePoolAndHoldsTheNextAtTheHostCap) {
  // A weekly class: tank's last scrub (Nov 1) is three weeks old, fast never scrubbed.
  for (auto& cls : config_.scheduler.classes) cls.interval = absl::Hours(24 * 7);
  FakeHost host("h1", target_, &clock_);
  host.dir.Write("on_scrub.txt", testing::ReadFile(std::string(ZFLEET_TESTDATA_DIR) +
                                                   "/fake_host/scrubbing.txt"));
  host.loop.Tick();
  ASSERT_TRUE(controller_->schedule().Tick().ok());
  v1::GetPoolResponse tank = GetPool("h1", "tank");
  ASSERT_GE(tank.scrub_runs_size(), 1);
  EXPECT_EQ(tank.scrub_runs(0).trigger(), v1::TRIGGER_SCHEDULED);
  EXPECT_EQ(tank.scrub_runs(0).state(), v1::RUN_REQUESTED);

  // A manual request for the other pool of the same host waits for max_per_host = 1.
  v1::RequestScrubRequest request;
  request.set_host_id("h1");
  request.set_pool("fast");
  request.set_action(v1::START);
  v1::RequestScrubResponse response;
  ASSERT_TRUE(Call(&v1::FleetService::Stub::RequestScrub, request, &response).ok());
  ASSERT_TRUE(controller_->schedule().Tick().ok());
  v1::GetScheduleResponse schedule;
  ASSERT_TRUE(
      Call(&v1::FleetService::Stub::GetSchedule, v1::GetScheduleRequest(), &schedule).ok());
  ASSERT_EQ(schedule.rows_size(), 2);
  for (const auto& row : schedule.rows()) {
    if (row.pool() == "fast") {
      EXPECT_EQ(row.status(), "waiting");
      EXPECT_EQ(row.reason(), "cap max_per_host reached");
    } else {
      EXPECT_EQ(row.status(), "running");
    }
  }
  // The agent runs the scheduled scrub; only tank was asked.
  clock_.Advance(absl::Seconds(30));
  host.loop.Tick();
  host.loop.Tick();
  EXPECT_THAT(testing::ReadFile(host.dir.File("calls.log")), HasSubstr("scrub tank\n"));
  EXPECT_THAT(testing::ReadFile(host.dir.File("calls.log")),
              ::testing::Not(HasSubstr("scrub fast")));
}

}  // namespace
}  // namespace zfleet
