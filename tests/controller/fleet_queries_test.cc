#include "controller/fleet_queries.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "controller/config/controller_config.h"
#include "controller/report_processor.h"
#include "controller/store/store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/enum_names.h"
#include "tests/controller/controller_fixtures.h"

namespace zfleet::controller {
namespace {

using ::testing::HasSubstr;

const absl::Time kQueriesT0 = absl::FromUnixSeconds(1'800'000'000);

v1::Pool PoolScanning(const std::string& name, const std::string& function,
                      const std::string& state) {
  v1::Pool pool;
  pool.set_name(name);
  pool.set_state("ONLINE");
  pool.mutable_scan()->set_function(function);
  pool.mutable_scan()->set_state(state);
  if (!function.empty()) pool.mutable_scan()->set_start_time(absl::ToUnixSeconds(kQueriesT0) - 60);
  if (state == "finished") pool.mutable_scan()->set_end_time(absl::ToUnixSeconds(kQueriesT0) - 30);
  return pool;
}

v1::Pool Idle(const std::string& name) { return PoolScanning(name, "", ""); }

class FleetQueriesTest : public FleetServicesTest {
 protected:
  FleetQueriesTest() : FleetServicesTest(kQueriesT0) {}

  void SetUp() override { OpenServices(":memory:"); }

  // The host's commands as the next report's reply would carry them.
  std::vector<v1::Command> Pending(const std::string& host = "nas1") {
    absl::MutexLock lock(&mu_);
    absl::StatusOr<std::vector<CommandRecord>> pending =
        store_->commands().Pending(host, clock_.Now());
    EXPECT_TRUE(pending.ok()) << pending.status();
    std::vector<v1::Command> out;
    if (!pending.ok()) return out;
    for (const auto& c : *pending) {
      v1::Command command;
      command.set_id(c.id);
      command.set_kind(c.kind);
      command.set_pool(c.pool);
      out.push_back(command);
    }
    return out;
  }
};

TEST_F(FleetQueriesTest, UnknownHostAndPoolAreNotFoundWithHelp) {
  ReportPools("nas1", {Idle("tank"), Idle("fast")});
  ReportPools("empty1", {});
  struct Case {
    std::string host, pool, want;
  };
  const Case cases[] = {
      {"ghost", "tank", "unknown host ghost"},
      {"nas1", "nope", "unknown pool nas1/nope (pools on nas1: fast, tank)"},
      {"empty1", "tank", "unknown pool empty1/tank (the host reports no pools)"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<v1::RequestScrubResponse> scrub = RequestScrub(c.host, c.pool, v1::START);
    EXPECT_EQ(scrub.status().code(), absl::StatusCode::kNotFound) << c.want;
    EXPECT_EQ(scrub.status().message(), c.want);

    absl::StatusOr<v1::GetPoolResponse> pool = GetPool(c.host, c.pool);
    EXPECT_EQ(pool.status().code(), absl::StatusCode::kNotFound) << c.want;
    EXPECT_EQ(pool.status().message(), c.want);
  }
  EXPECT_TRUE(Pending().empty());
}

TEST_F(FleetQueriesTest, RequestScrubPreconditions) {
  struct Case {
    std::string name;
    v1::Pool pool;
    v1::ScrubAction action;
    std::string want_error;  // "" = accepted
    v1::CommandKind want_kind;
  };
  const Case cases[] = {
      {"StartIdle", Idle("tank"), v1::START, "", v1::SCRUB_START},
      {"StartAfterFinished", PoolScanning("tank", "scrub", "finished"), v1::START, "",
       v1::SCRUB_START},
      {"StartWhileScrubbing", PoolScanning("tank", "scrub", "scanning"), v1::START,
       "nas1/tank is already scrubbing", v1::COMMAND_KIND_UNSPECIFIED},
      {"StartWhileResilvering", PoolScanning("tank", "resilver", "scanning"), v1::START,
       "nas1/tank is resilvering", v1::COMMAND_KIND_UNSPECIFIED},
      {"StopScrubbing", PoolScanning("tank", "scrub", "scanning"), v1::STOP, "", v1::SCRUB_STOP},
      {"StopPaused", PoolScanning("tank", "scrub", "paused"), v1::STOP, "", v1::SCRUB_STOP},
      {"PauseScrubbing", PoolScanning("tank", "scrub", "scanning"), v1::PAUSE, "", v1::SCRUB_PAUSE},
      {"PausePaused", PoolScanning("tank", "scrub", "paused"), v1::PAUSE,
       "no scrub is running on nas1/tank", v1::COMMAND_KIND_UNSPECIFIED},
      {"StopIdle", Idle("tank"), v1::STOP, "no scrub is running on nas1/tank",
       v1::COMMAND_KIND_UNSPECIFIED},
      {"PauseIdle", Idle("tank"), v1::PAUSE, "no scrub is running on nas1/tank",
       v1::COMMAND_KIND_UNSPECIFIED},
      {"StopFinished", PoolScanning("tank", "scrub", "finished"), v1::STOP,
       "no scrub is running on nas1/tank", v1::COMMAND_KIND_UNSPECIFIED},
      {"StopResilver", PoolScanning("tank", "resilver", "scanning"), v1::STOP,
       "no scrub is running on nas1/tank", v1::COMMAND_KIND_UNSPECIFIED},
  };
  for (const Case& c : cases) {
    SetUp();  // a fresh store per case
    ReportPools("nas1", {c.pool});
    absl::StatusOr<v1::RequestScrubResponse> got = RequestScrub("nas1", "tank", c.action);
    if (c.want_error.empty()) {
      ASSERT_TRUE(got.ok()) << c.name << ": " << got.status();
      const std::vector<v1::Command> pending = Pending();
      ASSERT_EQ(pending.size(), 1u) << c.name;
      EXPECT_EQ(pending[0].id(), got->command_id()) << c.name;
      EXPECT_EQ(pending[0].kind(), c.want_kind) << c.name;
      EXPECT_EQ(pending[0].pool(), "tank") << c.name;
    } else {
      EXPECT_EQ(got.status().code(), absl::StatusCode::kFailedPrecondition) << c.name;
      EXPECT_THAT(got.status().message(), HasSubstr(c.want_error)) << c.name;
      EXPECT_TRUE(Pending().empty()) << c.name << ": a refused request queues nothing";
    }
  }
}

TEST_F(FleetQueriesTest, StartCreatesARequestedRunAndASecondStartIsRefused) {
  ReportPools("nas1", {Idle("tank")});
  absl::StatusOr<v1::RequestScrubResponse> first = RequestScrub("nas1", "tank", v1::START);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_NE(first->scrub_run_id(), 0);

  absl::StatusOr<v1::GetPoolResponse> pool = GetPool("nas1", "tank");
  ASSERT_TRUE(pool.ok()) << pool.status();
  ASSERT_EQ(pool->scrub_runs_size(), 1);
  EXPECT_EQ(pool->scrub_runs(0).id(), first->scrub_run_id());
  EXPECT_EQ(pool->scrub_runs(0).state(), v1::RUN_REQUESTED);
  EXPECT_EQ(pool->scrub_runs(0).trigger(), v1::TRIGGER_MANUAL);
  EXPECT_EQ(pool->scrub_runs(0).requested_at(), absl::ToUnixSeconds(kQueriesT0));
  EXPECT_EQ(pool->pool().last_scrub().id(), first->scrub_run_id());

  absl::StatusOr<v1::RequestScrubResponse> second = RequestScrub("nas1", "tank", v1::START);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(
      second.status().message(),
      absl::StrCat("a scrub of nas1/tank is already requested (run ", first->scrub_run_id(), ")"));
  EXPECT_EQ(Pending().size(), 1u);

  // Stopping a scrub that is only requested is allowed and belongs to that run.
  absl::StatusOr<v1::RequestScrubResponse> stop = RequestScrub("nas1", "tank", v1::STOP);
  ASSERT_TRUE(stop.ok()) << stop.status();
  EXPECT_EQ(stop->scrub_run_id(), first->scrub_run_id());
  const std::vector<v1::Command> pending = Pending();
  ASSERT_EQ(pending.size(), 2u);
  EXPECT_EQ(pending[0].kind(), v1::SCRUB_START);  // in the order they must run
  EXPECT_EQ(pending[1].kind(), v1::SCRUB_STOP);
  EXPECT_NE(pending[0].id(), pending[1].id());
}

TEST_F(FleetQueriesTest, NowSendsTheStartOfARequestStillWaitingForTheScheduler) {
  ReportPools("nas1", {Idle("tank")});
  absl::StatusOr<v1::RequestScrubResponse> queued = QueueScrub("nas1", "tank");
  ASSERT_TRUE(queued.ok()) << queued.status();
  EXPECT_TRUE(Pending().empty());  // the scheduler sends it, inside windows and caps
  // Asked again without --now: refused, saying how to have it at once.
  absl::StatusOr<v1::RequestScrubResponse> again = QueueScrub("nas1", "tank");
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(again.status().message(),
            absl::StrCat("a scrub of nas1/tank is already requested (run ", queued->scrub_run_id(),
                         "); --now starts it at once"));
  // With --now: the start goes out for the same run, not a second one.
  absl::StatusOr<v1::RequestScrubResponse> now = RequestScrub("nas1", "tank", v1::START);
  ASSERT_TRUE(now.ok()) << now.status();
  EXPECT_EQ(now->scrub_run_id(), queued->scrub_run_id());
  std::vector<v1::Command> pending = Pending();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].id(), now->command_id());
  EXPECT_EQ(pending[0].kind(), v1::SCRUB_START);
  absl::StatusOr<v1::GetPoolResponse> pool = GetPool("nas1", "tank");
  ASSERT_TRUE(pool.ok()) << pool.status();
  ASSERT_EQ(pool->scrub_runs_size(), 1);
  EXPECT_EQ(pool->scrub_runs(0).state(), v1::RUN_REQUESTED);
  // Once its start is on its way, --now has nothing left to hurry.
  absl::StatusOr<v1::RequestScrubResponse> twice = RequestScrub("nas1", "tank", v1::START);
  EXPECT_EQ(twice.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(
      twice.status().message(),
      absl::StrCat("a scrub of nas1/tank is already requested (run ", queued->scrub_run_id(), ")"));
  EXPECT_EQ(Pending().size(), 1u);
}

TEST_F(FleetQueriesTest, StopOfAnExternalScrubBelongsToItsRun) {
  // Recorded as external, running.
  ReportPools("nas1", {PoolScanning("tank", "scrub", "scanning")});
  absl::StatusOr<v1::RequestScrubResponse> stop = RequestScrub("nas1", "tank", v1::STOP);
  ASSERT_TRUE(stop.ok()) << stop.status();
  absl::StatusOr<v1::GetPoolResponse> pool = GetPool("nas1", "tank");
  ASSERT_TRUE(pool.ok()) << pool.status();
  ASSERT_EQ(pool->scrub_runs_size(), 1);
  EXPECT_EQ(pool->scrub_runs(0).trigger(), v1::TRIGGER_EXTERNAL);
  EXPECT_EQ(stop->scrub_run_id(), pool->scrub_runs(0).id());
}

TEST_F(FleetQueriesTest, UnspecifiedActionIsInvalid) {
  ReportPools("nas1", {Idle("tank")});
  EXPECT_EQ(RequestScrub("nas1", "tank", v1::SCRUB_ACTION_UNSPECIFIED).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Pending().empty());
}

TEST_F(FleetQueriesTest, HostStopsReportingAfterMissingAfterIntervals) {
  ReportPools("nas1", {Idle("tank")});
  ASSERT_EQ(config_.MissingAfter(), absl::Seconds(90));
  struct Case {
    absl::Duration since_report;
    bool reporting;
  };
  const Case cases[] = {
      {absl::ZeroDuration(), true}, {absl::Seconds(89), true}, {absl::Seconds(90), true},
      {absl::Seconds(91), false},   {absl::Hours(24), false},
  };
  for (const Case& c : cases) {
    clock_.Set(kQueriesT0 + c.since_report);
    absl::StatusOr<v1::ListHostsResponse> hosts = queries_->ListHosts();
    ASSERT_TRUE(hosts.ok()) << hosts.status();
    ASSERT_EQ(hosts->hosts_size(), 1);
    EXPECT_EQ(hosts->hosts(0).reporting(), c.reporting) << c.since_report;

    absl::StatusOr<v1::ListPoolsResponse> pools = queries_->ListPools();
    ASSERT_TRUE(pools.ok()) << pools.status();
    ASSERT_EQ(pools->pools_size(), 1);
    EXPECT_EQ(pools->pools(0).host_reporting(), c.reporting) << c.since_report;
    EXPECT_EQ(pools->pools(0).last_seen(), absl::ToUnixSeconds(kQueriesT0));

    absl::StatusOr<v1::GetPoolResponse> pool = GetPool("nas1", "tank");
    ASSERT_TRUE(pool.ok()) << pool.status();
    EXPECT_EQ(pool->pool().host_reporting(), c.reporting) << c.since_report;
  }
  // A report brings the host back.
  ReportPools("nas1", {Idle("tank")});
  absl::StatusOr<v1::ListHostsResponse> hosts = queries_->ListHosts();
  ASSERT_TRUE(hosts.ok()) << hosts.status();
  EXPECT_TRUE(hosts->hosts(0).reporting());
}

TEST_F(FleetQueriesTest, MissingAfterFollowsTheConfiguredInterval) {
  config_.report_interval = absl::Seconds(10);
  config_.missing_after = 2;
  ReportPools("nas1", {Idle("tank")});
  clock_.Set(kQueriesT0 + absl::Seconds(20));
  EXPECT_TRUE(queries_->ListHosts()->hosts(0).reporting());
  clock_.Set(kQueriesT0 + absl::Seconds(21));
  EXPECT_FALSE(queries_->ListHosts()->hosts(0).reporting());
}

TEST_F(FleetQueriesTest, ListPoolsCarriesTheNewestRun) {
  ReportPools("nas1", {PoolScanning("tank", "scrub", "finished"), Idle("fast")});
  absl::StatusOr<v1::RequestScrubResponse> start = RequestScrub("nas1", "tank", v1::START);
  ASSERT_TRUE(start.ok()) << start.status();
  absl::StatusOr<v1::ListPoolsResponse> pools = queries_->ListPools();
  ASSERT_TRUE(pools.ok()) << pools.status();
  ASSERT_EQ(pools->pools_size(), 2);
  EXPECT_EQ(pools->pools(0).pool().name(), "fast");
  EXPECT_FALSE(pools->pools(0).has_last_scrub());
  EXPECT_EQ(pools->pools(1).pool().name(), "tank");
  EXPECT_EQ(pools->pools(1).last_scrub().id(), start->scrub_run_id());
  EXPECT_EQ(pools->pools(1).last_scrub().state(), v1::RUN_REQUESTED);
}

TEST_F(FleetQueriesTest, StartWithoutNowQueuesARunForTheSchedulerAndSendsNothing) {
  ReportPools("nas1", {Idle("tank")});
  v1::RequestScrubRequest request;
  request.set_host_id("nas1");
  request.set_pool("tank");
  request.set_action(v1::START);
  int kicks = 0;
  queries_->set_on_scrub_requested([&] { ++kicks; });
  absl::StatusOr<v1::RequestScrubResponse> queued = queries_->RequestScrub(request);
  ASSERT_TRUE(queued.ok()) << queued.status();
  EXPECT_EQ(queued->command_id(), "");
  EXPECT_GT(queued->scrub_run_id(), 0);
  EXPECT_TRUE(Pending().empty());
  EXPECT_EQ(kicks, 1);
  // The queued run counts as requested: a second request is refused.
  absl::StatusOr<v1::RequestScrubResponse> again = queries_->RequestScrub(request);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);
  // --now applies only to starting.
  request.set_action(v1::STOP);
  request.set_now(true);
  EXPECT_EQ(queries_->RequestScrub(request).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace zfleet::controller
