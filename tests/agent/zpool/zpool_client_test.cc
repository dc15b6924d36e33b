#include "agent/zpool/zpool_client.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "agent/host/command_runner.h"
#include "agent/zpool/pool_assembly.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace zfleet::agent {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// What `zpool list -?`, `zpool status -?` and `zpool scrub -?` print (stderr and stdout).
struct Usage {
  const char* list;
  const char* status;
  const char* scrub;
};

// Recorded from Debian 12's zfs-fuse 0.7.0 on this project's CI image.
constexpr Usage kZfsFuse = {
    "invalid option '?'\nusage:\n\tlist [-H] [-o property[,...]] [pool] ...\n\n"
    "the following properties are supported:\n\n\tPROPERTY         EDIT   VALUES\n\n"
    "\tallocated          NO   <size>\n\tlistsnapshots     YES   on | off\n"
    "\tversion           YES   <version>\n",
    "invalid option '?'\nusage:\n\tstatus [-vx] [pool] ...\n",
    "invalid option '?'\nusage:\n\tscrub [-s] <pool> ...\n"};

// get_usage() of zpool_main.c in ZFS on Linux 0.8 (no -t for status yet).
constexpr Usage kOpenZfs08 = {
    "usage:\n\tlist [-gHLpPv] [-o property[,...]] [-T d|u] [pool] ... \n"
    "\t    [interval [count]]\n\nthe following properties are supported:\n\n"
    "\tPROPERTY             EDIT   VALUES\n\n\tallocated              NO   <size>\n",
    "usage:\n\tstatus [-c [script1,script2,...]] [-igLpPsvxD]  [-T d|u] [pool] ... \n"
    "\t    [interval [count]]\n",
    "usage:\n\tscrub [-s | -p] <pool> ...\n"};

// OpenZFS 2.0 / 2.1.
constexpr Usage kOpenZfs21 = {
    "usage:\n\tlist [-gHLpPv] [-o property[,...]] [-T d|u] [pool] ... \n"
    "\t    [interval [count]]\n",
    "usage:\n\tstatus [-c [script1,script2,...]] [-igLpPstvxD]  [-T d|u] [pool] ... \n"
    "\t    [interval [count]]\n",
    "usage:\n\tscrub [-s | -p] [-w] <pool> ...\n"};

// OpenZFS 2.3: status wraps, and -p / -P sit on the continuation line.
constexpr Usage kOpenZfs23 = {
    "usage:\n\tlist [-gHLpPv] [-o property[,...]] [-j [--json-int, --json-pool-key-guid]] ...\n"
    "\t    [-T d|u] [pool] [interval [count]]\n",
    "invalid option '?'\nusage:\n\tstatus [--power] [-j [--json-int, --json-flat-vdevs, ...\n"
    "\t    --json-pool-key-guid]] [-c [script1,script2,...]] [-DegiLpPstvx] ...\n"
    "\t    [-T d|u] [pool] [interval [count]]\n",
    "usage:\n\tscrub [-s | -p] [-w] [-e] <pool> ...\n"};

struct CapsCase {
  std::string name;
  Usage usage;
  bool exact;  // list -p, status -p and -P
  bool json;
  bool pause;
  std::string generation;
};

class CapabilitiesTest : public ::testing::TestWithParam<CapsCase> {};

TEST_P(CapabilitiesTest, FromUsageText) {
  const CapsCase& c = GetParam();
  const ZpoolCapabilities caps = CapabilitiesFromUsage(c.usage.list, c.usage.status, c.usage.scrub);
  EXPECT_EQ(caps.list_exact, c.exact);
  EXPECT_EQ(caps.status_exact, c.exact);
  EXPECT_EQ(caps.status_full_paths, c.exact);
  EXPECT_EQ(caps.status_json, c.json);
  EXPECT_EQ(caps.scrub_pause, c.pause);
  EXPECT_EQ(caps.generation, c.generation);
}

INSTANTIATE_TEST_SUITE_P(
    EveryGeneration, CapabilitiesTest,
    ::testing::Values(CapsCase{"ZfsFuse", kZfsFuse, false, false, false, "legacy"},
                      CapsCase{"OpenZfs08", kOpenZfs08, true, false, true, "openzfs"},
                      CapsCase{"OpenZfs21", kOpenZfs21, true, false, true, "openzfs"},
                      CapsCase{"OpenZfs23", kOpenZfs23, true, true, true, "openzfs-json"}),
    [](const ::testing::TestParamInfo<CapsCase>& info) { return info.param.name; });

TEST(CapabilitiesFromUsageTest, OnlyTheCommandsOwnUsageCounts) {
  // A property line that starts like the command, or another command's flags, offer nothing.
  const ZpoolCapabilities caps = CapabilitiesFromUsage(
      "usage:\n\tlist [-H]\n\tlistsnapshots YES -p\n", "usage:\n\tiostat [-pj --json-int]\n",
      "usage:\n\tscrub [-s]\n\tresilver [-p]\n");
  EXPECT_FALSE(caps.list_exact);
  EXPECT_FALSE(caps.status_exact);
  EXPECT_FALSE(caps.status_json);
  EXPECT_FALSE(caps.scrub_pause);
  // -j without --json-int is not enough: the parser needs exact numbers.
  EXPECT_FALSE(CapabilitiesFromUsage("", "\tstatus [-jp]\n", "").status_json);
}

// ---------------------------------------------------------------------------------------
// Collect() against the fake zpool script.

class CollectTest : public ::testing::Test {
 protected:
  void Install(const Usage& usage, const std::string& list, const std::string& status_txt) {
    zpool_ = zfleet::testing::InstallFakeZpool(dir_, "fake_host/list.txt", status_txt);
    dir_.Write("usage.txt", absl::StrCat(usage.list, usage.status, usage.scrub));
    dir_.Write("list.txt", list);
  }
  std::string Calls() const { return zfleet::testing::ReadFile(dir_.File("calls.log")); }

  zfleet::testing::TempDir dir_;
  std::string zpool_;
  SubprocessRunner runner_;
};

constexpr char kTankList[] =
    "tank\t3985729650688\t2748779069440\t1236950581248\t-\t-\t3\t68\t1.00\tONLINE\t-\n";

TEST_F(CollectTest, OpenZfs23StatusIsJson) {
  Install(kOpenZfs23, kTankList, "openzfs2/scrub_in_progress_22.txt");
  dir_.Write("status.json", zfleet::testing::ReadFile(std::string(ZFLEET_TESTDATA_DIR) +
                                                      "/openzfs23/scrub_in_progress.json"));
  ZpoolClient client(&runner_, zpool_, absl::Seconds(10));
  absl::StatusOr<ZpoolOutputs> outputs = client.Collect();
  ASSERT_TRUE(outputs.ok()) << outputs.status();
  EXPECT_TRUE(outputs->status_is_json);
  EXPECT_EQ(client.Probe()->generation, "openzfs-json");
  EXPECT_THAT(Calls(), HasSubstr("list -H -p\nstatus -v -j --json-int -P\n"));

  absl::StatusOr<AssembledPools> pools = AssemblePools(*outputs, {});
  ASSERT_TRUE(pools.ok()) << pools.status();
  ASSERT_EQ(pools->pools.size(), 1u);
  const v1::Pool& tank = pools->pools[0];
  EXPECT_EQ(tank.scan().state(), "scanning");
  EXPECT_EQ(tank.size_bytes(), 3985729650688u);  // from zpool list
  const v1::Vdev& sda = tank.vdevs(0).children(0);
  EXPECT_EQ(sda.path(), "/dev/disk/by-id/ata-ST4000NM0035-1V4107_ZC1A0001-part1");
  // Identity and class are disks/' part (leaf_classes_test.cc has this leaf's class).
  EXPECT_FALSE(sda.has_disk());
}

TEST_F(CollectTest, FallsBackToTextWhenJsonFails) {
  Install(kOpenZfs23, kTankList, "openzfs2/scrub_in_progress_22.txt");  // no status.json
  ZpoolClient client(&runner_, zpool_, absl::Seconds(10));
  absl::StatusOr<ZpoolOutputs> outputs = client.Collect();
  ASSERT_TRUE(outputs.ok()) << outputs.status();
  EXPECT_FALSE(outputs->status_is_json);
  EXPECT_THAT(Calls(), HasSubstr("status -v -j --json-int -P\nstatus -v -p -P\n"));
  absl::StatusOr<AssembledPools> pools = AssemblePools(*outputs, {});
  ASSERT_TRUE(pools.ok()) << pools.status();
  EXPECT_EQ(pools->pools.at(0).scan().percent_done(), 31.25);
}

TEST_F(CollectTest, FallsBackToTextWhenJsonIsCutShort) {
  // zpool -j stops mid-document on a name its locale cannot encode, yet exits 0.
  Install(kOpenZfs23, kTankList, "openzfs2/scrub_in_progress_22.txt");
  dir_.Write("status.json", R"({"output_version": {"command": "zpool status"}, "pools": {"ta)");
  ZpoolClient client(&runner_, zpool_, absl::Seconds(10));
  absl::StatusOr<ZpoolOutputs> outputs = client.Collect();
  ASSERT_TRUE(outputs.ok()) << outputs.status();
  EXPECT_FALSE(outputs->status_is_json);
  EXPECT_THAT(Calls(), HasSubstr("status -v -j --json-int -P\nstatus -v -p -P\n"));
}

TEST_F(CollectTest, LegacyZpoolGetsPlainText) {
  Install(kZfsFuse,
          zfleet::testing::ReadFile(std::string(ZFLEET_TESTDATA_DIR) + "/fake_host/list.txt"),
          "fake_host/healthy.txt");
  ZpoolClient client(&runner_, zpool_, absl::Seconds(10));
  absl::StatusOr<ZpoolOutputs> outputs = client.Collect();
  ASSERT_TRUE(outputs.ok()) << outputs.status();
  EXPECT_FALSE(outputs->status_is_json);
  EXPECT_EQ(client.Probe()->generation, "legacy");
  EXPECT_THAT(Calls(), HasSubstr("list -H\nstatus -v\n"));
  absl::StatusOr<AssembledPools> pools = AssemblePools(*outputs, {});
  ASSERT_TRUE(pools.ok()) << pools.status();
  std::vector<std::string> names;
  for (const v1::Pool& p : pools->pools) names.push_back(p.name());
  EXPECT_THAT(names, ElementsAre("tank", "fast"));  // zpool list order
}

TEST_F(CollectTest, NoPoolsIsAnEmptyResultNotAnError) {
  // Text zpool says "no pools available" on stderr only; stdout is empty.
  Install(kOpenZfs21, "", "openzfs2/no_pools.txt");
  dir_.Write("status.txt", "");
  ZpoolClient client(&runner_, zpool_, absl::Seconds(10));
  absl::StatusOr<ZpoolOutputs> outputs = client.Collect();
  ASSERT_TRUE(outputs.ok()) << outputs.status();
  absl::StatusOr<AssembledPools> pools = AssemblePools(*outputs, {});
  ASSERT_TRUE(pools.ok()) << pools.status();
  EXPECT_TRUE(pools->pools.empty());
}

TEST(PoolAssemblyTest, JsonThatIsNotStatusIsRefused) {
  ZpoolOutputs outputs{kTankList, R"({"output_version": {"command": "zpool list"}})", true};
  absl::StatusOr<AssembledPools> pools = AssemblePools(outputs, {});
  EXPECT_EQ(pools.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(PoolAssemblyTest, NamesInAnotherEncodingBecomeValidUtf8) {
  // A Latin-1 file name in the permanent errors: proto3 would refuse the whole report.
  const std::string status =
      "  pool: tank\n state: ONLINE\nconfig:\n\n\tNAME STATE READ WRITE CKSUM\n"
      "\ttank ONLINE 0 0 0\n\t  sda ONLINE 0 0 0\n\nerrors: Permanent errors have been "
      "detected in the following files:\n\n        /tank/caf\xe9.txt\n        "
      "/tank/\xc3\xa9t\xc3\xa9\n";
  ZpoolOutputs outputs{kTankList, status, false};
  absl::StatusOr<AssembledPools> pools = AssemblePools(outputs, {});
  ASSERT_TRUE(pools.ok()) << pools.status();
  EXPECT_THAT(pools->pools.at(0).errors().files(),
              ElementsAre("/tank/caf\\xe9.txt", "/tank/\xc3\xa9t\xc3\xa9"));  // UTF-8 kept
  v1::ReportRequest report;
  *report.add_pools() = pools->pools[0];
  v1::ReportRequest received;
  EXPECT_TRUE(received.ParseFromString(report.SerializeAsString()));
}

}  // namespace
}  // namespace zfleet::agent
