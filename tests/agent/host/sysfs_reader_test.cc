// RootedDir and the path helpers; disk identity (tests/agent/disks/) exercises the
// resolution of symlinks inside fixture trees at length.
#include "agent/host/sysfs_reader.h"

#include <optional>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace zfleet::agent {
namespace {

TEST(RootedDirTest, Helpers) {
  EXPECT_EQ(Basename("/a/b/c"), "c");
  EXPECT_EQ(Basename("/a/b/"), "b");
  EXPECT_EQ(Basename("c"), "c");
  EXPECT_EQ(Dirname("/a/b/c"), "/a/b");
  EXPECT_EQ(Dirname("/a"), "/");
  EXPECT_EQ(Dirname("c"), ".");
  EXPECT_EQ(TrimAttribute(std::string(" x y \n\0\0", 8)), "x y");
  EXPECT_EQ(TrimAttribute(" \t\n"), "");

  const RootedDir dev("/dev", "/fixture/dev");
  EXPECT_EQ(dev.HostPath("/dev"), "/fixture/dev");
  EXPECT_EQ(dev.HostPath("/dev/sda"), "/fixture/dev/sda");
  EXPECT_EQ(dev.HostPath("/devices/x"), "");
  EXPECT_EQ(dev.HostPath("/etc/passwd"), "");
  EXPECT_EQ(RootedDir("/", "/").HostPath("/etc/x"), "/etc/x");
  EXPECT_EQ(RootedDir("/", "/fx").HostPath("/etc/x"), "/fx/etc/x");

  const RootedDir sys("/sys", std::string(ZFLEET_TESTDATA_DIR) + "/sysfs/nvme/sys");
  EXPECT_EQ(sys.ReadAttribute("/sys/class/block/nvme0n1/device/serial"), "S4EWNX0R123456");
  EXPECT_EQ(sys.ReadAttribute("/sys/class/block/nvme0n1/nope"), std::nullopt);
  EXPECT_EQ(sys.List("/sys/class/block"), (std::vector<std::string>{"nvme0n1", "nvme0n1p1"}));
  EXPECT_TRUE(sys.List("/sys/nope").empty());
  EXPECT_TRUE(sys.Exists("/sys/class/block/nvme0n1p1/partition"));
  EXPECT_FALSE(sys.Exists("/sys/class/block/nvme0n1/partition"));
}

}  // namespace
}  // namespace zfleet::agent
