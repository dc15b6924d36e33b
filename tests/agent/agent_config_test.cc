#include "agent/agent_config.h"

#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace zfleet::agent {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::StartsWith;

std::string Msg(const absl::Status& s) { return std::string(s.message()); }

AgentConfig MustParse(const std::string& text) {
  absl::StatusOr<AgentConfig> config = ParseAgentConfig(text, "agent.toml");
  EXPECT_TRUE(config.ok()) << config.status();
  return config.ok() ? *config : AgentConfig{};
}

TEST(AgentConfigTest, EmptyFileGivesDefaults) {
  for (const char* text : {"", "# nothing\n", "[agent]\n[labels]\n[classes]\n"}) {
    const AgentConfig c = MustParse(text);
    EXPECT_EQ(c.poll_interval, absl::Seconds(10)) << text;
    EXPECT_EQ(c.zpool_timeout, absl::Seconds(60)) << text;
    EXPECT_EQ(c.stack_check_interval, absl::Minutes(10)) << text;
    EXPECT_THAT(c.labels, IsEmpty());
    EXPECT_THAT(c.pool_classes, IsEmpty());
    EXPECT_THAT(c.device_classes, IsEmpty());
  }
}

TEST(AgentConfigTest, EveryKey) {
  const AgentConfig c = MustParse(R"toml(
[agent]
poll_interval = "30s"
zpool_timeout = "2m"
stack_check_interval = "1h30m"

[labels]
rack = "r07"
site = "ams"

[classes]
pools = { "demo-*" = "sata" }
devices = { "/dev/disk/by-id/nvme-*" = "nvme" }

[tls]
ca = "/etc/zfleet/ca.crt"
cert = "/etc/zfleet/nas1.crt"
key = "/etc/zfleet/nas1.key"
)toml");
  EXPECT_EQ(c.tls.ca, "/etc/zfleet/ca.crt");
  EXPECT_EQ(c.tls.cert, "/etc/zfleet/nas1.crt");
  EXPECT_EQ(c.tls.key, "/etc/zfleet/nas1.key");
  EXPECT_EQ(c.poll_interval, absl::Seconds(30));
  EXPECT_EQ(c.zpool_timeout, absl::Minutes(2));
  EXPECT_EQ(c.stack_check_interval, absl::Minutes(90));
  EXPECT_THAT(c.labels, ElementsAre(Pair("rack", "r07"), Pair("site", "ams")));
  EXPECT_THAT(c.pool_classes, ElementsAre(Pair("demo-*", "sata")));
  EXPECT_THAT(c.device_classes, ElementsAre(Pair("/dev/disk/by-id/nvme-*", "nvme")));
}

TEST(AgentConfigTest, KnownClasses) {
  for (const char* cls : {"sata", "scsi", "usb", "sas", "fc", "nvme", "virtual", "unknown"}) {
    EXPECT_TRUE(IsKnownClass(cls)) << cls;
  }
  for (const char* cls : {"", "ssd", "SATA", "file", "loop", "virtio", "sata "}) {
    EXPECT_FALSE(IsKnownClass(cls)) << cls;
  }
}

TEST(AgentConfigTest, ErrorsNameFileAndLine) {
  struct Case {
    std::string name;
    std::string text;
    std::string want_prefix;  // "agent.toml:LINE: "
    std::string want_reason;
  };
  const Case cases[] = {
      {"UnknownSection", "[agent]\npoll_interval = \"5s\"\n[agnet]\n", "agent.toml:3: ",
       "unknown key agnet"},
      {"UnknownAgentKey", "[agent]\n\npoll_intervall = \"5s\"\n", "agent.toml:3: ",
       "unknown key agent.poll_intervall"},
      {"UnknownClassesKey", "[classes]\ndisks = { \"sd*\" = \"sata\" }\n", "agent.toml:2: ",
       "unknown key classes.disks"},
      {"BadDuration", "[agent]\nzpool_timeout = \"10 s\"\n", "agent.toml:2: ",
       "zpool_timeout: bad duration \"10 s\""},
      {"DurationWithoutUnit", "[agent]\npoll_interval = \"10\"\n", "agent.toml:2: ",
       "poll_interval: bad duration"},
      {"DurationNotAString", "[agent]\npoll_interval = 10\n", "agent.toml:2: ",
       "poll_interval must be a string like \"10s\""},
      {"ZeroDuration", "[agent]\nstack_check_interval = \"0s\"\n", "agent.toml:2: ",
       "stack_check_interval must be > 0"},
      {"ZeroPoll", "[agent]\n# x\npoll_interval = \"0m\"\n", "agent.toml:3: ",
       "poll_interval must be > 0"},
      {"NegativeDuration", "[agent]\nzpool_timeout = \"-5s\"\n", "agent.toml:2: ",
       "zpool_timeout: bad duration \"-5s\""},
      {"UnknownPoolClass", "[classes]\npools = { \"tank\" = \"ssd\" }\n", "agent.toml:2: ",
       "class for \"tank\" must be one of"},
      {"UnknownDeviceClass", "[classes]\n\ndevices = { \"/dev/sd*\" = \"SATA\" }\n",
       "agent.toml:3: ", "class for \"/dev/sd*\" must be one of"},
      {"ClassNotAString", "[classes]\npools = { \"tank\" = 1 }\n", "agent.toml:2: ",
       "class for \"tank\""},
      {"ClassesNotATable", "[classes]\npools = \"sata\"\n", "agent.toml:2: ",
       "classes.pools must be a table"},
      {"LabelNotAString", "[labels]\nrack = 7\n", "agent.toml:2: ",
       "label rack must be a string"},
      {"LabelKeyTooLong", "[labels]\n" + std::string(64, 'k') + " = \"v\"\n", "agent.toml:2: ",
       "keys are 1 to 63 bytes, values at most 255"},
      {"LabelValueTooLong", "[labels]\nrack = \"" + std::string(256, 'v') + "\"\n",
       "agent.toml:2: ", "values at most 255"},
      {"TlsUnknownKey", "[tls]\nca = \"/a\"\npassword = \"x\"\n", "agent.toml:3: ",
       "unknown key tls.password"},
      {"TlsNotAString", "[tls]\ncert = 5\n", "agent.toml:2: ", "tls.cert must be a string"},
      {"AgentNotATable", "agent = 5\n", "agent.toml:1: ", "[agent] must be a table"},
      {"SyntaxUnclosedHeader", "[agent]\npoll_interval = \"5s\"\n[labels\n", "agent.toml:3: ",
       ""},
      {"SyntaxUnterminatedString", "[agent]\npoll_interval = \"5s\n", "agent.toml:2: ", ""},
      {"SyntaxDuplicateKey", "[labels]\nrack = \"a\"\nrack = \"b\"\n", "agent.toml:3: ", ""},
  };
  for (const Case& c : cases) {
    absl::StatusOr<AgentConfig> got = ParseAgentConfig(c.text, "agent.toml");
    ASSERT_FALSE(got.ok()) << c.name;
    EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument) << c.name;
    EXPECT_THAT(Msg(got.status()), StartsWith(c.want_prefix)) << c.name;
    EXPECT_THAT(Msg(got.status()), HasSubstr(c.want_reason)) << c.name;
    // One line, as the agent prints it on stderr.
    EXPECT_EQ(got.status().message().find('\n'), absl::string_view::npos) << c.name;
  }
}

TEST(AgentConfigTest, SourceNameIsTheGivenName) {
  absl::StatusOr<AgentConfig> got =
      ParseAgentConfig("[agent]\nfoo = 1\n", "/etc/zfleet/agent.toml");
  EXPECT_THAT(Msg(got.status()), StartsWith("/etc/zfleet/agent.toml:2: "));
}

TEST(AgentConfigTest, LoadReadsTheFileAndNamesItInErrors) {
  zfleet::testing::TempDir dir;
  dir.Write("agent.toml", "[agent]\npoll_interval = \"1m\"\n");
  absl::StatusOr<AgentConfig> good = LoadAgentConfig(dir.File("agent.toml"));
  ASSERT_TRUE(good.ok()) << good.status();
  EXPECT_EQ(good->poll_interval, absl::Minutes(1));

  dir.Write("bad.toml", "[agent]\npoll_interval = \"1 m\"\n");
  EXPECT_THAT(Msg(LoadAgentConfig(dir.File("bad.toml")).status()),
              StartsWith(dir.File("bad.toml") + ":2: "));

  absl::StatusOr<AgentConfig> missing = LoadAgentConfig(dir.File("missing.toml"));
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(Msg(missing.status()), HasSubstr(dir.File("missing.toml")));
}

TEST(AgentConfigTest, ClassOverrideDevicesBeforePools) {
  const AgentConfig c = MustParse(R"toml(
[classes]
pools = { "tank*" = "sata", "fast" = "sas" }
devices = { "/dev/disk/by-id/nvme-*" = "nvme", "/var/tmp/*" = "virtual" }
)toml");
  struct Case {
    std::string pool, device, want;
  };
  const Case cases[] = {
      {"tank", "/dev/disk/by-id/nvme-Samsung_1", "nvme"},  // device wins over pool
      {"tank", "/dev/sda", "sata"},
      {"tank2", "", "sata"},  // no device path: pools only
      {"fast", "/dev/sdb", "sas"},
      {"other", "/var/tmp/pool/f1", "virtual"},
      {"other", "/dev/sdc", ""},
      {"faster", "/dev/sdc", ""},  // globs match whole names
      {"Tank", "/dev/sdc", ""},    // and are case-sensitive
  };
  for (const Case& c2 : cases) {
    EXPECT_EQ(ClassOverride(c, c2.pool, c2.device), c2.want) << c2.pool << " " << c2.device;
  }
}

// The header promises "in file order; the first match wins". toml++ keeps table keys
// sorted, so the order must come from the source positions, not from iteration.
TEST(AgentConfigTest, FirstMatchingGlobInFileOrderWins) {
  const AgentConfig c = MustParse(R"toml(
[classes]
pools = { "demo-*" = "sata", "*" = "nvme" }
devices = { "/dev/disk/by-id/usb-*" = "usb", "/dev/*" = "sas" }
)toml");
  EXPECT_THAT(c.pool_classes, ElementsAre(Pair("demo-*", "sata"), Pair("*", "nvme")));
  EXPECT_THAT(c.device_classes,
              ElementsAre(Pair("/dev/disk/by-id/usb-*", "usb"), Pair("/dev/*", "sas")));
  EXPECT_EQ(ClassOverride(c, "demo-1", ""), "sata");
  EXPECT_EQ(ClassOverride(c, "tank", ""), "nvme");
  EXPECT_EQ(ClassOverride(c, "tank", "/dev/disk/by-id/usb-WD_1"), "usb");
  EXPECT_EQ(ClassOverride(c, "tank", "/dev/sda"), "sas");
}

TEST(AgentConfigTest, ClassOverrideFirstMatchWinsForHandBuiltConfig) {
  // Without the parser: the vector's order is what decides.
  AgentConfig c;
  c.pool_classes = {{"demo-*", "sata"}, {"*", "nvme"}};
  EXPECT_EQ(ClassOverride(c, "demo-1", ""), "sata");
  c.pool_classes = {{"*", "nvme"}, {"demo-*", "sata"}};
  EXPECT_EQ(ClassOverride(c, "demo-1", ""), "nvme");
}

}  // namespace
}  // namespace zfleet::agent
