#include "controller/report_processor.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "controller/config/controller_config.h"
#include "controller/fleet_queries.h"
#include "controller/store/store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/enum_names.h"
#include "tests/controller/controller_fixtures.h"
#include "tests/testing/pool_builders.h"

namespace zfleet::controller {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);

v1::Pool MakePool(const std::string& name, const std::string& scan_function = "",
                  const std::string& scan_state = "") {
  v1::Pool pool;
  pool.set_name(name);
  pool.set_state("ONLINE");
  pool.mutable_scan()->set_function(scan_function);
  pool.mutable_scan()->set_state(scan_state);
  *pool.add_vdevs() = testing::DiskLeaf("sda");
  return pool;
}

v1::Pool Scrubbing(const std::string& name, int64_t start, uint64_t scanned) {
  v1::Pool pool = MakePool(name, "scrub", "scanning");
  pool.mutable_scan()->set_start_time(start);
  pool.mutable_scan()->set_bytes_scanned(scanned);
  return pool;
}

v1::Pool Finished(const std::string& name, int64_t start, int64_t end) {
  v1::Pool pool = MakePool(name, "scrub", "finished");
  pool.mutable_scan()->set_start_time(start);
  pool.mutable_scan()->set_end_time(end);
  pool.mutable_scan()->set_bytes_scanned(4096);
  pool.mutable_scan()->set_bytes_repaired(0);
  pool.mutable_scan()->set_errors(0);
  return pool;
}

v1::ReportRequest Report(const std::string& host, const std::vector<v1::Pool>& pools) {
  v1::ReportRequest r = PoolsReport(host, pools);
  r.set_sequence(1);
  r.mutable_host()->set_hostname(host + ".example");
  r.mutable_host()->set_agent_version("0.1.0");
  (*r.mutable_host()->mutable_labels())["rack"] = "r07";
  return r;
}

v1::CommandAck Ack(const std::string& id, bool ok, int64_t executed_at,
                   const std::string& error = "") {
  v1::CommandAck ack;
  ack.set_id(id);
  ack.set_ok(ok);
  ack.set_error(error);
  ack.set_executed_at(executed_at);
  return ack;
}

class ReportProcessorTest : public FleetServicesTest {
 protected:
  ReportProcessorTest() : FleetServicesTest(kT0) {}

  void SetUp() override {
    config_.report_interval = absl::Seconds(45);
    OpenServices(":memory:");
  }

  std::vector<v1::ScrubRun> Runs(const std::string& pool) {
    absl::StatusOr<v1::GetPoolResponse> got = GetPool("nas1", pool);
    EXPECT_TRUE(got.ok()) << got.status();
    if (!got.ok()) return {};
    return {got->scrub_runs().begin(), got->scrub_runs().end()};
  }

  std::vector<std::string> PoolNames() {
    absl::StatusOr<v1::ListPoolsResponse> pools = queries_->ListPools();
    EXPECT_TRUE(pools.ok()) << pools.status();
    std::vector<std::string> names;
    if (pools.ok()) {
      for (const auto& p : pools->pools()) names.push_back(p.host_id() + "/" + p.pool().name());
    }
    return names;
  }

  v1::RequestScrubResponse MustRequest(const std::string& pool, v1::ScrubAction action) {
    absl::StatusOr<v1::RequestScrubResponse> got = RequestScrub("nas1", pool, action);
    EXPECT_TRUE(got.ok()) << got.status();
    return got.ok() ? *got : v1::RequestScrubResponse();
  }
};

TEST(ValidateReportTest, NamesTheBadField) {
  struct Case {
    std::string name;
    std::string host_id;
    std::string instance_id;
    std::string pool;
    std::string want;  // "" = valid
  };
  const Case cases[] = {
      {"Valid", "nas1", "inst-1", "tank", ""},
      {"EmptyHostId", "", "inst-1", "tank", "host id"},
      {"BadHostId", "nas 1", "inst-1", "tank", "nas 1"},
      {"EmptyInstanceId", "nas1", "", "tank", "instance_id"},
      {"BadPoolName", "nas1", "inst-1", "1tank", "1tank"},
      {"EmptyPoolName", "nas1", "inst-1", "", "pool name"},
  };
  for (const Case& c : cases) {
    v1::ReportRequest r = Report(c.host_id, {MakePool(c.pool)});
    r.set_instance_id(c.instance_id);
    const absl::Status s = ValidateReport(r);
    if (c.want.empty()) {
      EXPECT_TRUE(s.ok()) << c.name << ": " << s;
    } else {
      EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.name;
      EXPECT_THAT(s.message(), HasSubstr(c.want)) << c.name;
    }
  }
}

TEST_F(ReportProcessorTest, InvalidReportStoresNothing) {
  v1::ReportRequest bad = Report("nas1", {MakePool("tank"), MakePool("bad/name")});
  absl::StatusOr<v1::ReportResponse> got = processor_->Process(bad);
  EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
  absl::StatusOr<v1::ListHostsResponse> hosts = queries_->ListHosts();
  ASSERT_TRUE(hosts.ok()) << hosts.status();
  EXPECT_EQ(hosts->hosts_size(), 0);
  EXPECT_THAT(PoolNames(), ElementsAre());
}

TEST_F(ReportProcessorTest, StoresHostAndPoolsAndAnswersWithTheConfiguredInterval) {
  const v1::ReportResponse reply = MustProcess(Report("nas1", {MakePool("tank"), MakePool("fast")}));
  EXPECT_EQ(reply.next_report_interval_s(), 45u);
  EXPECT_EQ(reply.commands_size(), 0);

  absl::StatusOr<v1::ListHostsResponse> hosts = queries_->ListHosts();
  ASSERT_TRUE(hosts.ok()) << hosts.status();
  ASSERT_EQ(hosts->hosts_size(), 1);
  const v1::HostSummary& h = hosts->hosts(0);
  EXPECT_EQ(h.host_id(), "nas1");
  EXPECT_EQ(h.instance_id(), "inst-1");
  EXPECT_EQ(h.info().hostname(), "nas1.example");
  EXPECT_EQ(h.info().labels().at("rack"), "r07");
  EXPECT_EQ(h.pool_count(), 2u);
  EXPECT_EQ(h.last_seen(), absl::ToUnixSeconds(kT0));
  EXPECT_TRUE(h.reporting());
  EXPECT_THAT(PoolNames(), ElementsAre("nas1/fast", "nas1/tank"));
}

TEST_F(ReportProcessorTest, PendingCommandsAreResentUntilAcked) {
  MustProcess(Report("nas1", {MakePool("tank")}));
  const v1::RequestScrubResponse requested = MustRequest("tank", v1::START);
  ASSERT_FALSE(requested.command_id().empty());

  for (int i = 0; i < 2; ++i) {  // a lost reply: the next report gets it again
    clock_.Advance(absl::Seconds(45));
    const v1::ReportResponse reply = MustProcess(Report("nas1", {MakePool("tank")}));
    ASSERT_EQ(reply.commands_size(), 1) << "report " << i;
    EXPECT_EQ(reply.commands(0).id(), requested.command_id());
    EXPECT_EQ(reply.commands(0).kind(), v1::SCRUB_START);
    EXPECT_EQ(reply.commands(0).pool(), "tank");
  }
  // Another host's report never carries nas1's commands.
  EXPECT_EQ(MustProcess(Report("nas2", {MakePool("tank")})).commands_size(), 0);

  v1::ReportRequest acked = Report("nas1", {Scrubbing("tank", 1'800'000'090, 10)});
  *acked.add_acks() = Ack(requested.command_id(), true, 1'800'000'090);
  clock_.Advance(absl::Seconds(1));
  EXPECT_EQ(MustProcess(acked).commands_size(), 0);
}

TEST_F(ReportProcessorTest, AcksAndScansMoveARequestedRunToFinished) {
  MustProcess(Report("nas1", {MakePool("tank")}));
  const v1::RequestScrubResponse requested = MustRequest("tank", v1::START);
  std::vector<v1::ScrubRun> runs = Runs("tank");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].id(), requested.scrub_run_id());
  EXPECT_EQ(runs[0].state(), v1::RUN_REQUESTED);
  EXPECT_EQ(runs[0].trigger(), v1::TRIGGER_MANUAL);

  const int64_t started = absl::ToUnixSeconds(kT0) + 30;
  clock_.Advance(absl::Seconds(30));
  v1::ReportRequest acked = Report("nas1", {Scrubbing("tank", started, 1000)});
  *acked.add_acks() = Ack(requested.command_id(), true, started);
  MustProcess(acked);
  runs = Runs("tank");
  ASSERT_EQ(runs.size(), 1u);  // the scan in progress is ours, not an external one
  EXPECT_EQ(runs[0].state(), v1::RUN_RUNNING);
  EXPECT_EQ(runs[0].started_at(), started);
  EXPECT_EQ(runs[0].bytes_scanned(), 1000u);

  // A repeated ack (the agent was not sure it arrived) changes nothing.
  clock_.Advance(absl::Seconds(30));
  MustProcess(acked);
  ASSERT_EQ(Runs("tank").size(), 1u);
  EXPECT_EQ(Runs("tank")[0].state(), v1::RUN_RUNNING);

  clock_.Advance(absl::Hours(1));
  MustProcess(Report("nas1", {Finished("tank", started, started + 3600)}));
  runs = Runs("tank");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].state(), v1::RUN_FINISHED);
  EXPECT_EQ(runs[0].ended_at(), started + 3600);
  EXPECT_EQ(runs[0].bytes_scanned(), 4096u);
  EXPECT_EQ(runs[0].errors(), 0u);
}

TEST_F(ReportProcessorTest, FailedStartAckFailsTheRun) {
  MustProcess(Report("nas1", {MakePool("tank")}));
  const v1::RequestScrubResponse requested = MustRequest("tank", v1::START);
  v1::ReportRequest acked = Report("nas1", {MakePool("tank")});
  *acked.add_acks() = Ack(requested.command_id(), false, 1'800'000'010,
                          "zpool scrub tank: cannot scrub tank: pool is busy");
  clock_.Advance(absl::Seconds(10));
  const v1::ReportResponse reply = MustProcess(acked);
  EXPECT_EQ(reply.commands_size(), 0);
  const std::vector<v1::ScrubRun> runs = Runs("tank");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].state(), v1::RUN_FAILED);
  EXPECT_EQ(runs[0].ended_at(), 1'800'000'010);
  EXPECT_THAT(runs[0].message(), HasSubstr("pool is busy"));
}

std::string Describe(const std::vector<v1::ScrubRun>& runs) {
  std::string out;
  for (const auto& r : runs) {
    out += absl::StrCat("\n  run ", r.id(), ": ", TriggerName(r.trigger()), " ", RunStateName(r.state()), " \"",
                        r.message(), "\"");
  }
  return out;
}

// `zfleet scrub nas1/tank`, then `--stop` while it runs. The agent stops the scrub, polls
// again and sends the STOP ack together with the pool whose scan now says "canceled". That
// is one scrub: one run, canceled by request, and no second "external" run for it.
TEST_F(ReportProcessorTest, StopAckEndsTheRunWithoutAnExternalDuplicate) {
  MustProcess(Report("nas1", {MakePool("tank")}));
  const v1::RequestScrubResponse start = MustRequest("tank", v1::START);
  const int64_t started = absl::ToUnixSeconds(kT0) + 30;
  clock_.Advance(absl::Seconds(30));
  v1::ReportRequest running = Report("nas1", {Scrubbing("tank", started, 10)});
  *running.add_acks() = Ack(start.command_id(), true, started);
  MustProcess(running);

  const v1::RequestScrubResponse stop = MustRequest("tank", v1::STOP);
  EXPECT_EQ(stop.scrub_run_id(), start.scrub_run_id());
  clock_.Advance(absl::Seconds(30));
  v1::ReportRequest stopped = Report("nas1", {Finished("tank", started, started + 60)});
  stopped.mutable_pools(0)->mutable_scan()->set_state("canceled");
  *stopped.add_acks() = Ack(stop.command_id(), true, started + 60);
  MustProcess(stopped);

  std::vector<v1::ScrubRun> runs = Runs("tank");
  ASSERT_EQ(runs.size(), 1u) << Describe(runs);
  EXPECT_EQ(runs[0].id(), start.scrub_run_id());
  EXPECT_EQ(runs[0].state(), v1::RUN_CANCELED);
  EXPECT_EQ(runs[0].ended_at(), started + 60);
  EXPECT_EQ(runs[0].message(), "stopped by request");

  // Later reports of the same canceled scan add nothing either.
  clock_.Advance(absl::Seconds(45));
  MustProcess(Report("nas1", {stopped.pools(0)}));
  EXPECT_EQ(Runs("tank").size(), runs.size()) << Describe(Runs("tank"));
}

// The scan catches up only in a later report (the agent's poll ran before the stop took
// effect): the run already canceled by the ack is still the only one.
TEST_F(ReportProcessorTest, CanceledScanAfterTheStopAckAddsNoRun) {
  const int64_t start = absl::ToUnixSeconds(kT0) - 600;
  MustProcess(Report("nas1", {Scrubbing("tank", start, 10)}));
  const v1::RequestScrubResponse stop = MustRequest("tank", v1::STOP);
  v1::ReportRequest acked = Report("nas1", {Scrubbing("tank", start, 20)});
  *acked.add_acks() = Ack(stop.command_id(), true, start + 601);
  clock_.Advance(absl::Seconds(1));
  MustProcess(acked);
  v1::ReportRequest canceled = Report("nas1", {Finished("tank", start, start + 601)});
  canceled.mutable_pools(0)->mutable_scan()->set_state("canceled");
  clock_.Advance(absl::Seconds(10));
  MustProcess(canceled);
  const std::vector<v1::ScrubRun> runs = Runs("tank");
  ASSERT_EQ(runs.size(), 1u) << Describe(runs);
  EXPECT_EQ(runs[0].state(), v1::RUN_CANCELED);
}

TEST_F(ReportProcessorTest, ScrubNobodyRequestedIsRecordedOnceAsExternal) {
  const int64_t start = absl::ToUnixSeconds(kT0) - 7200;
  MustProcess(Report("nas1", {Finished("tank", start, start + 3600)}));
  for (int i = 0; i < 2; ++i) {  // the same scrub seen again is not a new run
    clock_.Advance(absl::Seconds(45));
    MustProcess(Report("nas1", {Finished("tank", start, start + 3600)}));
  }
  std::vector<v1::ScrubRun> runs = Runs("tank");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].trigger(), v1::TRIGGER_EXTERNAL);
  EXPECT_EQ(runs[0].state(), v1::RUN_FINISHED);
  EXPECT_EQ(runs[0].started_at(), start);
  EXPECT_EQ(runs[0].ended_at(), start + 3600);

  // One that began and ended between two reports.
  clock_.Advance(absl::Hours(2));
  const int64_t start2 = absl::ToUnixSeconds(clock_.Now()) - 1800;
  MustProcess(Report("nas1", {Finished("tank", start2, start2 + 600)}));
  runs = Runs("tank");
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].started_at(), start2);  // newest first
  EXPECT_EQ(runs[0].trigger(), v1::TRIGGER_EXTERNAL);
}

TEST_F(ReportProcessorTest, InvalidPoolsKeepWhatWasKnown) {
  MustProcess(Report("nas1", {MakePool("tank"), MakePool("fast")}));
  clock_.Advance(absl::Seconds(45));
  v1::ReportRequest failed = Report("nas1", {});
  failed.set_pools_valid(false);
  failed.set_collect_error("zpool list failed (exit 1): connection refused");
  MustProcess(failed);

  EXPECT_THAT(PoolNames(), ElementsAre("nas1/fast", "nas1/tank"));
  absl::StatusOr<v1::ListHostsResponse> hosts = queries_->ListHosts();
  ASSERT_TRUE(hosts.ok()) << hosts.status();
  ASSERT_EQ(hosts->hosts_size(), 1);
  EXPECT_EQ(hosts->hosts(0).collect_error(), "zpool list failed (exit 1): connection refused");
  EXPECT_EQ(hosts->hosts(0).pool_count(), 2u);
  EXPECT_EQ(hosts->hosts(0).last_seen(), absl::ToUnixSeconds(kT0 + absl::Seconds(45)));

  // The next good report clears the error.
  clock_.Advance(absl::Seconds(45));
  MustProcess(Report("nas1", {MakePool("tank"), MakePool("fast")}));
  hosts = queries_->ListHosts();
  ASSERT_TRUE(hosts.ok()) << hosts.status();
  EXPECT_EQ(hosts->hosts(0).collect_error(), "");
}

TEST_F(ReportProcessorTest, PoolsMissingFromAValidReportVanish) {
  MustProcess(Report("nas1", {MakePool("tank"), MakePool("fast")}));
  MustProcess(Report("nas2", {MakePool("tank")}));
  clock_.Advance(absl::Seconds(45));
  MustProcess(Report("nas1", {MakePool("tank")}));
  EXPECT_THAT(PoolNames(), ElementsAre("nas1/tank", "nas2/tank"));

  v1::GetPoolRequest request;
  request.set_host_id("nas1");
  request.set_pool("fast");
  EXPECT_EQ(queries_->GetPool(request).status().code(), absl::StatusCode::kNotFound);

  // An exported and re-imported pool comes back.
  clock_.Advance(absl::Seconds(45));
  MustProcess(Report("nas1", {MakePool("tank"), MakePool("fast")}));
  EXPECT_THAT(PoolNames(), ElementsAre("nas1/fast", "nas1/tank", "nas2/tank"));

  // No pools at all (valid): every pool goes.
  clock_.Advance(absl::Seconds(45));
  MustProcess(Report("nas1", {}));
  EXPECT_THAT(PoolNames(), ElementsAre("nas2/tank"));
}

}  // namespace
}  // namespace zfleet::controller
