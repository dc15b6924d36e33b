// `zfleet incidents` and `zfleet ack` output.
#include "cli/render/render_incidents.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/render/render_fixtures.h"

namespace zfleet::cli {
namespace {

using fixtures::kNow;
using fixtures::kPlain;
using Json = nlohmann::ordered_json;

v1::Incident MakeIncident(int64_t id, v1::Severity severity, const std::string& kind,
                          const std::string& pool, const std::string& subject,
                          const std::string& problem, int64_t opened_at) {
  v1::Incident i;
  i.set_id(id);
  i.set_severity(severity);
  i.set_worst_severity(severity);
  i.set_kind(kind);
  i.set_host_id("h1");
  i.set_pool(pool);
  i.set_subject(subject);
  i.set_problem(problem);
  i.set_opened_at(opened_at);
  i.set_updated_at(opened_at);
  return i;
}

v1::ListIncidentsResponse Incidents() {
  v1::ListIncidentsResponse r;
  v1::Incident data = MakeIncident(3, v1::SEVERITY_CRITICAL, "data_errors", "tank", "",
                                   "2 permanent data errors", kNow - 3600);
  data.set_value(2);
  data.set_peak_value(23);
  *r.add_incidents() = data;
  v1::Incident disk =
      MakeIncident(5, v1::SEVERITY_WARNING, "bad_disk", "tank", "sdb", "CKSUM 3", kNow - 600);
  disk.set_acknowledged_by("alice");
  *r.add_incidents() = disk;
  return r;
}

TEST(RenderIncidentsTest, OpenIncidentsTable) {
  EXPECT_EQ(RenderIncidentsText(Incidents(), false, kPlain),
            "ID  SEVERITY  KIND         WHERE        PROBLEM                             "
            "OPENED                        ACK\n"
            " 3  critical  data_errors  h1/tank      2 permanent data errors (worst 23)  "
            "2026-11-21 09:00 (1h0m ago)   -\n"
            " 5  warning   bad_disk     h1/tank sdb  CKSUM 3                             "
            "2026-11-21 09:50 (10m0s ago)  alice\n");
}

TEST(RenderIncidentsTest, AllShowsWhenEachResolvedAndEmptyListsSaySo) {
  v1::ListIncidentsResponse r = Incidents();
  r.mutable_incidents(1)->set_resolved_at(kNow - 60);
  const std::string text = RenderIncidentsText(r, true, kPlain);
  EXPECT_THAT(text, ::testing::HasSubstr("RESOLVED"));
  EXPECT_THAT(text, ::testing::HasSubstr("open\n"));
  EXPECT_THAT(text, ::testing::HasSubstr("2026-11-21 09:59\n"));
  EXPECT_THAT(text, ::testing::Not(::testing::HasSubstr("ago")));
  EXPECT_EQ(RenderIncidentsText({}, false, kPlain), "no open incidents\n");
  EXPECT_EQ(RenderIncidentsText({}, true, kPlain), "no incidents\n");
}

TEST(RenderIncidentsTest, JsonWithNulls) {
  const Json doc = Json::parse(RenderIncidentsJson(Incidents()).dump());
  ASSERT_EQ(doc["incidents"].size(), 2u);
  const Json& data = doc["incidents"][0];
  EXPECT_EQ(data["id"], 3);
  EXPECT_EQ(data["severity"], "critical");
  EXPECT_EQ(data["subject"], Json());
  EXPECT_EQ(data["peak_value"], 23);
  EXPECT_EQ(data["resolved_at"], Json());
  EXPECT_EQ(data["opened_at"], "2026-11-21T09:00:00Z");
  EXPECT_EQ(doc["incidents"][1]["acknowledged_by"], "alice");
}

TEST(RenderAckTest, CountsAndUnknownIds) {
  AckOutcome r{"incident", {}, {}};
  EXPECT_EQ(RenderAckText(r), "acknowledged 0 incidents\n");
  EXPECT_EQ(AckUnknownMessage(r), "");
  r.acknowledged = {3};
  EXPECT_EQ(RenderAckText(r), "acknowledged 1 incident\n");
  r.acknowledged = {3, 4};
  r.unknown = {9};
  EXPECT_EQ(AckUnknownMessage(r), "unknown incident id 9");
  r.unknown = {9, 11};
  r.noun = "event";
  EXPECT_EQ(RenderAckText(r), "acknowledged 2 events\n");
  EXPECT_EQ(AckUnknownMessage(r), "unknown event ids 9, 11");
  EXPECT_EQ(RenderAckJson("bob", r).dump(),
            R"({"by":"bob","acknowledged":[3,4],"unknown":[9,11]})");
}

}  // namespace
}  // namespace zfleet::cli
