// `zfleet schedule` output.
#include "cli/render/render_schedule.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/render/render_fixtures.h"

namespace zfleet::cli {
namespace {

using fixtures::kDay;
using fixtures::kNow;
using fixtures::kPlain;
using fixtures::ScheduleRow;
using ::testing::HasSubstr;
using Json = nlohmann::ordered_json;

v1::GetScheduleResponse Schedule() {
  v1::GetScheduleResponse s;
  s.set_evaluated_at(kNow);
  v1::ScheduleRow big = ScheduleRow("h2", "big", "sas", "ok");
  big.set_last_scrub_end(kNow - 10 * kDay);
  big.set_next_due(kNow + 20 * kDay);
  big.set_start_by(kNow + 20 * kDay);
  big.set_expected_seconds(7 * 3600);
  *s.add_rows() = big;
  *s.add_rows() = ScheduleRow("h1", "new", "", "ok");  // never scrubbed, not yet placed
  v1::ScheduleRow tank = ScheduleRow("h1", "tank", "sata", "waiting");
  tank.set_last_scrub_end(kNow - 9 * kDay);
  tank.set_next_due(kNow - 2 * kDay);
  tank.set_reason("cap rack=r07 reached");
  tank.set_overdue(true);
  tank.set_late(true);
  tank.set_start_by(kNow - 2 * kDay);
  *s.add_rows() = tank;
  // Not due for a day, but the rack is busy until after then: the plan sees it late.
  v1::ScheduleRow slow = ScheduleRow("h4", "slow", "sata", "ok");
  slow.set_last_scrub_end(kNow - 6 * kDay);
  slow.set_next_due(kNow + kDay);
  slow.set_start_by(kNow - kDay / 24);
  slow.set_late(true);
  *s.add_rows() = slow;
  v1::ScheduleShortfall* shortfall = s.add_shortfalls();
  shortfall->set_group("rack=r07");
  shortfall->set_class_("sata");
  shortfall->set_interval_seconds(7 * kDay);
  shortfall->set_need_hours(520);
  shortfall->set_capacity_hours(400);
  shortfall->set_pools(80);
  shortfall->set_text(
      "sata on rack=r07 needs ~520 scrub-hours every 7d; its windows under the caps give 400 "
      "(80 pools)");
  v1::ScheduleRow fast = ScheduleRow("h3", "fast", "sata", "due");
  fast.set_last_scrub_end(kNow - 7 * kDay);
  fast.set_next_due(kNow);
  *s.add_rows() = fast;
  return s;
}

TEST(RenderScheduleTest, SoonestDueFirstWithOverdueMarkedAndReasons) {
  EXPECT_EQ(RenderScheduleText(Schedule(), kPlain),
            "schedule at 2026-11-21 10:00 UTC: 5 pools, 1 due, 1 waiting, 1 overdue, 1 will be "
            "late\n"
            "policy cannot be met: sata on rack=r07 needs ~520 scrub-hours every 7d; its windows "
            "under the caps give 400 (80 pools)\n"
            "\n"
            "HOST  POOL  CLASS  LAST-SCRUB        NEXT-DUE                         "
            "START-BY          STATUS   REASON\n"
            "h1    tank  sata   2026-11-12 10:00  2026-11-19 10:00 (overdue 2d0h)  "
            "now (late)        waiting  cap rack=r07 reached\n"
            "h3    fast  sata   2026-11-14 10:00  2026-11-21 10:00                 "
            "-                 due\n"
            "h4    slow  sata   2026-11-15 10:00  2026-11-22 10:00                 "
            "now (late)        ok\n"
            "h2    big   sas    2026-11-11 10:00  2026-12-11 10:00                 "
            "2026-12-11 10:00  ok\n"
            "h1    new   -      never             -                                "
            "-                 ok\n");
}

TEST(RenderScheduleTest, OverdueIsRedOnlyOnATerminal) {
  EXPECT_THAT(RenderScheduleText(Schedule(), fixtures::kColor),
              HasSubstr("\033[31m2026-11-19 10:00 (overdue 2d0h)\033[0m"));
  EXPECT_THAT(RenderScheduleText(Schedule(), fixtures::kColor),
              HasSubstr("\033[31mnow (late)\033[0m"));
  EXPECT_THAT(RenderScheduleText(Schedule(), kPlain), ::testing::Not(HasSubstr("\033[")));
}

TEST(RenderScheduleTest, Empty) {
  EXPECT_EQ(RenderScheduleText(v1::GetScheduleResponse(), kPlain), "no pools\n");
  EXPECT_EQ(RenderScheduleJson(v1::GetScheduleResponse()).dump(),
            R"({"evaluated_at":null,"pools":[],"shortfalls":[]})");
}

TEST(RenderScheduleTest, JsonShapeWithNulls) {
  const Json doc = Json::parse(RenderScheduleJson(Schedule()).dump());
  EXPECT_EQ(doc["evaluated_at"], "2026-11-21T10:00:00Z");
  ASSERT_EQ(doc["pools"].size(), 5u);
  EXPECT_EQ(doc["pools"][0], Json::parse(R"({"host": "h1", "pool": "tank", "class": "sata",
      "last_scrub": "2026-11-12T10:00:00Z", "next_due": "2026-11-19T10:00:00Z",
      "status": "waiting", "reason": "cap rack=r07 reached", "overdue": true,
      "start_by": "2026-11-19T10:00:00Z", "late": true, "expected_seconds": null})"));
  EXPECT_EQ(doc["pools"][3]["expected_seconds"], 7 * 3600);
  EXPECT_EQ(doc["pools"][4], Json::parse(R"({"host": "h1", "pool": "new", "class": null,
      "last_scrub": null, "next_due": null, "status": "ok", "reason": null,
      "overdue": false, "start_by": null, "late": false, "expected_seconds": null})"));
  EXPECT_EQ(doc["shortfalls"], Json::parse(R"json([{"group": "rack=r07", "class": "sata",
      "interval_seconds": 604800, "need_hours": 520.0, "capacity_hours": 400.0, "pools": 80,
      "text": "sata on rack=r07 needs ~520 scrub-hours every 7d; its windows under the caps give 400 (80 pools)"}])json"));
}

}  // namespace
}  // namespace zfleet::cli
