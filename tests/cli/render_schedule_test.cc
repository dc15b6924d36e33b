// `zfleet schedule` and `zfleet history` output.
#include "cli/render_schedule.h"

#include <string>

#include "cli/render_history.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/fleet_fixtures.h"

namespace zfleet::cli {
namespace {

using fixtures::kNow;
using ::testing::HasSubstr;
using Json = nlohmann::ordered_json;

const RenderOptions kPlain{.color = false, .now = fixtures::Now()};
constexpr int64_t kDay = 86400;

v1::ScheduleRow Row(const std::string& host, const std::string& pool, const std::string& cls,
                    const std::string& status) {
  v1::ScheduleRow row;
  row.set_host_id(host);
  row.set_pool(pool);
  row.set_class_(cls);
  row.set_status(status);
  return row;
}

v1::GetScheduleResponse Schedule() {
  v1::GetScheduleResponse s;
  s.set_evaluated_at(kNow);
  v1::ScheduleRow big = Row("h2", "big", "sas", "ok");
  big.set_last_scrub_end(kNow - 10 * kDay);
  big.set_next_due(kNow + 20 * kDay);
  *s.add_rows() = big;
  *s.add_rows() = Row("h1", "new", "", "ok");  // never scrubbed, not yet placed
  v1::ScheduleRow tank = Row("h1", "tank", "sata", "waiting");
  tank.set_last_scrub_end(kNow - 9 * kDay);
  tank.set_next_due(kNow - 2 * kDay);
  tank.set_reason("cap rack=r07 reached");
  tank.set_overdue(true);
  *s.add_rows() = tank;
  v1::ScheduleRow fast = Row("h3", "fast", "sata", "due");
  fast.set_last_scrub_end(kNow - 7 * kDay);
  fast.set_next_due(kNow);
  *s.add_rows() = fast;
  return s;
}

TEST(RenderScheduleTest, SoonestDueFirstWithOverdueMarkedAndReasons) {
  EXPECT_EQ(
      RenderScheduleText(Schedule(), kPlain),
      "schedule at 2026-11-21 10:00 UTC: 4 pools, 1 due, 1 waiting, 1 overdue\n"
      "\n"
      "HOST  POOL  CLASS  LAST-SCRUB        NEXT-DUE                         STATUS   REASON\n"
      "h1    tank  sata   2026-11-12 10:00  2026-11-19 10:00 (overdue 2d0h)  waiting  "
      "cap rack=r07 reached\n"
      "h3    fast  sata   2026-11-14 10:00  2026-11-21 10:00                 due\n"
      "h2    big   sas    2026-11-11 10:00  2026-12-11 10:00                 ok\n"
      "h1    new   -      never             -                                ok\n");
}

TEST(RenderScheduleTest, OverdueIsRedOnlyOnATerminal) {
  const RenderOptions color{.color = true, .now = fixtures::Now()};
  EXPECT_THAT(RenderScheduleText(Schedule(), color),
              HasSubstr("\033[31m2026-11-19 10:00 (overdue 2d0h)\033[0m"));
  EXPECT_THAT(RenderScheduleText(Schedule(), kPlain), ::testing::Not(HasSubstr("\033[")));
}

TEST(RenderScheduleTest, Empty) {
  EXPECT_EQ(RenderScheduleText(v1::GetScheduleResponse(), kPlain), "no pools\n");
  EXPECT_EQ(RenderScheduleJson(v1::GetScheduleResponse()).dump(),
            R"({"evaluated_at":null,"pools":[]})");
}

TEST(RenderScheduleTest, JsonShapeWithNulls) {
  const Json doc = Json::parse(RenderScheduleJson(Schedule()).dump());
  EXPECT_EQ(doc["evaluated_at"], "2026-11-21T10:00:00Z");
  ASSERT_EQ(doc["pools"].size(), 4u);
  EXPECT_EQ(doc["pools"][0], Json::parse(R"({"host": "h1", "pool": "tank", "class": "sata",
      "last_scrub": "2026-11-12T10:00:00Z", "next_due": "2026-11-19T10:00:00Z",
      "status": "waiting", "reason": "cap rack=r07 reached", "overdue": true})"));
  EXPECT_EQ(doc["pools"][3], Json::parse(R"({"host": "h1", "pool": "new", "class": null,
      "last_scrub": null, "next_due": null, "status": "ok", "reason": null,
      "overdue": false})"));
}

v1::ScrubRun ScrubRun(int64_t id, const std::string& trigger, const std::string& state) {
  v1::ScrubRun run;
  run.set_id(id);
  run.set_host_id("h1");
  run.set_pool("tank");
  run.set_trigger(trigger);
  run.set_state(state);
  run.set_requested_at(kNow - 4 * 3600);
  return run;
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
  EXPECT_EQ(RenderHistoryText({"h1", "tank"}, History(), kPlain),
            "history of h1/tank (newest first):\n"
            "\n"
            "TIME              WHAT\n"
            "2026-11-21 09:50  scrub scheduled running\n"
            "2026-11-21 09:00  state ONLINE → DEGRADED\n"
            "2026-11-21 08:00  scrub manual finished, 20.5M repaired, 0 errors, took 1h0m\n"
            "2026-11-21 08:00  state ONLINE\n");
  EXPECT_EQ(RenderHistoryText({"h1", "tank"}, v1::GetHistoryResponse(), kPlain),
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
  const Json doc = Json::parse(RenderHistoryJson({"h1", "tank"}, History()).dump());
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

}  // namespace
}  // namespace zfleet::cli
