// `zfleet-agent inspect` (the real binary) on a host whose zpool prints bytes that are not
// UTF-8, as it does for a file name in a pool's permanent-error list: the output stays
// valid JSON and shows each such byte as \xNN.
#include <string>

#include "absl/strings/str_cat.h"
#include "common/utf8.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/testing/child_process.h"
#include "tests/testing/fleet_fixture.h"
#include "tests/testing/temp_dir.h"

namespace zfleet::testing {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

// Legacy (zfs-fuse) output, the fake zpool's default generation. 0xE9 is é in Latin-1.
constexpr char kList[] = "tank\t123M\t21.6M\t101M\t17%\t1.00x\tONLINE\t-\n";
constexpr char kStatus[] =
    "  pool: tank\n"
    " state: ONLINE\n"
    "status: One or more devices has experienced an error resulting in data\n"
    "\tcorruption.  Applications may be affected.\n"
    "action: Restore the file in question if possible.  Otherwise restore the\n"
    "\tentire pool from backup.\n"
    "   see: http://www.sun.com/msg/ZFS-8000-8A\n"
    " scrub: scrub completed after 0h0m with 2 errors on Sat Nov 21 09:48:23 2026\n"
    "config:\n"
    "\n"
    "\tNAME            STATE     READ WRITE CKSUM\n"
    "\ttank            ONLINE       0     0     4\n"
    "\t  /tmp/zt/d\xe9p  ONLINE       0     0     4\n"
    "\n"
    "errors: Permanent errors have been detected in the following files:\n"
    "\n"
    "        /tank/caf\xe9.txt\n"
    "        /tank/ok.txt\n";

class InspectUtf8Test : public ::testing::Test {
 protected:
  void SetUp() override {
    zpool_ = InstallFakeZpool(dir_, "fake_host/list.txt", "fake_host/healthy.txt");
    dir_.Write("list.txt", kList);
    dir_.Write("status.txt", kStatus);
    ASSERT_EQ(ReadFile(dir_.File("status.txt")), kStatus);
  }

  RunResult Inspect(bool json) {
    std::vector<std::string> argv = {BinaryPath("zfleet-agent"), "inspect", "--zpool", zpool_};
    if (json) argv.push_back("--json");
    return RunProgram(argv);
  }

  TempDir dir_;
  std::string zpool_;
};

TEST_F(InspectUtf8Test, JsonIsValidAndShowsTheBadByte) {
  const RunResult r = Inspect(/*json=*/true);
  ASSERT_EQ(r.exit_code, 0) << "is " << BinaryPath("zfleet-agent") << " built?\n" << r.err;
  EXPECT_TRUE(IsValidUtf8(r.out));
  const nlohmann::json j = nlohmann::json::parse(r.out, nullptr, /*allow_exceptions=*/false);
  ASSERT_FALSE(j.is_discarded()) << r.out;
  ASSERT_EQ(j["pools"].size(), 1u) << r.out;
  const nlohmann::json& pool = j["pools"][0];
  EXPECT_EQ(pool["name"], "tank");
  const auto files = pool["errors"]["files"].get<std::vector<std::string>>();
  EXPECT_THAT(files, Contains("/tank/caf\\xe9.txt")) << r.out;
  EXPECT_THAT(files, Contains("/tank/ok.txt"));
  EXPECT_THAT(r.out, HasSubstr("/tmp/zt/d\\\\xe9p")) << "the vdev path, JSON-escaped";
}

TEST_F(InspectUtf8Test, TextShowsTheBadByte) {
  const RunResult r = Inspect(/*json=*/false);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(IsValidUtf8(r.out));
  EXPECT_THAT(r.out, HasSubstr("    /tank/caf\\xe9.txt\n"));
}

}  // namespace
}  // namespace zfleet::testing
