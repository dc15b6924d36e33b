// Whole runs of the scheduling and on-call commands: schedule, history, scrub --now,
// events, ack, triage, disks.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/cli/cli_harness.h"
#include "tests/cli/fleet_fixtures.h"

namespace zfleet::cli {
namespace {

using fixtures::kNow;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Json = nlohmann::ordered_json;

class OnCallCommandsTest : public CliTest {};

TEST_F(OnCallCommandsTest, ScheduleTextAndJson) {
  fleet_.schedule.set_evaluated_at(kNow);
  v1::ScheduleRow* row = fleet_.schedule.add_rows();
  *row = fixtures::ScheduleRow("h1", "tank", "", "waiting");
  row->set_reason("window closed");
  const CliResult text = Run({"schedule"});
  ASSERT_EQ(text.exit_code, kExitOk) << text.err;
  EXPECT_THAT(text.out,
              HasSubstr("h1    tank  -      never       -         -         waiting  window closed"));
  const Json doc = Json::parse(Run({"schedule", "--json"}).out);
  EXPECT_EQ(doc["pools"][0]["reason"], "window closed");
  EXPECT_EQ(fleet_.get_schedule_calls, 2);
}

TEST_F(OnCallCommandsTest, HistoryAsksForThePool) {
  v1::PoolChange* change = fleet_.history.add_changes();
  change->set_time(kNow - 60);
  change->set_summary("state ONLINE → DEGRADED");
  const CliResult r = Run({"history", "h1/tank"});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("2026-11-21 09:59  state ONLINE → DEGRADED\n"));
  ASSERT_EQ(fleet_.get_history.size(), 1u);
  EXPECT_EQ(fleet_.get_history[0].host_id(), "h1");
  EXPECT_EQ(fleet_.get_history[0].pool(), "tank");
  EXPECT_EQ(Json::parse(Run({"--json", "history", "h1/tank"}).out)["changes"][0]["summary"],
            "state ONLINE → DEGRADED");
}

TEST_F(OnCallCommandsTest, ScrubNowBypassesCapsButNotOnStopOrPause) {
  const CliResult r = Run({"scrub", "h1/tank", "--now"});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(r.out,
            "scrub requested on h1/tank now, bypassing caps and windows (run 12, command abc)\n");
  EXPECT_EQ(Json::parse(Run({"--json", "scrub", "h1/tank", "--now"}).out)["now"], true);
  EXPECT_EQ(Json::parse(Run({"--json", "scrub", "h1/tank"}).out)["now"], false);
  ASSERT_EQ(fleet_.scrub.size(), 3u);
  EXPECT_TRUE(fleet_.scrub[0].now());
  EXPECT_EQ(fleet_.scrub[0].action(), v1::START);
  EXPECT_FALSE(fleet_.scrub[2].now());

  targets_.clear();
  ExpectUsageError({"scrub", "h1/tank", "--now", "--stop"}, "excludes");
  ExpectUsageError({"scrub", "h1/tank", "--pause", "--now"}, "excludes");
  EXPECT_TRUE(targets_.empty());
  EXPECT_EQ(fleet_.scrub.size(), 3u);
}

TEST_F(OnCallCommandsTest, EventsSinceDefaultsToADay) {
  *fleet_.events.add_events() =
      fixtures::Event(7, kNow - 60, "warning", "h1", "tank", "pool_state", "pool DEGRADED");
  const CliResult r = Run({"events"});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr(" 7  2026-11-21 09:59  warning   h1    tank  -"));
  Run({"events", "--since", "7d", "--severity", "warning", "--host", "h1", "--unacked"});
  ASSERT_EQ(fleet_.list_events.size(), 2u);
  EXPECT_EQ(fleet_.list_events[0].since(), kNow - 86400);
  EXPECT_EQ(fleet_.list_events[0].min_severity(), "");
  EXPECT_EQ(fleet_.list_events[0].host_id(), "");
  EXPECT_FALSE(fleet_.list_events[0].unacknowledged_only());
  EXPECT_EQ(fleet_.list_events[1].since(), kNow - 7 * 86400);
  EXPECT_EQ(fleet_.list_events[1].min_severity(), "warning");
  EXPECT_EQ(fleet_.list_events[1].host_id(), "h1");
  EXPECT_TRUE(fleet_.list_events[1].unacknowledged_only());

  const Json doc = Json::parse(Run({"events", "--json", "--since", "1h30m"}).out);
  EXPECT_EQ(doc["events"][0]["id"], 7);
  EXPECT_EQ(fleet_.list_events.back().since(), kNow - 5400);
}

TEST_F(OnCallCommandsTest, BadEventArgumentsExitTwoWithoutACall) {
  ExpectUsageError({"events", "--since", "yesterday"}, "--since: bad duration \"yesterday\"");
  ExpectUsageError({"events", "--since", "24"}, "--since: bad duration");
  ExpectUsageError({"events", "--since", "0h"}, "--since: must be longer than 0s");
  ExpectUsageError({"events", "--since"}, "--since");
  ExpectUsageError({"events", "--severity", "error"}, "--severity: want info, warning or critical");
  ExpectUsageError({"ack"}, "missing incident ID (see 'zfleet triage' or 'zfleet incidents')");
  ExpectUsageError({"ack", "3", "three"}, "bad incident id \"three\"");
  ExpectUsageError({"ack", "0"}, "bad incident id \"0\"");
  ExpectUsageError({"ack", "--events"}, "missing event ID (see 'zfleet events')");
  ExpectUsageError({"ack", "--events", "x"}, "bad event id \"x\"");
  EXPECT_TRUE(targets_.empty());
  EXPECT_TRUE(fleet_.list_events.empty());
  EXPECT_TRUE(fleet_.ack_events.empty());
  EXPECT_TRUE(fleet_.ack_incidents.empty());
}

TEST_F(OnCallCommandsTest, AckKnownIncidentsAsTheUser) {
  fleet_.known_incident_ids = {3, 4, 5};
  env_.user = "alice";
  const CliResult r = Run({"ack", "3", "4", "5", "3"});
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(r.out, "acknowledged 3 incidents\n");
  EXPECT_EQ(r.err, "");
  ASSERT_EQ(fleet_.ack_incidents.size(), 1u);
  EXPECT_THAT(fleet_.ack_incidents[0].ids(), ElementsAre(3, 4, 5));
  EXPECT_EQ(fleet_.ack_incidents[0].by(), "alice");
  EXPECT_TRUE(fleet_.ack_events.empty());

  env_.user = "";
  Run({"ack", "4"});
  EXPECT_EQ(fleet_.ack_incidents[1].by(), "unknown");
}

TEST_F(OnCallCommandsTest, AckEventsWithTheirFlag) {
  fleet_.known_event_ids = {7};
  env_.user = "alice";
  const CliResult r = Run({"ack", "--events", "7"});
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(r.out, "acknowledged 1 event\n");
  ASSERT_EQ(fleet_.ack_events.size(), 1u);
  EXPECT_THAT(fleet_.ack_events[0].ids(), ElementsAre(7));
  EXPECT_TRUE(fleet_.ack_incidents.empty());
}

TEST_F(OnCallCommandsTest, AckUnknownIdsExitOneAfterAckingTheKnownOnes) {
  fleet_.known_incident_ids = {3};
  env_.user = "bob";
  const CliResult r = Run({"ack", "9", "3", "11"});
  EXPECT_EQ(r.exit_code, kExitFailure);
  EXPECT_EQ(r.out, "acknowledged 1 incident\n");
  EXPECT_EQ(r.err, "zfleet: unknown incident ids 9, 11\n");
  ASSERT_EQ(fleet_.ack_incidents.size(), 1u);
  EXPECT_THAT(fleet_.ack_incidents[0].ids(), ElementsAre(9, 3, 11));

  const CliResult json = Run({"--json", "ack", "3", "12"});
  EXPECT_EQ(json.exit_code, kExitFailure);
  EXPECT_EQ(Json::parse(json.out),
            Json::parse(R"({"by": "bob", "acknowledged": [3], "unknown": [12]})"));
  EXPECT_EQ(json.err, "zfleet: unknown incident id 12\n");
}

TEST_F(OnCallCommandsTest, IncidentsAskForWhatTheFlagsSay) {
  v1::Incident* i = fleet_.incidents.add_incidents();
  i->set_id(12);
  i->set_kind("bad_disk");
  i->set_severity(v1::SEVERITY_WARNING);
  i->set_host_id("h1");
  i->set_pool("tank");
  i->set_subject("sdb");
  i->set_problem("/dev/sdb ONLINE, READ 0 WRITE 0 CKSUM 3");
  i->set_opened_at(kNow - 3600);
  const CliResult r = Run({"incidents"});
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("h1/tank sdb"));
  ASSERT_EQ(fleet_.list_incidents.size(), 1u);
  EXPECT_FALSE(fleet_.list_incidents[0].all());
  Run({"incidents", "--all", "--host", "h1"});
  ASSERT_EQ(fleet_.list_incidents.size(), 2u);
  EXPECT_TRUE(fleet_.list_incidents[1].all());
  EXPECT_EQ(fleet_.list_incidents[1].host_id(), "h1");
  const Json doc = Json::parse(Run({"incidents", "--json"}).out);
  EXPECT_EQ(doc["incidents"][0]["id"], 12);
  EXPECT_EQ(doc["incidents"][0]["resolved_at"], Json());
}

TEST_F(OnCallCommandsTest, TriageNothingNeedsAttention) {
  fleet_.triage.set_evaluated_at(kNow);
  const CliResult r = Run({"triage"});
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(r.out, "nothing needs attention\n");
  EXPECT_EQ(r.err, "");
  const Json doc = Json::parse(Run({"triage", "--json"}).out);
  EXPECT_EQ(doc["items"], Json::array());
  EXPECT_EQ(fleet_.triage_calls, 2);
}

TEST_F(OnCallCommandsTest, DisksFiltersGoToTheController) {
  *fleet_.disks.add_disks() = fixtures::Disk("h1", "tank", "sdb", "ST4000", 0, 0, 4);
  *fleet_.disks.add_disks() = fixtures::Disk("h1", "tank", "sda", "ST4000");
  const CliResult r = Run({"disks", "--model", "ST4", "--host", "h1"});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("h1    tank  /dev/sdb  SN-sdb  ST4000  sata   ONLINE"));
  ASSERT_EQ(fleet_.list_disks.size(), 1u);
  EXPECT_EQ(fleet_.list_disks[0].model(), "ST4");
  EXPECT_EQ(fleet_.list_disks[0].host_id(), "h1");

  EXPECT_THAT(Run({"disks", "--by-model"}).out, HasSubstr("ST4000      2            1"));
  const Json models = Json::parse(Run({"disks", "--by-model", "--json"}).out);
  EXPECT_EQ(models["models"][0]["checksum_errors"], 4);
  const Json disks = Json::parse(Run({"--json", "disks"}).out);
  EXPECT_EQ(disks["disks"].size(), 2u);
}

TEST_F(OnCallCommandsTest, ControllerErrorsExitOne) {
  fleet_.error = absl::UnavailableError("cannot reach controller at 127.0.0.1:7400: refused");
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"schedule"},
                                             {"history", "h1/tank"},
                                             {"events"},
                                             {"ack", "1"},
                                             {"triage"},
                                             {"disks", "--json"}}) {
    const CliResult r = Run(args);
    EXPECT_EQ(r.exit_code, kExitFailure) << args[0];
    EXPECT_EQ(r.out, "") << args[0];
    EXPECT_EQ(r.err, "zfleet: cannot reach controller at 127.0.0.1:7400: refused\n");
  }
}

}  // namespace
}  // namespace zfleet::cli
