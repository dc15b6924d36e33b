// `zfleet events` output.
#include "cli/render/render_events.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/render/render_fixtures.h"

namespace zfleet::cli {
namespace {

using fixtures::Event;
using fixtures::kNow;
using fixtures::kPlain;
using ::testing::HasSubstr;
using Json = nlohmann::ordered_json;

v1::ListEventsResponse Events() {
  v1::ListEventsResponse r;
  v1::Event degraded =
      Event(41, kNow - 3600, "warning", "h1", "tank", "pool_state", "pool DEGRADED");
  *r.add_events() = degraded;
  *r.add_events() = Event(40, kNow - 7200, "info", "h2", "", "host_back", "host back");
  v1::Event cksum =
      Event(42, kNow - 60, "critical", "h1", "tank", "data_errors", "3 new permanent errors");
  cksum.set_device("/dev/sdb");
  cksum.set_acknowledged_by("alice");
  cksum.set_acknowledged_at(kNow - 30);
  *r.add_events() = cksum;
  return r;
}

TEST(RenderEventsTest, TableNewestFirst) {
  EXPECT_EQ(RenderEventsText(Events(), fixtures::Now() - absl::Hours(24), kPlain),
            "ID  TIME              SEVERITY  HOST  POOL  DEVICE    KIND         MESSAGE"
            "                 ACK\n"
            "42  2026-11-21 09:59  critical  h1    tank  /dev/sdb  data_errors  "
            "3 new permanent errors  alice\n"
            "41  2026-11-21 09:00  warning   h1    tank  -         pool_state   "
            "pool DEGRADED           -\n"
            "40  2026-11-21 08:00  info      h2    -     -         host_back    "
            "host back               -\n");
}

TEST(RenderEventsTest, SeverityColouredOnlyOnATerminal) {
  const std::string text = RenderEventsText(Events(), fixtures::Now(), fixtures::kColor);
  EXPECT_THAT(text, HasSubstr("\033[31mcritical\033[0m"));
  EXPECT_THAT(text, HasSubstr("\033[33mwarning\033[0m"));
}

TEST(RenderEventsTest, EmptyNamesTheWindow) {
  EXPECT_EQ(RenderEventsText(v1::ListEventsResponse(), fixtures::Now() - absl::Hours(24), kPlain),
            "no events since 2026-11-20 10:00 UTC\n");
  EXPECT_EQ(RenderEventsJson(v1::ListEventsResponse()).dump(), R"({"events":[]})");
}

TEST(RenderEventsTest, JsonShapeWithNulls) {
  const Json doc = Json::parse(RenderEventsJson(Events()).dump());
  ASSERT_EQ(doc["events"].size(), 3u);
  EXPECT_EQ(doc["events"][0], Json::parse(R"({"id": 42, "time": "2026-11-21T09:59:00Z",
      "last_seen": "2026-11-21T09:59:00Z", "count": 1,
      "severity": "critical", "host": "h1", "pool": "tank", "device": "/dev/sdb",
      "kind": "data_errors", "message": "3 new permanent errors", "acknowledged_by": "alice",
      "acknowledged_at": "2026-11-21T09:59:30Z"})"));
  const Json& back = doc["events"][2];
  EXPECT_EQ(back["id"], 40);
  for (const char* key : {"pool", "device", "acknowledged_by", "acknowledged_at"}) {
    EXPECT_TRUE(back[key].is_null()) << key;
  }
}

TEST(RenderEventsTest, ARepeatedConditionShowsItsCountAndLastOccurrence) {
  v1::ListEventsResponse r = Events();
  // The CKSUM event of 09:00, risen 37 times until 09:59: listed as last seen.
  v1::Event& degraded = *r.mutable_events(0);
  degraded.set_count(37);
  degraded.set_last_seen(kNow - 30);
  // One repeat on the next day shows the date.
  v1::Event& back = *r.mutable_events(1);
  back.set_count(2);
  back.set_last_seen(kNow + 86400);
  const std::string text = RenderEventsText(r, fixtures::Now() - absl::Hours(24), kPlain);
  EXPECT_THAT(text, HasSubstr("pool DEGRADED (×37, last 09:59)"));
  EXPECT_THAT(text, HasSubstr("host back (×2, last 2026-11-22 10:00)"));
  // Newest activity first: 40 (tomorrow), 41 (09:59:30), 42 (09:59:00).
  EXPECT_LT(text.find("\n40 "), text.find("\n41 "));
  EXPECT_LT(text.find("\n41 "), text.find("\n42 "));

  const Json doc = Json::parse(RenderEventsJson(r).dump());
  EXPECT_EQ(doc["events"][1]["id"], 41);
  EXPECT_EQ(doc["events"][1]["count"], 37);
  EXPECT_EQ(doc["events"][1]["time"], "2026-11-21T09:00:00Z");
  EXPECT_EQ(doc["events"][1]["last_seen"], "2026-11-21T09:59:30Z");
}

}  // namespace
}  // namespace zfleet::cli
