// The pure steps of a report's way in: DiffReport against a stored view built by hand, then
// DeriveReportWrite. No store, no clock.
#include "controller/ingest/report_effects.h"

#include <string>
#include <vector>

#include "controller/ingest/report_diff.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/enum_names.h"

namespace zfleet::controller {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);
const absl::Duration kMissingAfter = absl::Seconds(90);

v1::Pool Pool(const std::string& name, const std::string& state = "ONLINE") {
  v1::Pool pool;
  pool.set_name(name);
  pool.set_state(state);
  v1::Vdev* sda = pool.add_vdevs();
  sda->set_name("sda");
  sda->set_type("disk");
  sda->set_role("data");
  sda->set_state(state == "ONLINE" ? "ONLINE" : "FAULTED");
  return pool;
}

v1::Pool WithScan(v1::Pool pool, const std::string& state, int64_t start, int64_t end = 0) {
  v1::Scan* scan = pool.mutable_scan();
  scan->set_function("scrub");
  scan->set_state(state);
  scan->set_start_time(start);
  if (end != 0) scan->set_end_time(end);
  scan->set_bytes_issued(100);
  return pool;
}

v1::ReportRequest Report(const std::vector<v1::Pool>& pools, bool valid = true) {
  v1::ReportRequest report;
  report.set_host_id("nas1");
  report.set_instance_id("i");
  report.set_pools_valid(valid);
  for (const v1::Pool& p : pools) *report.add_pools() = p;
  return report;
}

// A view of a host the store knows, with `pools` stored as they are given.
StoredReportView Known(const std::vector<v1::Pool>& pools) {
  StoredReportView view;
  view.host.emplace();
  view.host->host_id = "nas1";
  view.liveness = HostLiveness{"nas1", kNow - absl::Seconds(30), std::nullopt, false, std::nullopt};
  for (const v1::Pool& p : pools) {
    view.pools[p.name()].snapshot = p;
    view.present_pools.push_back(p.name());
  }
  return view;
}

v1::ScrubRun MakeRun(int64_t id, v1::ScrubRunState state, int64_t started_at = 0) {
  v1::ScrubRun run;
  run.set_id(id);
  run.set_host_id("nas1");
  run.set_pool("tank");
  SetTrigger(run, v1::TRIGGER_MANUAL);
  SetRunState(run, state);
  run.set_requested_at(1000);
  if (started_at != 0) run.set_started_at(started_at);
  return run;
}

CommandRecord Command(const std::string& id, v1::CommandKind kind, int64_t run_id) {
  CommandRecord c;
  c.id = id;
  c.host_id = "nas1";
  c.pool = "tank";
  c.kind = kind;
  c.scrub_run_id = run_id;
  return c;
}

v1::CommandAck Ack(const std::string& id, bool ok = true) {
  v1::CommandAck ack;
  ack.set_id(id);
  ack.set_ok(ok);
  ack.set_executed_at(absl::ToUnixSeconds(kNow) - 5);
  return ack;
}

ReportWrite Derive(const StoredReportView& view, const v1::ReportRequest& report) {
  absl::StatusOr<ReportDiff> diff = DiffReport(view, report, kNow);
  EXPECT_TRUE(diff.ok()) << diff.status();
  return DeriveReportWrite(view, *diff, report, kMissingAfter, kNow, kNow);
}

std::vector<std::string> Kinds(const ReportWrite& w) {
  std::vector<std::string> kinds;
  for (const NewEvent& e : w.events) kinds.push_back(e.event.kind());
  return kinds;
}

TEST(ReportEffectsTest, FirstReportOfAHostStoresEverythingNew) {
  const ReportWrite w = Derive(StoredReportView(), Report({Pool("tank"), Pool("bad", "FAULTED")}));
  EXPECT_EQ(w.host_id, "nas1");
  EXPECT_EQ(w.now, kNow);
  ASSERT_EQ(w.pools.size(), 2u);
  EXPECT_EQ(w.pools[0].plan.snapshot, PoolWritePlan::Snapshot::kNew);
  EXPECT_EQ(w.pools[1].plan.snapshot, PoolWritePlan::Snapshot::kNew);
  EXPECT_EQ(w.stack_attention, false);  // unknown until now
  EXPECT_FALSE(w.clear_missing);
  EXPECT_THAT(Kinds(w), ElementsAre("pool_state"));  // ONLINE on first sight says nothing
  EXPECT_EQ(w.events[0].event.severity(), v1::SEVERITY_CRITICAL);
  ASSERT_TRUE(w.present_pools.has_value());
  EXPECT_THAT(*w.present_pools, ElementsAre("tank", "bad"));
}

TEST(ReportEffectsTest, AnUnchangedReportWritesOnlyLastSeen) {
  const v1::Pool tank = Pool("tank");
  const ReportWrite w = Derive(Known({tank}), Report({tank}));
  ASSERT_EQ(w.pools.size(), 1u);
  EXPECT_EQ(w.pools[0].plan.snapshot, PoolWritePlan::Snapshot::kTouch);
  EXPECT_FALSE(w.pools[0].plan.write_status);
  EXPECT_FALSE(w.stack_attention.has_value());
  EXPECT_THAT(w.events, IsEmpty());
  EXPECT_THAT(w.scan_progress, IsEmpty());
  EXPECT_THAT(w.updated_runs, IsEmpty());
  EXPECT_THAT(w.new_runs, IsEmpty());
}

TEST(ReportEffectsTest, AStartAckRunsTheRunOnceEvenWhenRepeated) {
  StoredReportView view = Known({Pool("tank")});
  view.runs = {MakeRun(7, v1::RUN_REQUESTED)};
  view.acked_commands["c1"] = Command("c1", v1::SCRUB_START, 7);
  v1::ReportRequest report = Report({WithScan(Pool("tank"), "scanning", 1'799'999'990)});
  *report.add_acks() = Ack("c1");
  *report.add_acks() = Ack("c1");        // resent in the same report: counted once
  *report.add_acks() = Ack("not-ours");  // another host's id, or a forgotten one
  const ReportWrite w = Derive(view, report);
  ASSERT_EQ(w.command_outcomes.size(), 1u);
  EXPECT_EQ(w.command_outcomes[0].state, CommandState::kDone);
  EXPECT_EQ(w.command_outcomes[0].acked_at, kNow);
  // One row per run, as it ends up: running (the ack), with the scan's figures.
  ASSERT_EQ(w.updated_runs.size(), 1u);
  EXPECT_EQ(w.updated_runs[0].state(), v1::RUN_RUNNING);
  EXPECT_EQ(w.updated_runs[0].started_at(), absl::ToUnixSeconds(kNow) - 5);
  EXPECT_THAT(w.new_runs, IsEmpty());  // the scan is ours, not an external scrub
  // The new scan is followed for stalls.
  ASSERT_EQ(w.scan_progress.size(), 1u);
  EXPECT_EQ(w.scan_progress[0].first, "tank");
  ASSERT_TRUE(w.scan_progress[0].second.has_value());
  EXPECT_EQ(w.scan_progress[0].second->progressed_at, kNow);
}

TEST(ReportEffectsTest, AStoppedScrubIsNotRecordedAgainAsExternal) {
  // The stop ack and the canceled scan arrive in the same report.
  const int64_t start = 1'799'999'000;
  StoredReportView view = Known({WithScan(Pool("tank"), "scanning", start)});
  view.runs = {MakeRun(7, v1::RUN_RUNNING, start)};
  view.acked_commands["c2"] = Command("c2", v1::SCRUB_STOP, 7);
  v1::ReportRequest report =
      Report({WithScan(Pool("tank"), "canceled", start, absl::ToUnixSeconds(kNow) - 4)});
  *report.add_acks() = Ack("c2");
  const ReportWrite w = Derive(view, report);
  ASSERT_EQ(w.updated_runs.size(), 1u);
  EXPECT_EQ(w.updated_runs[0].state(), v1::RUN_CANCELED);
  EXPECT_EQ(w.updated_runs[0].message(), "stopped by request");
  EXPECT_THAT(w.new_runs, IsEmpty());
}

TEST(ReportEffectsTest, AScrubNobodyAskedForBecomesAnExternalRunWithItsEvent) {
  const int64_t end = absl::ToUnixSeconds(kNow) - 60;
  const ReportWrite w =
      Derive(Known({Pool("tank")}), Report({WithScan(Pool("tank"), "finished", end - 600, end)}));
  ASSERT_EQ(w.new_runs.size(), 1u);
  EXPECT_EQ(w.new_runs[0].trigger(), v1::TRIGGER_EXTERNAL);
  EXPECT_EQ(w.new_runs[0].state(), v1::RUN_FINISHED);
  EXPECT_THAT(Kinds(w), ElementsAre("scrub_finished"));
  // The finished scrub clears an overdue concern.
  EXPECT_THAT(w.cleared_concerns, ElementsAre(std::pair<std::string, ScrubConcern::Kind>(
                                      "tank", ScrubConcern::Kind::kOverdue)));
}

TEST(ReportEffectsTest, APoolListedTwiceIsComparedWithItsFirstListing) {
  const ReportWrite w =
      Derive(Known({Pool("tank")}), Report({Pool("tank", "FAULTED"), Pool("tank", "FAULTED")}));
  ASSERT_EQ(w.pools.size(), 2u);
  EXPECT_EQ(w.pools[0].plan.snapshot, PoolWritePlan::Snapshot::kNew);
  EXPECT_EQ(w.pools[1].plan.snapshot, PoolWritePlan::Snapshot::kTouch);
  EXPECT_THAT(Kinds(w), ElementsAre("pool_state"));
}

TEST(ReportEffectsTest, AVanishedPoolIsAWarningAndBecomesAbsent) {
  const ReportWrite w = Derive(Known({Pool("tank"), Pool("backup")}), Report({Pool("tank")}));
  EXPECT_THAT(Kinds(w), ElementsAre("pool_state"));
  EXPECT_EQ(w.events[0].event.pool(), "backup");
  EXPECT_EQ(w.events[0].event.severity(), v1::SEVERITY_WARNING);
  ASSERT_TRUE(w.present_pools.has_value());
  EXPECT_THAT(*w.present_pools, ElementsAre("tank"));
}

TEST(ReportEffectsTest, AFailedZpoolReadKeepsThePoolsButStillAppliesAcks) {
  StoredReportView view = Known({Pool("tank")});
  view.runs = {MakeRun(7, v1::RUN_REQUESTED)};
  view.acked_commands["c1"] = Command("c1", v1::SCRUB_START, 7);
  v1::ReportRequest report = Report({}, /*valid=*/false);
  report.set_collect_error("zpool: timed out after 60s");
  *report.add_acks() = Ack("c1", /*ok=*/false);
  const ReportWrite w = Derive(view, report);
  EXPECT_THAT(w.pools, IsEmpty());
  EXPECT_FALSE(w.present_pools.has_value());  // nothing is marked absent
  EXPECT_EQ(w.collect_error, "zpool: timed out after 60s");
  ASSERT_EQ(w.command_outcomes.size(), 1u);
  EXPECT_EQ(w.command_outcomes[0].state, CommandState::kFailed);
  ASSERT_EQ(w.updated_runs.size(), 1u);
  EXPECT_EQ(w.updated_runs[0].state(), v1::RUN_FAILED);
  EXPECT_THAT(w.events, IsEmpty());
}

TEST(ReportEffectsTest, AMissingHostIsBackAndItsStackAttentionFollowsItsChecks) {
  StoredReportView view = Known({});
  view.liveness->missing_since = kNow - absl::Hours(1);
  view.liveness->stack_attention = false;
  v1::ReportRequest report = Report({});
  v1::StackCheck* check = report.mutable_host()->add_stack_checks();
  check->set_name("systemd:zfs-zed");
  check->set_level("warn");
  const ReportWrite w = Derive(view, report);
  EXPECT_TRUE(w.clear_missing);
  EXPECT_EQ(w.stack_attention, true);
  EXPECT_THAT(Kinds(w), ElementsAre("stack_check", "host_back"));
}

v1::AgentScrub AgentScrub(const std::string& pool, int64_t started_at) {
  v1::AgentScrub scrub;
  scrub.set_pool(pool);
  scrub.set_started_at(started_at);
  return scrub;
}

TEST(ReportEffectsTest, AnAgentScrubIsOneRunOfTriggerAgentAndNoExternalOne) {
  const int64_t start = absl::ToUnixSeconds(kNow) - 7200;
  const v1::Pool done = WithScan(Pool("tank"), "finished", start + 1, start + 3600);
  v1::ReportRequest report = Report({done});
  v1::AgentScrub scrub = AgentScrub("tank", start);
  *scrub.mutable_last_scan() = done.scan();
  *report.add_agent_scrubs() = scrub;
  *report.add_agent_scrubs() = scrub;  // listed twice: still one scrub
  const ReportWrite w = Derive(Known({Pool("tank")}), report);
  ASSERT_EQ(w.new_runs.size(), 1u);
  EXPECT_EQ(w.new_runs[0].trigger(), v1::TRIGGER_AGENT);
  EXPECT_EQ(w.new_runs[0].state(), v1::RUN_FINISHED);
  EXPECT_EQ(w.new_runs[0].started_at(), start);
  EXPECT_THAT(w.updated_runs, IsEmpty());
  EXPECT_THAT(w.dropped_agent_scrubs, IsEmpty());
  EXPECT_THAT(Kinds(w), ElementsAre("scrub_finished"));

  // Without the agent's word the same scan is an external scrub.
  const ReportWrite external = Derive(Known({Pool("tank")}), Report({done}));
  ASSERT_EQ(external.new_runs.size(), 1u);
  EXPECT_EQ(external.new_runs[0].trigger(), v1::TRIGGER_EXTERNAL);
}

TEST(ReportEffectsTest, AnAgentScrubInProgressWithoutAStartTimeIsNoExternalOneToo) {
  // zpool does not always print when a scan began (zfs-fuse's "scrub in progress for 0h5m");
  // the agent's word that it started the pool's scrub claims the scan all the same.
  const int64_t start = absl::ToUnixSeconds(kNow) - 300;
  v1::Pool scanning = WithScan(Pool("tank"), "scanning", 0);
  scanning.mutable_scan()->clear_start_time();
  v1::ReportRequest report = Report({scanning});
  v1::AgentScrub scrub = AgentScrub("tank", start);
  *scrub.mutable_last_scan() = scanning.scan();
  *report.add_agent_scrubs() = scrub;
  const ReportWrite w = Derive(Known({Pool("tank")}), report);
  ASSERT_EQ(w.new_runs.size(), 1u);
  EXPECT_EQ(w.new_runs[0].trigger(), v1::TRIGGER_AGENT);
  EXPECT_EQ(w.new_runs[0].state(), v1::RUN_RUNNING);

  // Without the agent's word it is an external scrub.
  const ReportWrite external = Derive(Known({Pool("tank")}), Report({scanning}));
  ASSERT_EQ(external.new_runs.size(), 1u);
  EXPECT_EQ(external.new_runs[0].trigger(), v1::TRIGGER_EXTERNAL);
}

TEST(ReportEffectsTest, AnAgentScrubAlreadyStoredIsNotStoredAgain) {
  const v1::Pool done = WithScan(Pool("tank"), "finished", 1001, 4000);
  StoredReportView view = Known({done});
  v1::ScrubRun stored = MakeRun(7, v1::RUN_FINISHED, 1000);
  SetTrigger(stored, v1::TRIGGER_AGENT);
  view.runs.push_back(stored);
  v1::ReportRequest report = Report({done});
  *report.add_agent_scrubs() = AgentScrub("tank", 1000);
  const ReportWrite w = Derive(view, report);
  EXPECT_THAT(w.new_runs, IsEmpty());
  EXPECT_THAT(w.updated_runs, IsEmpty());

  // Stored as external before the agent said it was its own: it becomes the agent's.
  SetTrigger(view.runs[0], v1::TRIGGER_EXTERNAL);
  view.runs[0].set_started_at(1001);
  const ReportWrite converted = Derive(view, report);
  EXPECT_THAT(converted.new_runs, IsEmpty());
  ASSERT_EQ(converted.updated_runs.size(), 1u);
  EXPECT_EQ(converted.updated_runs[0].id(), 7);
  EXPECT_EQ(converted.updated_runs[0].trigger(), v1::TRIGGER_AGENT);
  EXPECT_EQ(converted.updated_runs[0].started_at(), 1001);
}

TEST(ReportEffectsTest, AnAgentScrubOfAPoolTheStoreDoesNotKnowIsDropped) {
  v1::ReportRequest report = Report({}, /*valid=*/false);
  *report.add_agent_scrubs() = AgentScrub("ghost", 1000);
  *report.add_agent_scrubs() = AgentScrub("tank", 1000);
  const ReportWrite w = Derive(Known({Pool("tank")}), report);
  ASSERT_EQ(w.dropped_agent_scrubs.size(), 1u);
  EXPECT_EQ(w.dropped_agent_scrubs[0]->pool(), "ghost");
  ASSERT_EQ(w.new_runs.size(), 1u);
  EXPECT_EQ(w.new_runs[0].pool(), "tank");
  // A pool new in this report is known.
  v1::ReportRequest first = Report({Pool("fresh")});
  *first.add_agent_scrubs() = AgentScrub("fresh", 1000);
  EXPECT_EQ(Derive(Known({}), first).new_runs.size(), 1u);
}

}  // namespace
}  // namespace zfleet::controller
