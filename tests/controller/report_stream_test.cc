// Observations delivered late, twice, or from another stream: each applied once, in order,
// dated by when the agent saw it; and a zpool that stops answering.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "controller/event_queries.h"
#include "controller/report_processor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/controller/controller_fixtures.h"
#include "tests/testing/pool_builders.h"

namespace zfleet::controller {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const absl::Time kStreamT0 = absl::FromUnixSeconds(1'800'000'000);

v1::Pool StreamPool(const std::string& state) {
  v1::Pool pool;
  pool.set_name("tank");
  pool.set_state(state);
  v1::Vdev leaf = testing::DiskLeaf("sda");
  leaf.set_state(state == "ONLINE" ? "ONLINE" : "FAULTED");
  *pool.add_vdevs() = leaf;
  return pool;
}

v1::ReportRequest Observation(uint64_t sequence, absl::Time seen, const std::string& state,
                              const std::string& stream = "s1") {
  v1::ReportRequest r = PoolsReport("nas1", {StreamPool(state)});
  r.set_stream_id(stream);
  r.set_sequence(sequence);
  r.set_observed_at(absl::ToUnixSeconds(seen));
  return r;
}

// An observation of tank scrubbing, so a STOP can be asked for.
v1::ReportRequest Scrubbing(uint64_t sequence, absl::Time seen) {
  v1::ReportRequest r = Observation(sequence, seen, "ONLINE");
  v1::Scan& scan = *r.mutable_pools(0)->mutable_scan();
  scan.set_function("scrub");
  scan.set_state("scanning");
  scan.set_start_time(absl::ToUnixSeconds(seen));
  scan.set_bytes_scanned(10);
  return r;
}

class ReportStreamTest : public FleetServicesTest {
 protected:
  ReportStreamTest() : FleetServicesTest(kStreamT0) {}
  void SetUp() override {
    OpenServices(":memory:");
    events_ = std::make_unique<EventQueries>(store_.get(), &mu_, &config_, &clock_);
  }

  // (time, message) of the host's pool_state events, oldest first.
  std::vector<std::pair<int64_t, std::string>> PoolStateEvents() {
    v1::ListEventsRequest request;
    absl::StatusOr<v1::ListEventsResponse> got = events_->ListEvents(request);
    EXPECT_TRUE(got.ok()) << got.status();
    std::vector<std::pair<int64_t, std::string>> out;
    if (!got.ok()) return out;
    for (const v1::Event& e : got->events()) {
      if (e.kind() == "pool_state") out.insert(out.begin(), {e.time(), e.message()});
    }
    return out;
  }

  std::string PoolState() {
    absl::StatusOr<v1::GetPoolResponse> got = GetPool("nas1", "tank");
    EXPECT_TRUE(got.ok()) << got.status();
    return got.ok() ? got->pool().pool().state() : "";
  }

  std::unique_ptr<EventQueries> events_;
};

TEST_F(ReportStreamTest, ABacklogIsAppliedInOrderAndDatedWhenSeen) {
  EXPECT_EQ(MustProcess(Observation(1, kStreamT0, "ONLINE")).outcome(), v1::REPORT_APPLIED);
  // The controller was away for an hour; meanwhile the pool degraded and came back.
  clock_.Advance(absl::Hours(1));
  v1::ReportRequest degraded = Observation(2, kStreamT0 + absl::Minutes(10), "DEGRADED");
  degraded.set_backlog(1);
  EXPECT_EQ(MustProcess(degraded).outcome(), v1::REPORT_APPLIED);
  EXPECT_EQ(MustProcess(Observation(3, kStreamT0 + absl::Minutes(20), "ONLINE")).outcome(),
            v1::REPORT_APPLIED);
  const auto events = PoolStateEvents();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].first, absl::ToUnixSeconds(kStreamT0 + absl::Minutes(10)));
  EXPECT_THAT(events[0].second, HasSubstr("DEGRADED"));
  EXPECT_EQ(events[1].first, absl::ToUnixSeconds(kStreamT0 + absl::Minutes(20)));
  EXPECT_THAT(events[1].second, HasSubstr("ONLINE again"));
  // The history is dated when seen too.
  v1::GetHistoryRequest history;
  history.set_host_id("nas1");
  history.set_pool("tank");
  absl::StatusOr<v1::GetHistoryResponse> changes = events_->GetHistory(history);
  ASSERT_TRUE(changes.ok()) << changes.status();
  std::vector<int64_t> times;
  for (const v1::PoolChange& c : changes->changes()) times.push_back(c.time());
  EXPECT_THAT(times, ElementsAre(absl::ToUnixSeconds(kStreamT0 + absl::Minutes(20)),
                                 absl::ToUnixSeconds(kStreamT0 + absl::Minutes(10)),
                                 absl::ToUnixSeconds(kStreamT0)));
  // But the host was seen when the reports arrived.
  absl::StatusOr<v1::ListHostsResponse> hosts = queries_->ListHosts();
  ASSERT_TRUE(hosts.ok());
  EXPECT_EQ(hosts->hosts(0).last_seen(), absl::ToUnixSeconds(clock_.Now()));
}

TEST_F(ReportStreamTest, AReplayedObservationChangesNothingButLiveness) {
  MustProcess(Observation(1, kStreamT0, "ONLINE"));
  MustProcess(Observation(2, kStreamT0 + absl::Minutes(1), "DEGRADED"));
  clock_.Advance(absl::Minutes(5));
  // Sequence 1 again (its answer was lost, say), claiming what it claimed then.
  const v1::ReportResponse reply = MustProcess(Observation(1, kStreamT0, "ONLINE"));
  EXPECT_EQ(reply.outcome(), v1::REPORT_DUPLICATE);
  EXPECT_EQ(PoolState(), "DEGRADED");
  EXPECT_EQ(PoolStateEvents().size(), 1u);
  absl::StatusOr<v1::ListHostsResponse> hosts = queries_->ListHosts();
  ASSERT_TRUE(hosts.ok());
  EXPECT_EQ(hosts->hosts(0).last_seen(), absl::ToUnixSeconds(clock_.Now()));
}

TEST_F(ReportStreamTest, AReplayStillDeliversItsAcks) {
  MustProcess(Scrubbing(1, kStreamT0));
  absl::StatusOr<v1::RequestScrubResponse> requested = RequestScrub("nas1", "tank", v1::STOP);
  ASSERT_TRUE(requested.ok()) << requested.status();
  v1::ReportRequest replay = Scrubbing(1, kStreamT0);
  *replay.add_acks() = OkAck(requested->command_id(), kStreamT0);
  EXPECT_EQ(MustProcess(replay).outcome(), v1::REPORT_DUPLICATE);
  // Acked: the next reply no longer carries the command.
  EXPECT_EQ(MustProcess(Scrubbing(2, kStreamT0)).commands_size(), 0);
}

// The agent attaches the scrubs it started alone when it sends: a resent observation may
// carry one the first sending did not.
TEST_F(ReportStreamTest, AReplayStillRecordsTheAgentsOwnScrubOnce) {
  MustProcess(Observation(1, kStreamT0, "ONLINE"));
  MustProcess(Scrubbing(2, kStreamT0 + absl::Minutes(1)));
  v1::ReportRequest replay = Scrubbing(2, kStreamT0 + absl::Minutes(1));
  v1::AgentScrub& scrub = *replay.add_agent_scrubs();
  scrub.set_pool("tank");
  scrub.set_started_at(absl::ToUnixSeconds(kStreamT0 + absl::Minutes(1)));
  for (int i = 0; i < 2; ++i) EXPECT_EQ(MustProcess(replay).outcome(), v1::REPORT_DUPLICATE);
  absl::StatusOr<v1::GetPoolResponse> pool = GetPool("nas1", "tank");
  ASSERT_TRUE(pool.ok()) << pool.status();
  int agent_runs = 0;
  for (const v1::ScrubRun& run : pool->scrub_runs()) {
    agent_runs += run.trigger() == v1::TRIGGER_AGENT;
  }
  EXPECT_EQ(agent_runs, 1) << pool->DebugString();
}

TEST_F(ReportStreamTest, AnOlderObservationFromAnotherStreamIsRefusedWithoutHarm) {
  MustProcess(Observation(5, kStreamT0, "ONLINE", "new"));
  clock_.Advance(absl::Minutes(1));
  const v1::ReportResponse reply =
      MustProcess(Observation(900, kStreamT0 - absl::Hours(1), "FAULTED", "old"));
  EXPECT_EQ(reply.outcome(), v1::REPORT_STALE);
  EXPECT_EQ(reply.commands_size(), 0);
  EXPECT_EQ(PoolState(), "ONLINE");
  EXPECT_TRUE(PoolStateEvents().empty());
}

TEST_F(ReportStreamTest, CommandsWaitUntilTheAgentHasCaughtUp) {
  MustProcess(Scrubbing(1, kStreamT0));
  ASSERT_TRUE(RequestScrub("nas1", "tank", v1::STOP).ok());
  v1::ReportRequest behind = Scrubbing(2, kStreamT0);
  behind.set_backlog(3);
  EXPECT_EQ(MustProcess(behind).commands_size(), 0);
  EXPECT_EQ(MustProcess(Scrubbing(3, kStreamT0)).commands_size(), 1);
}

TEST_F(ReportStreamTest, AZpoolThatStopsAnsweringRaisesOneEventATriageItemAndAMetric) {
  MustProcess(Observation(1, kStreamT0, "ONLINE"));
  clock_.Advance(absl::Minutes(2));
  const absl::Time since = kStreamT0 + absl::Minutes(1);
  for (uint64_t seq = 2; seq < 5; ++seq) {  // it keeps hanging across three reports
    v1::ReportRequest hung = Observation(seq, kStreamT0 + absl::Minutes(seq), "ONLINE");
    hung.clear_pools();
    hung.set_pools_valid(false);
    hung.set_collect_error("zpool not answering since …");
    hung.mutable_zpool()->set_not_answering_since(absl::ToUnixSeconds(since));
    hung.mutable_zpool()->set_pools_read_at(absl::ToUnixSeconds(kStreamT0));
    hung.mutable_zpool()->set_detail("zpool list/status running for 1m");
    MustProcess(hung);
  }
  v1::ListEventsRequest request;
  absl::StatusOr<v1::ListEventsResponse> events = events_->ListEvents(request);
  ASSERT_TRUE(events.ok());
  int stuck = 0;
  for (const v1::Event& e : events->events()) {
    if (e.kind() != "zpool_stuck") continue;
    ++stuck;
    EXPECT_EQ(e.severity(), v1::SEVERITY_WARNING);
    EXPECT_THAT(e.message(), HasSubstr("has not answered since"));
    EXPECT_THAT(e.message(), HasSubstr("running for 1m"));
  }
  EXPECT_EQ(stuck, 1);
  EXPECT_EQ(PoolState(), "ONLINE");  // what was last read stays

  absl::StatusOr<v1::TriageResponse> triage = events_->Triage({});
  ASSERT_TRUE(triage.ok());
  bool listed = false;
  for (const v1::TriageItem& item : triage->items()) {
    if (item.kind() != "zpool_stuck") continue;
    listed = true;
    EXPECT_EQ(item.host_id(), "nas1");
    EXPECT_THAT(item.action(), HasSubstr("kernel log"));
    EXPECT_EQ(item.since(), absl::ToUnixSeconds(since));
  }
  EXPECT_TRUE(listed);
  absl::StatusOr<std::string> metrics = events_->Metrics();
  ASSERT_TRUE(metrics.ok());
  EXPECT_THAT(*metrics, HasSubstr("zfleet_hosts_zpool_not_answering 1\n"));
  EXPECT_THAT(*metrics, HasSubstr(absl::StrCat(
                            "zfleet_host_zpool_not_answering_since_seconds{host=\"nas1\"} ",
                            absl::ToUnixSeconds(since))));

  // It answers again: one info event, and triage and the metric clear.
  MustProcess(Observation(5, kStreamT0 + absl::Minutes(6), "ONLINE"));
  events = events_->ListEvents(request);
  ASSERT_TRUE(events.ok());
  int back = 0;
  for (const v1::Event& e : events->events()) back += e.kind() == "zpool_answering";
  EXPECT_EQ(back, 1);
  triage = events_->Triage({});
  ASSERT_TRUE(triage.ok());
  for (const v1::TriageItem& item : triage->items()) EXPECT_NE(item.kind(), "zpool_stuck");
  metrics = events_->Metrics();
  ASSERT_TRUE(metrics.ok());
  EXPECT_THAT(*metrics, HasSubstr("zfleet_hosts_zpool_not_answering 0\n"));
}

}  // namespace
}  // namespace zfleet::controller
