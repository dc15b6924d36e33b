// Scrubs an agent started on its own while the controller was away, through the report
// path and the real store: each stored once as trigger agent, dated by the agent, never
// doubled as external; and the AgentPolicy every reply carries.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "controller/schedule_service.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/enum_names.h"
#include "tests/controller/controller_fixtures.h"
#include "tests/testing/pool_builders.h"

namespace zfleet::controller {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

const absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);

v1::Pool Pool(const std::string& name) {
  v1::Pool pool;
  pool.set_name(name);
  pool.set_state("ONLINE");
  pool.mutable_scan()->set_function("none");
  pool.mutable_scan()->set_state("none");
  *pool.add_vdevs() = testing::ClassedLeaf("sda", "data", "sata");
  return pool;
}

v1::Scan ScrubScan(const std::string& state, int64_t start, int64_t end = 0) {
  v1::Scan scan;
  scan.set_function("scrub");
  scan.set_state(state);
  scan.set_start_time(start);
  if (end != 0) scan.set_end_time(end);
  scan.set_bytes_scanned(4096);
  scan.set_bytes_repaired(state == "finished" ? 512 : 0);
  scan.set_errors(0);
  return scan;
}

v1::Pool WithScan(v1::Pool pool, const v1::Scan& scan) {
  *pool.mutable_scan() = scan;
  return pool;
}

v1::AgentScrub AgentScrub(const std::string& pool, int64_t started_at,
                          const v1::Scan* last_scan = nullptr) {
  v1::AgentScrub scrub;
  scrub.set_pool(pool);
  scrub.set_started_at(started_at);
  if (last_scan != nullptr) *scrub.mutable_last_scan() = *last_scan;
  return scrub;
}

class AgentScrubsTest : public FleetServicesTest {
 protected:
  AgentScrubsTest() : FleetServicesTest(kT0) {}
  void SetUp() override {
    OpenServices(":memory:");
    ReportPools("nas1", {Pool("tank"), Pool("bulk")});
    // The controller is away for two days.
    clock_.Advance(absl::Hours(48));
  }

  // The report of an agent back in touch: `pools` and the scrubs it started alone.
  v1::ReportResponse Back(const std::vector<v1::Pool>& pools,
                          const std::vector<v1::AgentScrub>& scrubs) {
    v1::ReportRequest report = PoolsReport("nas1", pools);
    for (const v1::AgentScrub& s : scrubs) *report.add_agent_scrubs() = s;
    return MustProcess(report);
  }

  std::vector<v1::ScrubRun> Runs(const std::string& pool) {
    absl::StatusOr<v1::GetPoolResponse> got = GetPool("nas1", pool);
    EXPECT_TRUE(got.ok()) << got.status();
    if (!got.ok()) return {};
    return {got->scrub_runs().begin(), got->scrub_runs().end()};
  }

  const int64_t started_ = absl::ToUnixSeconds(kT0 + absl::Hours(30));
};

TEST_F(AgentScrubsTest, StoredOnceAsAgentWithTheAgentsTimeAndNotAsExternal) {
  const v1::Scan done = ScrubScan("finished", started_ + 1, started_ + 3600);
  for (int i = 0; i < 3; ++i) {  // the agent resends it until it knows the report arrived
    Back({WithScan(Pool("tank"), done), Pool("bulk")}, {AgentScrub("tank", started_, &done)});
    clock_.Advance(absl::Seconds(30));
  }
  const std::vector<v1::ScrubRun> runs = Runs("tank");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].trigger(), v1::TRIGGER_AGENT);
  EXPECT_EQ(runs[0].trigger_name(), "agent");
  EXPECT_EQ(runs[0].state(), v1::RUN_FINISHED);
  EXPECT_EQ(runs[0].started_at(), started_);
  EXPECT_EQ(runs[0].requested_at(), started_);
  EXPECT_EQ(runs[0].ended_at(), started_ + 3600);
  EXPECT_EQ(runs[0].bytes_repaired(), 512u);
  EXPECT_THAT(Runs("bulk"), IsEmpty());
}

TEST_F(AgentScrubsTest, AScrubUnderWayIsFollowedToItsEndAsAnyRun) {
  const v1::Scan scanning = ScrubScan("scanning", started_);
  Back({WithScan(Pool("tank"), scanning)}, {AgentScrub("tank", started_, &scanning)});
  std::vector<v1::ScrubRun> runs = Runs("tank");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].state(), v1::RUN_RUNNING);
  EXPECT_EQ(runs[0].trigger(), v1::TRIGGER_AGENT);

  // Delivered: the next reports carry only the pool.
  clock_.Advance(absl::Hours(1));
  Back({WithScan(Pool("tank"), ScrubScan("finished", started_, started_ + 3000))}, {});
  runs = Runs("tank");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].state(), v1::RUN_FINISHED);
  EXPECT_EQ(runs[0].trigger(), v1::TRIGGER_AGENT);
  EXPECT_EQ(runs[0].ended_at(), started_ + 3000);
}

TEST_F(AgentScrubsTest, OneFirstTakenForExternalBecomesTheAgents) {
  const v1::Scan done = ScrubScan("finished", started_ + 2, started_ + 600);
  Back({WithScan(Pool("tank"), done)}, {});
  ASSERT_EQ(Runs("tank").size(), 1u);
  ASSERT_EQ(Runs("tank")[0].trigger(), v1::TRIGGER_EXTERNAL);
  clock_.Advance(absl::Seconds(30));
  Back({WithScan(Pool("tank"), done)}, {AgentScrub("tank", started_, &done)});
  const std::vector<v1::ScrubRun> runs = Runs("tank");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].trigger(), v1::TRIGGER_AGENT);
  EXPECT_EQ(runs[0].state(), v1::RUN_FINISHED);
}

TEST_F(AgentScrubsTest, SeveralScrubsOfOnePoolWhileAwayAreEachStored) {
  const v1::Scan first = ScrubScan("finished", started_, started_ + 600);
  const int64_t later = started_ + 8 * 24 * 3600;
  const v1::Scan second = ScrubScan("finished", later, later + 900);
  clock_.Advance(absl::Hours(24 * 10));
  Back({WithScan(Pool("tank"), second)},
       {AgentScrub("tank", started_, &first), AgentScrub("tank", later, &second)});
  const std::vector<v1::ScrubRun> runs = Runs("tank");
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].started_at(), later);  // newest first
  EXPECT_EQ(runs[0].ended_at(), later + 900);
  EXPECT_EQ(runs[1].started_at(), started_);
  EXPECT_EQ(runs[1].ended_at(), started_ + 600);
  for (const v1::ScrubRun& run : runs) EXPECT_EQ(run.trigger(), v1::TRIGGER_AGENT);
}

TEST_F(AgentScrubsTest, AFailedStartIsAFailedRunWithItsError) {
  v1::AgentScrub failed = AgentScrub("tank", started_);
  failed.set_error("zpool scrub tank: cannot scrub tank: pool I/O is currently suspended");
  Back({Pool("tank")}, {failed});
  const std::vector<v1::ScrubRun> runs = Runs("tank");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].state(), v1::RUN_FAILED);
  EXPECT_EQ(runs[0].trigger(), v1::TRIGGER_AGENT);
  EXPECT_EQ(runs[0].message(), failed.error());
}

TEST_F(AgentScrubsTest, AScrubOfAPoolTheControllerNeverSawIsNotStoredButTheReportIs) {
  v1::ReportRequest report = PoolsReport("nas1", {});
  report.set_pools_valid(false);
  *report.add_agent_scrubs() = AgentScrub("newpool", started_);
  *report.add_agent_scrubs() = AgentScrub("tank", started_);
  absl::StatusOr<v1::ReportResponse> response = processor_->Process(report);
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(Runs("tank").size(), 1u);  // a pool the store knows, even from a failed read
}

TEST_F(AgentScrubsTest, AnAgentScrubNamingABadPoolIsRefused) {
  v1::ReportRequest report = PoolsReport("nas1", {Pool("tank")});
  *report.add_agent_scrubs() = AgentScrub("../etc", started_);
  EXPECT_EQ(processor_->Process(report).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(AgentScrubsTest, TheSchedulerStartsNoSecondScrubOnAPoolTheAgentScrubs) {
  config_.scheduler.classes[static_cast<int>(DiskClass::kSata)].interval = absl::Hours(1);
  const v1::Scan scanning = ScrubScan("scanning", started_);
  Back({WithScan(Pool("tank"), scanning), Pool("bulk")}, {AgentScrub("tank", started_, &scanning)});
  ScheduleService schedule(store_.get(), &mu_, &config_, &clock_);
  config_.scheduler.max_per_host = 5;
  ASSERT_TRUE(schedule.Tick().ok());
  absl::MutexLock lock(&mu_);
  absl::StatusOr<std::vector<CommandRecord>> pending = store_->commands().Pending("nas1", clock_.Now());
  ASSERT_TRUE(pending.ok()) << pending.status();
  std::vector<std::string> pools;
  for (const CommandRecord& c : *pending) pools.push_back(c.pool);
  EXPECT_THAT(pools, ElementsAre("bulk"));  // due too, and not scanning
}

TEST_F(AgentScrubsTest, OneTheAgentPausedAtItsWindowsEndIsResumedByTheScheduler) {
  v1::Scan paused = ScrubScan("paused", started_);
  v1::AgentScrub scrub = AgentScrub("tank", started_, &paused);
  scrub.set_paused_at_window_end(true);
  Back({WithScan(Pool("tank"), paused), Pool("bulk")}, {scrub});
  const std::vector<v1::ScrubRun> runs = Runs("tank");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].pause(), v1::PAUSE_WINDOW_END);
  // Its window (always open here) is open: the scheduler resumes it before anything else.
  ScheduleService schedule(store_.get(), &mu_, &config_, &clock_);
  ASSERT_TRUE(schedule.Tick().ok());
  absl::MutexLock lock(&mu_);
  absl::StatusOr<std::vector<CommandRecord>> pending = store_->commands().Pending("nas1", clock_.Now());
  ASSERT_TRUE(pending.ok()) << pending.status();
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].pool, "tank");
  EXPECT_EQ((*pending)[0].kind, v1::SCRUB_START);
  EXPECT_EQ((*pending)[0].scrub_run_id, runs[0].id());
}

TEST_F(AgentScrubsTest, EveryReplyCarriesThePolicyForTheHost) {
  config_.autonomous_after = absl::Hours(36);
  config_.scheduler.max_per_host = 2;
  config_.scheduler.load_threshold = 6.5;
  config_.scheduler.timezone_name = "Europe/Amsterdam";
  config_.scheduler.skip_states = {"FAULTED"};
  config_.scheduler.at_window_end = WindowEndAction::kStop;
  config_.scheduler.classes[static_cast<int>(DiskClass::kSata)].windows =
      *ScrubWindows::Parse({"Mon-Fri 01:00-05:00"});
  const v1::Scan done = ScrubScan("finished", started_, started_ + 600);
  const v1::ReportResponse reply =
      Back({WithScan(Pool("tank"), done), Pool("bulk")}, {AgentScrub("tank", started_, &done)});
  ASSERT_TRUE(reply.has_policy());
  const v1::AgentPolicy& policy = reply.policy();
  EXPECT_EQ(policy.autonomous_after_s(), 36 * 3600);
  EXPECT_EQ(policy.max_per_host(), 2u);
  EXPECT_EQ(policy.load_threshold(), 6.5);
  EXPECT_EQ(policy.timezone(), "Europe/Amsterdam");
  EXPECT_THAT(policy.skip_states(), ElementsAre("FAULTED"));
  EXPECT_EQ(policy.at_window_end(), "stop");
  ASSERT_EQ(policy.classes_size(), kDiskClassCount);
  EXPECT_EQ(policy.classes(0).disk_class(), "sata");
  EXPECT_EQ(policy.classes(0).interval_s(), 7 * 24 * 3600);
  EXPECT_THAT(policy.classes(0).windows(), ElementsAre("Mon-Fri 01:00-05:00"));
  EXPECT_EQ(policy.classes(4).disk_class(), "sas");
  EXPECT_EQ(policy.classes(4).interval_s(), 30 * 24 * 3600);
  EXPECT_THAT(policy.classes(4).windows(), IsEmpty());  // always open
  ASSERT_EQ(policy.pools_size(), 2);
  EXPECT_EQ(policy.pools(0).pool(), "bulk");
  EXPECT_EQ(policy.pools(0).first_seen(), absl::ToUnixSeconds(kT0));
  EXPECT_FALSE(policy.pools(0).has_last_scrub_start());
  EXPECT_EQ(policy.pools(1).pool(), "tank");
  EXPECT_EQ(policy.pools(1).last_scrub_start(), started_);
  EXPECT_EQ(policy.pools(1).last_scrub_end(), started_ + 600);

  config_.autonomous_after = absl::ZeroDuration();
  clock_.Advance(absl::Seconds(30));
  EXPECT_EQ(Back({Pool("tank"), Pool("bulk")}, {}).policy().autonomous_after_s(), 0);
}

}  // namespace
}  // namespace zfleet::controller
