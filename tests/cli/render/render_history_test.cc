// `zfleet history` output.
#include "cli/render/render_history.h"

#include <string>

#include "gtest/gtest.h"
#include "tests/cli/render/render_fixtures.h"

namespace zfleet::cli {
namespace {

using fixtures::kNow;
using fixtures::kPlain;
using fixtures::ScrubRun;
using Json = nlohmann::ordered_json;

// What `zfleet history h1/tank` asks for.
v1::GetHistoryRequest Request() {
  v1::GetHistoryRequest request;
  request.set_host_id("h1");
  request.set_pool("tank");
  return request;
}

v1::GetHistoryResponse History() {
  v1::GetHistoryResponse h;
  v1::ScrubRun running = ScrubRun(9, "scheduled", "running");
  running.set_started_at(kNow - 600);
  *h.add_scrub_runs() = running;
  v1::ScrubRun done = ScrubRun(8, "manual", "finished");
  done.set_started_at(kNow - 3 * 3600);
  done.set_ended_at(kNow - 2 * 3600);
  done.set_bytes_repaired(uint64_t{41} << 19);  // 20.5M
  done.set_errors(0);
  *h.add_scrub_runs() = done;
  v1::PoolChange degraded;
  degraded.set_time(kNow - 3600);
  degraded.set_state("DEGRADED");
  degraded.set_device_errors(3);
  degraded.set_summary("state ONLINE → DEGRADED");
  *h.add_changes() = degraded;
  v1::PoolChange first;
  first.set_time(kNow - 2 * 3600);  // same time as the finished run: the run comes first
  first.set_state("ONLINE");
  first.set_scan_function("scrub");
  first.set_scan_state("finished");
  first.set_data_errors(0);
  *h.add_changes() = first;
  return h;
}

TEST(RenderHistoryTest, RunsAndChangesMergedNewestFirst) {
  EXPECT_EQ(RenderHistoryText(Request(), History(), kPlain),
            "history of h1/tank (newest first):\n"
            "\n"
            "TIME              WHAT\n"
            "2026-11-21 09:50  scrub scheduled running\n"
            "2026-11-21 09:00  state ONLINE → DEGRADED\n"
            "2026-11-21 08:00  scrub manual finished, 20.5M repaired, 0 errors, took 1h0m\n"
            "2026-11-21 08:00  state ONLINE\n");
  EXPECT_EQ(RenderHistoryText(Request(), v1::GetHistoryResponse(), kPlain),
            "no history recorded for h1/tank\n");
}

TEST(RenderHistoryTest, ScrubRunLines) {
  v1::ScrubRun run = ScrubRun(1, "manual", "finished");
  run.set_bytes_repaired(uint64_t{41} << 19);
  run.set_errors(0);
  EXPECT_EQ(ScrubRunLine(run), "scrub manual finished, 20.5M repaired, 0 errors");
  v1::ScrubRun failed = ScrubRun(2, "scheduled", "failed");
  failed.set_message("pool is resilvering");
  EXPECT_EQ(ScrubRunLine(failed), "scrub scheduled failed: pool is resilvering");
  EXPECT_EQ(ScrubRunTime(failed), kNow - 4 * 3600);
}

TEST(RenderHistoryTest, JsonShapeWithNulls) {
  const Json doc = Json::parse(RenderHistoryJson(Request(), History()).dump());
  EXPECT_EQ(doc["host"], "h1");
  EXPECT_EQ(doc["pool"], "tank");
  ASSERT_EQ(doc["scrub_runs"].size(), 2u);
  EXPECT_EQ(doc["scrub_runs"][0]["id"], 9);
  EXPECT_TRUE(doc["scrub_runs"][0]["ended_at"].is_null());
  EXPECT_EQ(doc["scrub_runs"][1]["bytes_repaired"], uint64_t{41} << 19);
  ASSERT_EQ(doc["changes"].size(), 2u);
  EXPECT_EQ(doc["changes"][0], Json::parse(R"({"time": "2026-11-21T09:00:00Z",
      "state": "DEGRADED", "scan_function": null, "scan_state": null, "data_errors": null,
      "device_errors": 3, "summary": "state ONLINE → DEGRADED"})"));
  EXPECT_EQ(doc["changes"][1]["data_errors"], 0);
  EXPECT_TRUE(doc["changes"][1]["summary"].is_null());
}

TEST(RenderHistoryTest, AScrubTheAgentStartedOnItsOwnSaysAgent) {
  v1::ScrubRun run = ScrubRun(4, "", "finished");
  SetTrigger(run, v1::TRIGGER_AGENT);
  run.clear_trigger_name();  // the enum alone names it
  run.set_started_at(kNow - 3600);
  run.set_ended_at(kNow - 600);
  EXPECT_EQ(ScrubRunLine(run).rfind("scrub agent finished", 0), 0u) << ScrubRunLine(run);
  v1::GetHistoryResponse h;
  *h.add_scrub_runs() = run;
  EXPECT_EQ(RenderHistoryJson(Request(), h)["scrub_runs"][0]["trigger"], "agent");
}

}  // namespace
}  // namespace zfleet::cli
