// Reads never wait for writes: over an on-disk store with readers, the CLI's queries, the
// /metrics page and `zfleet schedule` answer while another thread holds the writer's lock
// (as a report waiting on its fsync does), and see what the writer committed. Threads of
// their own, so under TSan with this folder; every wait is bounded by a generous deadline,
// none is an assertion by itself.
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "controller/admin_service.h"
#include "controller/config/controller_config.h"
#include "controller/controller.h"
#include "controller/event_queries.h"
#include "controller/fleet_queries.h"
#include "controller/report_processor.h"
#include "controller/schedule_service.h"
#include "controller/store/reader_pool.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/controller/controller_fixtures.h"
#include "tests/testing/pool_builders.h"
#include "tests/testing/temp_dir.h"

namespace zfleet::controller {
namespace {

using ::testing::HasSubstr;
using ::zfleet::testing::TempDir;

const absl::Time kReadersT0 = absl::FromUnixSeconds(1'800'000'000);
// Far beyond any read here: reaching it means the read waited for the writer.
constexpr absl::Duration kReadDeadline = absl::Seconds(60);

class StoreReadersTest : public ::testing::Test {
 protected:
  StoreReadersTest() : clock_(kReadersT0) {}

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenStore(dir_.File("z.db"), &store_));
    absl::StatusOr<std::unique_ptr<ReaderPool>> readers =
        ReaderPool::Open(dir_.File("z.db"), Controller::kReaders);
    ASSERT_TRUE(readers.ok()) << readers.status();
    readers_ = *std::move(readers);
    processor_ = std::make_unique<ReportProcessor>(store_.get(), &mu_, &config_, &clock_);
    fleet_ = std::make_unique<FleetQueries>(store_.get(), &mu_, readers_.get(), &config_, &clock_);
    events_ = std::make_unique<EventQueries>(store_.get(), &mu_, readers_.get(), &config_, &clock_);
    schedule_ =
        std::make_unique<ScheduleService>(store_.get(), &mu_, readers_.get(), &config_, &clock_);
    admin_ = std::make_unique<AdminService>(store_.get(), &mu_, readers_.get(), &config_, &clock_);
  }

  void Report(const std::string& host) {
    absl::StatusOr<v1::ReportResponse> r =
        processor_->Process(PoolsReport(host, {TwoDiskTank(0, "ONLINE")}));
    ASSERT_TRUE(r.ok()) << r.status();
  }

  // Runs `read` on a thread of its own while this thread holds the writer's lock. True when
  // it finished before kReadDeadline; the lock is released either way before the join, so a
  // read that does wait for it fails the test instead of hanging it.
  bool AnswersWhileTheWriterIsHeld(const std::function<void()>& read) {
    absl::Notification done;
    bool answered = false;
    std::thread reader;
    {
      absl::MutexLock lock(&mu_);
      reader = std::thread([&] {
        read();
        done.Notify();
      });
      answered = done.WaitForNotificationWithTimeout(kReadDeadline);
    }
    reader.join();
    return answered;
  }

  TempDir dir_;
  ControllerConfig config_;
  FakeClock clock_;
  absl::Mutex mu_;  // the writer's lock
  std::unique_ptr<Store> store_;
  std::unique_ptr<ReaderPool> readers_;
  std::unique_ptr<ReportProcessor> processor_;
  std::unique_ptr<FleetQueries> fleet_;
  std::unique_ptr<EventQueries> events_;
  std::unique_ptr<ScheduleService> schedule_;
  std::unique_ptr<AdminService> admin_;
};

TEST_F(StoreReadersTest, FleetQueriesAnswerWhileTheWriterIsHeld) {
  ASSERT_NO_FATAL_FAILURE(Report("nas1"));
  ASSERT_NO_FATAL_FAILURE(Report("nas2"));
  absl::StatusOr<v1::GetStatusResponse> status;
  absl::StatusOr<v1::ListHostsResponse> hosts;
  absl::StatusOr<v1::ListPoolsResponse> pools;
  absl::StatusOr<v1::GetPoolResponse> pool;
  EXPECT_TRUE(AnswersWhileTheWriterIsHeld([&] {
    status = fleet_->GetStatus({});
    hosts = fleet_->ListHosts();
    pools = fleet_->ListPools();
    v1::GetPoolRequest request;
    request.set_host_id("nas2");
    request.set_pool("tank");
    pool = fleet_->GetPool(request);
  }));
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(status->hosts_total(), 2u);
  EXPECT_EQ(status->pools_size(), 2);
  ASSERT_TRUE(hosts.ok()) << hosts.status();
  EXPECT_EQ(hosts->hosts_size(), 2);
  ASSERT_TRUE(pools.ok()) << pools.status();
  EXPECT_EQ(pools->pools_size(), 2);
  ASSERT_TRUE(pool.ok()) << pool.status();
  EXPECT_EQ(pool->pool().pool().name(), "tank");
}

TEST_F(StoreReadersTest, MetricsScheduleEventsAndAuditAnswerWhileTheWriterIsHeld) {
  ASSERT_NO_FATAL_FAILURE(Report("nas1"));
  absl::StatusOr<std::string> metrics;
  absl::StatusOr<v1::GetScheduleResponse> schedule;
  absl::StatusOr<v1::ListEventsResponse> events;
  absl::StatusOr<v1::ListIncidentsResponse> incidents;
  absl::StatusOr<v1::GetHistoryResponse> history;
  absl::StatusOr<v1::ListDisksResponse> disks;
  absl::StatusOr<v1::ListAuditResponse> audit;
  EXPECT_TRUE(AnswersWhileTheWriterIsHeld([&] {
    metrics = events_->Metrics({}, {{.url = "https://hooks.example/a"}});
    schedule = schedule_->GetSchedule();
    events = events_->ListEvents(v1::ListEventsRequest());
    incidents = events_->ListIncidents(v1::ListIncidentsRequest());
    v1::GetHistoryRequest h;
    h.set_host_id("nas1");
    h.set_pool("tank");
    history = events_->GetHistory(h);
    disks = events_->ListDisks(v1::ListDisksRequest());
    audit = admin_->ListAudit(v1::ListAuditRequest());
  }));
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  EXPECT_THAT(*metrics, HasSubstr("zfleet_hosts 1"));
  ASSERT_TRUE(schedule.ok()) << schedule.status();
  EXPECT_EQ(schedule->rows_size(), 1);
  EXPECT_TRUE(events.ok()) << events.status();
  EXPECT_TRUE(incidents.ok()) << incidents.status();
  EXPECT_TRUE(history.ok()) << history.status();
  ASSERT_TRUE(disks.ok()) << disks.status();
  EXPECT_EQ(disks->disks_size(), 2);
  EXPECT_TRUE(audit.ok()) << audit.status();
}

TEST_F(StoreReadersTest, AReadSeesEveryCommittedReport) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_NO_FATAL_FAILURE(Report("nas" + std::to_string(i)));
    absl::StatusOr<v1::GetStatusResponse> status = fleet_->GetStatus({});
    ASSERT_TRUE(status.ok()) << status.status();
    EXPECT_EQ(status->hosts_total(), static_cast<uint32_t>(i + 1));
  }
}

// The tick reads the fleet on a reader and writes its decision on the writer: a manual
// request (a write, on the writer) is seen and started.
TEST_F(StoreReadersTest, TheTickStartsARequestedScrubFromAReadersSnapshot) {
  ASSERT_NO_FATAL_FAILURE(Report("nas1"));
  v1::RequestScrubRequest request;
  request.set_host_id("nas1");
  request.set_pool("tank");
  request.set_action(v1::START);  // without --now: the scheduler starts it
  absl::StatusOr<v1::RequestScrubResponse> requested = fleet_->RequestScrub(request);
  ASSERT_TRUE(requested.ok()) << requested.status();
  ASSERT_TRUE(schedule_->Tick().ok());
  absl::StatusOr<v1::ReportResponse> reply =
      processor_->Process(PoolsReport("nas1", {TwoDiskTank(0, "ONLINE")}));
  ASSERT_TRUE(reply.ok()) << reply.status();
  ASSERT_EQ(reply->commands_size(), 1);
  EXPECT_EQ(reply->commands(0).kind(), v1::SCRUB_START);
  // A second tick sees that command pending and adds none.
  ASSERT_TRUE(schedule_->Tick().ok());
  reply = processor_->Process(PoolsReport("nas1", {TwoDiskTank(0, "ONLINE")}));
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->commands_size(), 1);
}

// Reports, ticks and reads at once through a controller over a file (Controller::Open):
// every call succeeds, and TSan sees the readers, the writer and the plan's lock race-free.
TEST(StoreReadersControllerTest, ReportsTicksAndReadsRunTogether) {
  TempDir dir;
  ControllerConfig config;
  FakeClock clock(kReadersT0);
  absl::StatusOr<std::unique_ptr<Controller>> controller =
      Controller::Open(dir.File("z.db"), &config, &clock);
  ASSERT_TRUE(controller.ok()) << controller.status();
  Controller& c = **controller;
  constexpr int kHosts = 20;
  absl::Notification reported;
  std::thread writer([&] {
    for (int i = 0; i < kHosts; ++i) {
      absl::StatusOr<v1::ReportResponse> r =
          c.reports().Process(PoolsReport("host" + std::to_string(i), {TwoDiskTank(0, "ONLINE")}));
      EXPECT_TRUE(r.ok()) << r.status();
    }
    reported.Notify();
  });
  std::thread ticker([&] {
    while (!reported.HasBeenNotified()) c.Tick();
  });
  std::vector<std::thread> readers;
  for (int t = 0; t < 2; ++t) {
    readers.emplace_back([&] {
      while (!reported.HasBeenNotified()) {
        EXPECT_TRUE(c.fleet().GetStatus({}).ok());
        EXPECT_TRUE(c.Metrics().ok());
        EXPECT_TRUE(c.schedule().GetSchedule().ok());
      }
    });
  }
  writer.join();
  ticker.join();
  for (std::thread& t : readers) t.join();
  absl::StatusOr<v1::GetStatusResponse> status = c.fleet().GetStatus({});
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(status->hosts_total(), static_cast<uint32_t>(kHosts));
  EXPECT_TRUE(c.liveness().Check().ok());
}

}  // namespace
}  // namespace zfleet::controller
