// History, events and triage end to end inside the controller: reports go through
// ReportProcessor, the tick runs on a fake clock, and EventQueries answers the CLI's
// questions.
#include "controller/event_queries.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "controller/events/event_tick.h"
#include "controller/report_processor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/enum_names.h"
#include "tests/controller/controller_fixtures.h"
#include "tests/testing/pool_builders.h"

namespace zfleet::controller {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

const absl::Time kT0 = absl::FromUnixSeconds(1'700'006'400);

// A file vdev at /var/tmp/<name>, classed sata.
v1::Vdev Leaf(const std::string& name, uint64_t cksum = 0, const std::string& state = "ONLINE") {
  v1::Vdev v = testing::WithErrors(testing::DiskLeaf(name), 0, 0, cksum);
  v.set_type("file");
  v.set_state(state);
  v.set_path("/var/tmp/" + name);
  v.mutable_disk()->set_class_("sata");
  return v;
}

v1::Pool Mirror(const std::string& state = "ONLINE", uint64_t f2_cksum = 0,
                const std::string& f2_state = "ONLINE") {
  v1::Pool pool = testing::MirrorPool("tank", state, {Leaf("f1"), Leaf("f2", f2_cksum, f2_state)});
  pool.mutable_errors()->set_count(0);
  return pool;
}

v1::Pool WithScan(v1::Pool pool, const std::string& function, const std::string& state,
                  uint64_t issued = 0, uint64_t repaired = 0) {
  v1::Scan* scan = pool.mutable_scan();
  scan->set_function(function);
  scan->set_state(state);
  scan->set_start_time(absl::ToUnixSeconds(kT0));
  scan->set_bytes_issued(issued);
  if (state == "finished") {
    scan->set_end_time(absl::ToUnixSeconds(kT0) + 600);
    scan->set_bytes_repaired(repaired);
    scan->set_errors(0);
  }
  return pool;
}

class EventQueriesTest : public FleetServicesTest {
 protected:
  EventQueriesTest() : FleetServicesTest(kT0) {}

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenServices(":memory:"));
    events_ = std::make_unique<EventQueries>(store_.get(), &mu_, &config_, &clock_);
  }

  void Report(const std::string& host, const std::vector<v1::Pool>& pools,
              const v1::HostInfo& info = v1::HostInfo()) {
    v1::ReportRequest report = PoolsReport(host, pools);
    *report.mutable_host() = info;
    MustProcess(report);
  }

  absl::StatusOr<v1::GetHistoryResponse> History(const std::string& host, const std::string& pool) {
    v1::GetHistoryRequest request;
    request.set_host_id(host);
    request.set_pool(pool);
    return events_->GetHistory(request);
  }

  void Tick() {
    absl::MutexLock lock(&mu_);
    absl::Status status = OnTick(*store_, config_, clock_.Now());
    ASSERT_TRUE(status.ok()) << status;
  }

  std::vector<std::string> Events() {
    auto response = events_->ListEvents(v1::ListEventsRequest());
    EXPECT_TRUE(response.ok()) << response.status();
    std::vector<std::string> out;
    for (const v1::Event& e : response->events()) {
      out.push_back(
          absl::StrCat(SeverityName(e.severity()), " ", e.kind(), e.device().empty() ? "" : " " + e.device()));
    }
    return out;
  }

  std::vector<std::string> TriageKinds() {
    auto response = events_->Triage(v1::TriageRequest());
    EXPECT_TRUE(response.ok()) << response.status();
    std::vector<std::string> out;
    for (const auto& item : response->items()) out.push_back(item.kind());
    return out;
  }

  std::unique_ptr<EventQueries> events_;
};

TEST_F(EventQueriesTest, CorruptedMirrorScrubNamesTheDeviceAndTriageListsIt) {
  Report("nas1", {Mirror()});
  Report("nas1", {Mirror()});
  EXPECT_THAT(Events(), IsEmpty());
  EXPECT_THAT(TriageKinds(), IsEmpty());

  clock_.Advance(absl::Seconds(30));
  Report("nas1", {WithScan(Mirror("ONLINE", 7), "scrub", "scanning", 100)});
  clock_.Advance(absl::Seconds(30));
  Report("nas1", {WithScan(Mirror("ONLINE", 7), "scrub", "finished", 200, 45'000)});
  Report("nas1", {WithScan(Mirror("ONLINE", 7), "scrub", "finished", 200, 45'000)});
  EXPECT_THAT(Events(), ElementsAre("warning scrub_repaired", "warning device_errors /var/tmp/f2"));

  auto triage = events_->Triage(v1::TriageRequest());
  ASSERT_TRUE(triage.ok()) << triage.status();
  ASSERT_GE(triage->items_size(), 1);
  const v1::TriageItem& disk = triage->items(0);
  EXPECT_EQ(disk.kind(), "bad_disk");
  EXPECT_EQ(disk.disk().path(), "/var/tmp/f2");
  EXPECT_EQ(disk.disk().checksum_errors(), 7u);
  EXPECT_EQ(disk.disk().history_size(), 2);  // 0, then 7
  EXPECT_THAT(disk.action(), HasSubstr("`zpool clear tank /var/tmp/f2`"));
  // One item for the disk: the events of its errors and of the scrub that found them stay in
  // the log, not in triage.
  EXPECT_THAT(TriageKinds(), ElementsAre("bad_disk"));
  EXPECT_NE(disk.incident_id(), 0);

  auto history = History("nas1", "tank");
  ASSERT_TRUE(history.ok()) << history.status();
  ASSERT_EQ(history->scrub_runs_size(), 1);
  EXPECT_EQ(history->scrub_runs(0).state(), v1::RUN_FINISHED);
  ASSERT_EQ(history->changes_size(), 3);
  EXPECT_EQ(history->changes(0).summary(), "scrub finished");
  EXPECT_EQ(history->changes(1).summary(), "f2 CKSUM 0 → 7; scrub started");

  auto disks = events_->ListDisks(v1::ListDisksRequest());
  ASSERT_TRUE(disks.ok()) << disks.status();
  EXPECT_EQ(disks->disks_size(), 2);

  auto metrics = events_->Metrics();
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  EXPECT_THAT(*metrics, HasSubstr("device=\"/var/tmp/f2\",kind=\"checksum\"} 7\n"));
  EXPECT_THAT(*metrics, HasSubstr("result=\"repaired\"} 1\n"));
  EXPECT_THAT(*metrics, HasSubstr("zfleet_events{severity=\"warning\"} 2\n"));

  // Acknowledged events leave triage; the disk stays until its counters are cleared.
  v1::AckEventsRequest ack;
  for (int64_t id : {1, 2}) ack.add_ids(id);
  ack.set_by("oncall");
  auto acked = events_->AckEvents(ack);
  ASSERT_TRUE(acked.ok()) << acked.status();
  EXPECT_EQ(acked->acknowledged_size(), 2);
  EXPECT_THAT(TriageKinds(), ElementsAre("bad_disk"));
  Report("nas1", {WithScan(Mirror(), "scrub", "finished", 200, 45'000)});
  EXPECT_THAT(TriageKinds(), IsEmpty());
}

TEST_F(EventQueriesTest, OfflineDegradedThenResilverFinished) {
  Report("nas1", {Mirror()});
  clock_.Advance(absl::Minutes(1));
  Report("nas1", {Mirror("DEGRADED", 0, "OFFLINE")});
  clock_.Advance(absl::Minutes(1));
  Report("nas1", {WithScan(Mirror("DEGRADED"), "resilver", "scanning", 10)});
  clock_.Advance(absl::Minutes(1));
  Report("nas1", {WithScan(Mirror(), "resilver", "finished", 20, 4096)});
  EXPECT_THAT(Events(),
              ElementsAre("info resilver_finished", "info pool_state", "warning pool_state"));
  auto events = events_->ListEvents(v1::ListEventsRequest());
  EXPECT_THAT(events->events(2).message(), HasSubstr("/var/tmp/f2 OFFLINE"));
  EXPECT_THAT(events->events(0).message(), HasSubstr("4.0K resilvered"));
}

TEST_F(EventQueriesTest, PermanentErrorsAreCriticalWithTheFiles) {
  Report("nas1", {Mirror()});
  v1::Pool broken = Mirror("ONLINE", 3);
  broken.mutable_errors()->set_count(1);
  broken.mutable_errors()->add_files("/tank/file-3");
  Report("nas1", {broken});
  EXPECT_THAT(Events(), Contains("critical data_errors"));
  auto triage = events_->Triage(v1::TriageRequest());
  ASSERT_TRUE(triage.ok());
  EXPECT_EQ(triage->items(0).severity(), v1::SEVERITY_CRITICAL);
  EXPECT_THAT(triage->items(0).problem(), HasSubstr("/tank/file-3"));
}

TEST_F(EventQueriesTest, HostMissingAfterIntervalsAndBackOnReport) {
  Report("nas1", {Mirror()});
  clock_.Advance(config_.MissingAfter());
  Tick();
  EXPECT_THAT(Events(), IsEmpty());
  clock_.Advance(absl::Seconds(1));
  Tick();
  Tick();
  EXPECT_THAT(Events(), ElementsAre("warning host_missing"));
  EXPECT_THAT(TriageKinds(), ElementsAre("host_missing"));
  clock_.Advance(absl::Hours(1));
  Tick();
  Report("nas1", {Mirror()});
  Tick();
  EXPECT_THAT(Events(), ElementsAre("info host_back", "warning host_missing"));
  EXPECT_THAT(TriageKinds(), IsEmpty());
  // The host's incident, resolved when it reported again.
  v1::ListIncidentsRequest all;
  all.set_all(true);
  auto incidents = events_->ListIncidents(all);
  ASSERT_TRUE(incidents.ok()) << incidents.status();
  ASSERT_EQ(incidents->incidents_size(), 1);
  EXPECT_EQ(incidents->incidents(0).kind(), "host_missing");
  EXPECT_TRUE(incidents->incidents(0).has_resolved_at());
  auto metrics = events_->Metrics();
  EXPECT_THAT(*metrics, HasSubstr("zfleet_hosts_reporting 1\n"));
}

TEST_F(EventQueriesTest, FailingModuleCheckIsCritical) {
  v1::HostInfo info;
  v1::StackCheck* check = info.add_stack_checks();
  check->set_name("zfs-module-installed:6.1.0-13-amd64");
  check->set_level("ok");
  Report("nas1", {Mirror()}, info);
  check->set_level("fail");
  check->set_fix("run `dkms install zfs/2.1.11 -k 6.1.0-13-amd64`");
  Report("nas1", {Mirror()}, info);
  Report("nas1", {Mirror()}, info);
  EXPECT_THAT(Events(), ElementsAre("critical stack_check"));
  auto triage = events_->Triage(v1::TriageRequest());
  ASSERT_TRUE(triage.ok());
  EXPECT_EQ(triage->items(0).kind(), "stack");
  EXPECT_THAT(triage->items(0).action(),
              HasSubstr("rebuild the zfs module for kernel 6.1.0-13-amd64"));
}

TEST_F(EventQueriesTest, StalledScrubRaisesOnceAndClearsWhenItMoves) {
  Report("nas1", {WithScan(Mirror(), "scrub", "scanning", 100)});
  for (int i = 0; i < 5; ++i) {
    clock_.Advance(absl::Minutes(30));
    Report("nas1", {WithScan(Mirror(), "scrub", "scanning", 100)});
    Tick();
  }
  EXPECT_THAT(Events(), ElementsAre("warning scrub_stalled"));
  EXPECT_THAT(TriageKinds(), ElementsAre("scrub_stalled"));
  clock_.Advance(absl::Minutes(1));
  Report("nas1", {WithScan(Mirror(), "scrub", "scanning", 200)});
  EXPECT_THAT(TriageKinds(), IsEmpty());
}

TEST_F(EventQueriesTest, OverdueScrubFromTheClassInterval) {
  // First sight two days after the pool's last scrub (started at kT0): old news, no event.
  clock_.Advance(absl::Hours(48));
  const v1::Pool scrubbed = WithScan(Mirror(), "scrub", "finished", 200);
  Report("nas1", {scrubbed});
  clock_.Advance(absl::Hours(24 * 5));  // due now (7d, the sata interval)
  Report("nas1", {scrubbed});
  Tick();
  EXPECT_THAT(Events(), IsEmpty());
  clock_.Advance(absl::Hours(24));  // past due by more than a tenth of the interval
  Report("nas1", {scrubbed});
  Tick();
  clock_.Advance(absl::Hours(2));
  Report("nas1", {scrubbed});
  Tick();
  EXPECT_THAT(Events(), ElementsAre("warning scrub_overdue"));
  EXPECT_THAT(TriageKinds(), ElementsAre("scrub_overdue"));
  // A scrub starts: the concern goes at once, not at the next hourly check.
  Report("nas1", {WithScan(Mirror(), "scrub", "scanning", 10)});
  EXPECT_THAT(TriageKinds(), IsEmpty());
}

TEST_F(EventQueriesTest, RetentionThinsOncePerDay) {
  config_.history_retention = absl::Hours(24);
  for (int i = 0; i < 10; ++i) {
    Report("nas1", {WithScan(Mirror(), "scrub", "scanning", 100 + i)});
    clock_.Advance(absl::Minutes(10));
  }
  clock_.Advance(absl::Hours(72));
  Report("nas1", {WithScan(Mirror(), "scrub", "finished", 200)});
  Tick();
  const int64_t day = 86400;
  const int64_t cut = absl::ToUnixSeconds(clock_.Now() - config_.history_retention) / day * day;
  EXPECT_EQ(**store_->state().Get("history_thinned_before"), cut);
  clock_.Advance(absl::Hours(1));
  Report("nas1", {WithScan(Mirror(), "scrub", "finished", 200)});
  Tick();  // the same day: no second thinning
  EXPECT_EQ(**store_->state().Get("history_thinned_before"), cut);
  auto history = History("nas1", "tank");
  ASSERT_TRUE(history.ok()) << history.status();
  EXPECT_EQ(history->changes_size(), 2);  // first seen scrubbing, then scrub finished
  EXPECT_EQ(history->scrub_runs_size(), 1);
}

TEST_F(EventQueriesTest, APoolThatVanishesIsAWarningOnce) {
  Report("nas1", {Mirror()});
  clock_.Advance(absl::Minutes(1));
  Report("nas1", {});
  Report("nas1", {});
  EXPECT_THAT(Events(), ElementsAre("warning pool_state"));
  // Back again: its history continues, and nothing was lost meanwhile.
  Report("nas1", {Mirror()});
  EXPECT_THAT(Events(), ElementsAre("warning pool_state"));
}

TEST_F(EventQueriesTest, BadRequests) {
  v1::ListEventsRequest events;
  events.set_min_severity("loud");
  EXPECT_EQ(events_->ListEvents(events).status().code(), absl::StatusCode::kInvalidArgument);
  events.set_min_severity("");
  events.set_host_id("ghost");
  EXPECT_EQ(events_->ListEvents(events).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(events_->AckEvents(v1::AckEventsRequest()).status().code(),
            absl::StatusCode::kInvalidArgument);
  v1::GetHistoryRequest history;
  history.set_host_id("ghost");
  history.set_pool("tank");
  EXPECT_THAT(events_->GetHistory(history).status().message(), HasSubstr("unknown host ghost"));
  Report("nas1", {Mirror()});
  history.set_host_id("nas1");
  history.set_pool("nope");
  EXPECT_EQ(events_->GetHistory(history).status().code(), absl::StatusCode::kNotFound);
  v1::ListDisksRequest disks;
  disks.set_host_id("ghost");
  EXPECT_EQ(events_->ListDisks(disks).status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace zfleet::controller
