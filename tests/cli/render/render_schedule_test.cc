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
  *s.add_rows() = big;
  *s.add_rows() = ScheduleRow("h1", "new", "", "ok");  // never scrubbed, not yet placed
  v1::ScheduleRow tank = ScheduleRow("h1", "tank", "sata", "waiting");
  tank.set_last_scrub_end(kNow - 9 * kDay);
  tank.set_next_due(kNow - 2 * kDay);
  tank.set_reason("cap rack=r07 reached");
  tank.set_overdue(true);
  *s.add_rows() = tank;
  v1::ScheduleRow fast = ScheduleRow("h3", "fast", "sata", "due");
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
  EXPECT_THAT(RenderScheduleText(Schedule(), fixtures::kColor),
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

}  // namespace
}  // namespace zfleet::cli
