// controller.toml [retention] (and [history] retention, kept): the documented defaults,
// every key, and one FILE:LINE error per bad value.
#include <string>
#include <vector>

#include "controller/config/controller_config.h"
#include "gtest/gtest.h"
#include "tests/controller/config/config_refusal.h"

namespace zfleet::controller {
namespace {

absl::Duration RetentionDays(int n) { return absl::Hours(24 * n); }

TEST(RetentionConfigTest, DefaultsAsDocumented) {
  auto config = ParseControllerConfig("", "controller.toml");
  ASSERT_TRUE(config.ok()) << config.status();
  const RetentionPolicy& r = config->retention;
  EXPECT_EQ(config->history_retention, RetentionDays(30));
  EXPECT_EQ(r.events, RetentionDays(90));
  EXPECT_EQ(r.open_events, RetentionDays(365));
  EXPECT_EQ(r.counters, RetentionDays(30));
  EXPECT_EQ(r.commands, RetentionDays(30));
  EXPECT_EQ(r.scrub_runs, RetentionDays(365));
  EXPECT_EQ(r.audit, RetentionDays(730));
  EXPECT_EQ(r.batch, 1000);
}

TEST(RetentionConfigTest, EveryKeyBesideHistoryRetention) {
  auto config = ParseControllerConfig(R"([history]
retention = "14d"

[retention]
events = "30d"          # acknowledged or info
open_events = "180d"
counters = "7d"
commands = "2d"
scrub_runs = "90d"
audit = "3650d"
batch = 50
)",
                                      "controller.toml");
  ASSERT_TRUE(config.ok()) << config.status();
  const RetentionPolicy& r = config->retention;
  EXPECT_EQ(config->history_retention, RetentionDays(14));
  EXPECT_EQ(r.events, RetentionDays(30));
  EXPECT_EQ(r.open_events, RetentionDays(180));
  EXPECT_EQ(r.counters, RetentionDays(7));
  EXPECT_EQ(r.commands, RetentionDays(2));
  EXPECT_EQ(r.scrub_runs, RetentionDays(90));
  EXPECT_EQ(r.audit, RetentionDays(3650));
  EXPECT_EQ(r.batch, 50);
}

TEST(RetentionConfigTest, BadValuesAreOneLineWithFileAndLine) {
  struct Case {
    std::string text;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"[retention]\nevents = \"12h\"\n", "c.toml:2: retention.events must be at least 1d"},
      {"[retention]\n\ncounters = \"soon\"\n", "c.toml:3: retention.counters: "},
      {"[retention]\naudit = 365\n", "c.toml:2: retention.audit must be a string like \"30s\""},
      {"[retention]\nbatch = 0\n", "c.toml:2: retention.batch must be an integer from 1 to 100000"},
      {"[retention]\nbatch = \"many\"\n", "c.toml:2: retention.batch must be an integer"},
      {"[retention]\nsnapshots = \"30d\"\n", "c.toml:2: unknown key retention.snapshots"},
      {"retention = \"30d\"\n", "c.toml:1: retention must be a table"},
      {"[history]\nretention = \"1h\"\n", "c.toml:2: history.retention must be at least 1d"},
  };
  for (const Case& c : cases) ExpectRefused(c.text, "c.toml", c.error);
}

}  // namespace
}  // namespace zfleet::controller
