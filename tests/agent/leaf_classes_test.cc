// The class every leaf ends up with once the agent wires agent.toml's [classes] into
// disks/: zpool/ assembles pools without classes, disks/ classifies them with the overrides
// ClassOverridesOf() makes of the config.
#include <string>
#include <vector>

#include "agent/agent_config.h"
#include "agent/disks/disk_class.h"
#include "agent/zpool/pool_assembly.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace zfleet::agent {
namespace {

constexpr char kTankList[] =
    "tank\t3985729650688\t2748779069440\t1236950581248\t-\t-\t3\t68\t1.00\tONLINE\t-\n";

TEST(LeafClassesTest, AssembledJsonLeafWithoutTransportIsUnknown) {
  const ZpoolOutputs outputs{kTankList,
                             zfleet::testing::ReadFile(std::string(ZFLEET_TESTDATA_DIR) +
                                                       "/openzfs23/scrub_in_progress.json"),
                             true};
  absl::StatusOr<AssembledPools> pools = AssemblePools(outputs, {});
  ASSERT_TRUE(pools.ok()) << pools.status();
  ClassifyLeaves(pools->pools, ClassOverridesOf(AgentConfig{}));
  ASSERT_EQ(pools->pools.size(), 1u);
  const v1::Vdev& sda = pools->pools[0].vdevs(0).children(0);
  EXPECT_EQ(sda.path(), "/dev/disk/by-id/ata-ST4000NM0035-1V4107_ZC1A0001-part1");
  EXPECT_EQ(sda.disk().class_(), "unknown");
}

TEST(LeafClassesTest, AgentTomlOverridesBeatTheTransport) {
  absl::StatusOr<AgentConfig> config = ParseAgentConfig(R"toml(
[classes]
pools = { "tank" = "sas", "lab-*" = "virtual" }
devices = { "/dev/disk/by-id/nvme-*" = "scsi" }
)toml", "agent.toml");
  ASSERT_TRUE(config.ok()) << config.status();
  const ClassOverrideFn overrides = ClassOverridesOf(*config);
  struct Case {
    std::string pool, path, transport, want_class;
  };
  const Case cases[] = {
      {"tank", "/dev/disk/by-id/ata-WDC_1", "sata", "sas"},        // pool override
      {"other", "/dev/disk/by-id/ata-WDC_1", "sata", "sata"},      // no override: transport
      {"tank", "/dev/disk/by-id/nvme-Samsung_1", "nvme", "scsi"},  // device before pool
      {"lab-1", "/dev/sdz", "", "virtual"},                        // unidentified, overridden
      {"other", "/dev/sdz", "", "unknown"},                        // unidentified, no override
  };
  for (const Case& c : cases) {
    EXPECT_EQ(DiskClass(overrides, c.pool, c.path, c.transport), c.want_class)
        << c.pool << " " << c.path;
  }
}

TEST(LeafClassesTest, OverridesOutliveTheConfig) {
  ClassOverrideFn overrides;
  {
    absl::StatusOr<AgentConfig> config =
        ParseAgentConfig("[classes]\npools = { \"cold\" = \"usb\" }\n", "agent.toml");
    ASSERT_TRUE(config.ok()) << config.status();
    overrides = ClassOverridesOf(*config);
  }
  EXPECT_EQ(overrides("cold", ""), "usb");
  EXPECT_EQ(overrides("hot", ""), "");
}

}  // namespace
}  // namespace zfleet::agent
