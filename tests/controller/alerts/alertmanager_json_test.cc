#include "controller/alerts/alertmanager_json.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace zfleet::controller {
namespace {

const absl::Time kJsonNow = absl::FromUnixSeconds(1700000000);  // 2023-11-14T22:13:20Z

Alert JsonAlert() {
  Alert a;
  a.key = "incident:42";
  a.labels = {{"alertname", "ZfsPoolDegraded"},
              {"host", "st-01"},
              {"pool", "tank"},
              {"device", ""},
              {"severity", "warning"}};
  a.annotations = {{"summary", "tank is DEGRADED"}, {"command", ""}};
  a.starts_at = kJsonNow - absl::Minutes(10);
  return a;
}

TEST(FormatAlertTimeTest, Rfc3339UtcWithMilliseconds) {
  EXPECT_EQ(FormatAlertTime(kJsonNow), "2023-11-14T22:13:20.000Z");
  EXPECT_EQ(FormatAlertTime(kJsonNow + absl::Milliseconds(250)), "2023-11-14T22:13:20.250Z");
}

TEST(AlertmanagerJsonTest, EmptyBatchIsAnEmptyArray) {
  EXPECT_EQ(AlertmanagerJson({}, kJsonNow, absl::Minutes(4)), "[]");
}

TEST(AlertmanagerJsonTest, Cases) {
  struct Case {
    const char* name;
    std::optional<absl::Time> resolved_at;
    std::string generator_url;
    const char* ends_at;
  } cases[] = {
      {"firing ends at now + expire_after", std::nullopt, "", "2023-11-14T22:17:20.000Z"},
      {"resolved ends at resolved_at", kJsonNow - absl::Minutes(1), "", "2023-11-14T22:12:20.000Z"},
      {"generator URL kept when set", std::nullopt, "http://ctl:9100/incidents/42",
       "2023-11-14T22:17:20.000Z"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Alert a = JsonAlert();
    a.resolved_at = c.resolved_at;
    a.generator_url = c.generator_url;
    const nlohmann::json body =
        nlohmann::json::parse(AlertmanagerJson({a}, kJsonNow, absl::Minutes(4)));
    ASSERT_TRUE(body.is_array());
    ASSERT_EQ(body.size(), 1u);
    const nlohmann::json& one = body[0];
    EXPECT_EQ(one["labels"], nlohmann::json({{"alertname", "ZfsPoolDegraded"},
                                             {"host", "st-01"},
                                             {"pool", "tank"},
                                             {"severity", "warning"}}));
    EXPECT_EQ(one["annotations"], nlohmann::json({{"summary", "tank is DEGRADED"}}));
    EXPECT_EQ(one["startsAt"], "2023-11-14T22:03:20.000Z");
    EXPECT_EQ(one["endsAt"], c.ends_at);
    if (c.generator_url.empty()) {
      EXPECT_FALSE(one.contains("generatorURL"));
    } else {
      EXPECT_EQ(one["generatorURL"], c.generator_url);
    }
  }
}

TEST(AlertmanagerJsonTest, EndsAtIsNeverBeforeStartsAt) {
  Alert a = JsonAlert();
  a.starts_at = kJsonNow;
  a.resolved_at = kJsonNow - absl::Seconds(30);
  const nlohmann::json body =
      nlohmann::json::parse(AlertmanagerJson({a}, kJsonNow, absl::Minutes(4)));
  EXPECT_EQ(body[0]["endsAt"], body[0]["startsAt"]);
}

TEST(AlertmanagerJsonTest, KeepsOrderAndNeverShowsTheKey) {
  Alert a = JsonAlert();
  Alert b = JsonAlert();
  b.key = "incident:43";
  b.labels["pool"] = "scratch";
  const std::string text = AlertmanagerJson({a, b}, kJsonNow, absl::Minutes(4));
  EXPECT_EQ(text.find("incident:"), std::string::npos);
  const nlohmann::json body = nlohmann::json::parse(text);
  ASSERT_EQ(body.size(), 2u);
  EXPECT_EQ(body[0]["labels"]["pool"], "tank");
  EXPECT_EQ(body[1]["labels"]["pool"], "scratch");
}

TEST(AlertmanagerJsonTest, NoLabelsOrAnnotationsAreEmptyObjects) {
  Alert a;
  a.starts_at = kJsonNow;
  const nlohmann::json body =
      nlohmann::json::parse(AlertmanagerJson({a}, kJsonNow, absl::Minutes(4)));
  EXPECT_TRUE(body[0]["labels"].is_object());
  EXPECT_TRUE(body[0]["labels"].empty());
  EXPECT_TRUE(body[0]["annotations"].is_object());
}

TEST(AlertmanagerJsonTest, InvalidUtf8IsReplacedNotThrown) {
  Alert a = JsonAlert();
  a.labels["device"] = "sd\xff";
  std::string text;
  ASSERT_NO_THROW(text = AlertmanagerJson({a}, kJsonNow, absl::Minutes(4)));
  EXPECT_NO_THROW(nlohmann::json::parse(text));
}

}  // namespace
}  // namespace zfleet::controller
