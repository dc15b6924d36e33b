#include "controller/config/controller_config.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/controller/config/config_refusal.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/windowed_policy.h"

namespace zfleet::controller {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

// The issue's example controller.toml: this [scheduler] section, comments and all, and
// testing::kWindowedClassesToml.
constexpr char kWindowedScheduler[] = R"([scheduler]
tick = "30s"
max_concurrent = 50              # fleet-wide
max_per_host = 1
max_per_label = { rack = 4 }     # any agent label; agents report labels from agent.toml
skip_states = ["DEGRADED", "FAULTED", "UNAVAIL", "SUSPENDED"]
load_threshold = 8.0             # host 1-minute load average reported by the agent
stall_after = "2h"               # no progress for this long → event
at_window_end = "pause"          # pause | stop | continue
timezone = "UTC"

)";

absl::Duration Days(int n) { return absl::Hours(24 * n); }

TEST(ControllerConfigTest, EmptyTextGivesTheDefaultsOfDesign) {
  auto config = ParseControllerConfig("", "controller.toml");
  ASSERT_TRUE(config.ok()) << config.status();
  const SchedulerPolicy& p = config->scheduler;
  EXPECT_EQ(config->report_interval, absl::Seconds(30));
  EXPECT_EQ(config->missing_after, 3);
  EXPECT_EQ(config->autonomous_after, absl::Hours(24));
  EXPECT_EQ(p.tick, absl::Seconds(30));
  EXPECT_EQ(p.max_concurrent, 50);
  EXPECT_EQ(p.max_per_host, 1);
  EXPECT_TRUE(p.max_per_label.empty());
  EXPECT_THAT(p.skip_states, ElementsAre("DEGRADED", "FAULTED", "UNAVAIL", "SUSPENDED"));
  EXPECT_EQ(p.load_threshold, 8.0);
  EXPECT_EQ(p.stall_after, absl::Hours(2));
  EXPECT_EQ(p.at_window_end, WindowEndAction::kPause);
  EXPECT_EQ(p.timezone_name, "UTC");
  EXPECT_EQ(p.early_start, 0.1);
  EXPECT_EQ(p.early_below, 0.5);
  struct Expect {
    DiskClass cls;
    absl::Duration interval;
  } expected[] = {{DiskClass::kSata, Days(7)},  {DiskClass::kScsi, Days(7)},
                  {DiskClass::kUsb, Days(7)},   {DiskClass::kUnknown, Days(7)},
                  {DiskClass::kSas, Days(30)},  {DiskClass::kFc, Days(30)},
                  {DiskClass::kNvme, Days(30)}, {DiskClass::kVirtual, Days(30)}};
  for (const Expect& e : expected) {
    EXPECT_EQ(p.For(e.cls).interval, e.interval) << DiskClassName(e.cls);
    EXPECT_TRUE(p.For(e.cls).windows.AlwaysOpen()) << DiskClassName(e.cls);
  }
}

TEST(ControllerConfigTest, ParsesTheDocumentedExample) {
  auto config = ParseControllerConfig(absl::StrCat(kWindowedScheduler, testing::kWindowedClassesToml),
                                      "controller.toml");
  ASSERT_TRUE(config.ok()) << config.status();
  const SchedulerPolicy& p = config->scheduler;
  EXPECT_THAT(p.max_per_label, ElementsAre(Pair("rack", 4)));
  EXPECT_EQ(p.For(DiskClass::kSata).interval, Days(7));
  EXPECT_EQ(p.For(DiskClass::kSata).windows.ranges().size(), 6u);
  EXPECT_THAT(p.For(DiskClass::kSata).windows.specs(),
              ElementsAre("Sat 00:00-Mon 06:00", "Mon-Fri 01:00-05:00"));
  EXPECT_TRUE(p.For(DiskClass::kSas).windows.AlwaysOpen());
  EXPECT_EQ(p.For(DiskClass::kNvme).interval, Days(30));  // untouched classes keep defaults
}

TEST(ControllerConfigTest, ParsesEveryKey) {
  auto config = ParseControllerConfig(R"(
[agents]
report_interval = "10s"
missing_after = 5
autonomous_after = "3d"
[scheduler]
tick = "1m"
max_concurrent = 7
max_per_host = 2
max_per_label = { rack = 3, pdu = 9 }
skip_states = ["FAULTED"]
load_threshold = 16
stall_after = "90m"
at_window_end = "stop"
timezone = "Europe/Amsterdam"
early_start = 0
early_below = 0.25
[classes.nvme]
interval = "2w"
windows = ["01:00-05:00"]
scrub_mb_per_s = 2500
[tls]
ca = "/etc/zfleet/pki/ca.crt"
cert = "/etc/zfleet/pki/controller.crt"
key = "/etc/zfleet/pki/controller.key"
)",
                                      "c.toml");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->tls.ca, "/etc/zfleet/pki/ca.crt");
  EXPECT_EQ(config->tls.cert, "/etc/zfleet/pki/controller.crt");
  EXPECT_EQ(config->tls.key, "/etc/zfleet/pki/controller.key");
  const SchedulerPolicy& p = config->scheduler;
  EXPECT_EQ(config->report_interval, absl::Seconds(10));
  EXPECT_EQ(config->missing_after, 5);
  EXPECT_EQ(config->autonomous_after, Days(3));
  EXPECT_EQ(p.tick, absl::Minutes(1));
  EXPECT_EQ(p.max_concurrent, 7);
  EXPECT_EQ(p.max_per_host, 2);
  EXPECT_THAT(p.max_per_label, ElementsAre(Pair("pdu", 9), Pair("rack", 3)));
  EXPECT_THAT(p.skip_states, ElementsAre("FAULTED"));
  EXPECT_EQ(p.load_threshold, 16.0);
  EXPECT_EQ(p.stall_after, absl::Minutes(90));
  EXPECT_EQ(p.at_window_end, WindowEndAction::kStop);
  EXPECT_EQ(p.timezone_name, "Europe/Amsterdam");
  EXPECT_EQ(p.timezone.name(), "Europe/Amsterdam");
  EXPECT_EQ(p.early_start, 0.0);
  EXPECT_EQ(p.early_below, 0.25);
  EXPECT_EQ(p.For(DiskClass::kNvme).interval, Days(14));
  EXPECT_EQ(p.For(DiskClass::kNvme).windows.ranges().size(), 7u);
  EXPECT_EQ(p.For(DiskClass::kNvme).scrub_bytes_per_s, 2.5e9);
  EXPECT_EQ(p.For(DiskClass::kSas).scrub_bytes_per_s, 400e6);  // the default
}

TEST(ControllerConfigTest, AutonomousAfterIsZeroOrLongerThanAHostMayBeSilent) {
  auto never = ParseControllerConfig("[agents]\nautonomous_after = \"0s\"\n", "c.toml");
  ASSERT_TRUE(never.ok()) << never.status();
  EXPECT_EQ(never->autonomous_after, absl::ZeroDuration());
  auto soon = ParseControllerConfig("[agents]\nautonomous_after = \"91s\"\n", "c.toml");
  ASSERT_TRUE(soon.ok()) << soon.status();
  EXPECT_EQ(soon->autonomous_after, absl::Seconds(91));

  struct Case {
    std::string text;
    std::string error;
  } cases[] = {
      {"[agents]\nautonomous_after = \"90s\"\n",
       "c.toml:2: agents.autonomous_after (1m30s) must be 0 (never act alone) or longer than "
       "report_interval × missing_after (1m30s)"},
      {"[agents]\nreport_interval = \"1h\"\nautonomous_after = \"2h\"\n",
       "c.toml:3: agents.autonomous_after (2h) must be 0 (never act alone) or longer than "
       "report_interval × missing_after (3h)"},
      // The default 24h against a long silence: the error points at the [agents] table.
      {"[agents]\nreport_interval = \"12h\"\n",
       "c.toml:1: agents.autonomous_after (1d) must be 0 (never act alone) or longer than "
       "report_interval × missing_after (1d12h)"},
      {"[agents]\nautonomous_after = 5\n",
       "c.toml:2: agents.autonomous_after must be a string like \"30s\""},
  };
  for (const Case& c : cases) {
    auto config = ParseControllerConfig(c.text, "c.toml");
    ASSERT_FALSE(config.ok()) << c.text;
    EXPECT_EQ(config.status().message(), c.error);
  }
}

TEST(ControllerConfigTest, RefusesBadInputWithFileLineAndReason) {
  struct Case {
    std::string text;
    std::string error;
  } cases[] = {
      {"[scheduler]\nfoo = 1\n", "c.toml:2: unknown key scheduler.foo"},
      {"[scheduler]\ntick = 30\n", "c.toml:2: scheduler.tick must be a string like \"30s\""},
      {"[scheduler]\ntick = \"0s\"\n", "c.toml:2: scheduler.tick must be at least 1s"},
      {"[scheduler]\nstall_after = \"2x\"\n", "c.toml:2: scheduler.stall_after: bad duration"},
      {"[scheduler]\nmax_concurrent = 0\n",
       "c.toml:2: scheduler.max_concurrent must be an integer from 1 to 1000000"},
      {"[scheduler]\nmax_per_host = 1.5\n",
       "c.toml:2: scheduler.max_per_host must be an integer from 1 to 1000"},
      {"[scheduler]\n\nmax_per_label = { rack = 0 }\n",
       "c.toml:3: scheduler.max_per_label.rack must be an integer from 1 to 1000000"},
      {"[scheduler]\nmax_per_label = 4\n",
       "c.toml:2: scheduler.max_per_label must be a table like { rack = 4 }"},
      {"[scheduler]\nskip_states = [\"DEGRADED\", \"BROKEN\"]\n",
       "c.toml:2: scheduler.skip_states: want one of ONLINE, DEGRADED"},
      {"[scheduler]\nload_threshold = -1.0\n",
       "c.toml:2: scheduler.load_threshold must be a number from 0 to"},
      {"[scheduler]\nat_window_end = \"halt\"\n",
       "c.toml:2: scheduler.at_window_end must be pause, stop or continue"},
      {"[scheduler]\ntimezone = \"Mars/Olympus\"\n",
       "c.toml:2: scheduler.timezone: unknown time zone \"Mars/Olympus\""},
      {"[scheduler]\nearly_start = 1.5\n", "c.toml:2: scheduler.early_start must be a number"},
      {"[classes.ssd]\ninterval = \"7d\"\n", "c.toml:1: unknown class classes.ssd (want sata"},
      {"[classes.sata]\ninterval = \"0d\"\n",
       "c.toml:2: classes.sata.interval must be at least 1s"},
      {"[classes.sata]\nintervall = \"7d\"\n", "c.toml:2: unknown key classes.sata.intervall"},
      {"[classes.sata]\nwindows = [\n  \"Mon-Fri 01:00-05:00\",\n  \"Sat 25:00-Mon 06:00\",\n]\n",
       "c.toml:4: classes.sata.windows: bad window \"Sat 25:00-Mon 06:00\": hour must be 00 to 24"},
      {"[classes.sata]\nscrub_mb_per_s = 0\n",
       "c.toml:2: classes.sata.scrub_mb_per_s must be a number from 1 to 1e+06"},
      {"[classes.sata]\nwindows = []\n",
       "c.toml:2: classes.sata.windows: windows must list at least one window"},
      {"[classes.sata]\nwindows = \"Mon 01:00-02:00\"\n",
       "c.toml:2: classes.sata.windows must be a list"},
      {"[classes]\nsata = 3\n", "c.toml:2: classes.sata must be a table"},
      {"scheduler = 5\n", "c.toml:1: scheduler must be a table"},
      {"[agents]\nfoo = 1\n", "c.toml:2: unknown key agents.foo"},
      {"[agents]\nmissing_after = 0\n", "c.toml:2: agents.missing_after must be an integer"},
      {"\n[nonsense]\n", "c.toml:2: unknown key nonsense"},
      {"[tls]\nca = \"/a\"\ncrt = \"/b\"\n", "c.toml:3: unknown key tls.crt"},
      {"[tls]\nkey = 1\n", "c.toml:2: tls.key must be a string"},
      {"tls = \"/etc/zfleet\"\n", "c.toml:1: tls must be a table"},
      {"[scheduler\n", "c.toml:1: "},
  };
  for (const Case& c : cases) ExpectRefused(c.text, "c.toml", c.error);
}

TEST(ControllerConfigTest, LoadReadsTheFileAndNoPathMeansDefaults) {
  auto defaults = LoadControllerConfig("");
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->scheduler.max_concurrent, 50);

  EXPECT_EQ(LoadControllerConfig("/nonexistent/controller.toml").status().code(),
            absl::StatusCode::kNotFound);

  zfleet::testing::TempDir dir;
  dir.Write("controller.toml",
            "[scheduler]\nmax_concurrent = 9\n[classes.sas]\ninterval = \"1d\"\nbad = 1\n");
  const std::string path = dir.File("controller.toml");
  auto bad = LoadControllerConfig(path);
  EXPECT_EQ(bad.status().message(), path + ":5: unknown key classes.sas.bad");
}

}  // namespace
}  // namespace zfleet::controller
