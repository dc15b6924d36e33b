#include "agent/stack/stack_probe.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "agent/stack/stack_checks.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/fake_command_runner.h"
#include "tests/testing/temp_dir.h"

namespace zfleet::agent {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::zfleet::testing::FakeCommandRunner;
using ::zfleet::testing::TempDir;

// A host tree in a temp dir: proc/, sys/, lib/modules/, boot/, etc/, run/.
class FakeHost {
 public:
  StackPaths paths() const {
    return StackPaths{dir_.File("proc"), dir_.File("sys"), dir_.File("lib/modules"),
                      dir_.File("boot"), dir_.File("etc"), dir_.File("run")};
  }
  void File(const std::string& rel, const std::string& content = "") const {
    const std::filesystem::path path = dir_.File(rel);
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    std::ofstream(path) << content;
  }
  void Dir(const std::string& rel) const {
    std::error_code ec;
    std::filesystem::create_directories(dir_.File(rel), ec);
  }
  void Link(const std::string& rel, const std::string& target) const {
    Dir(std::filesystem::path(rel).parent_path().string());
    ASSERT_EQ(::symlink(target.c_str(), dir_.File(rel).c_str()), 0) << rel;
  }

 private:
  TempDir dir_;
};

// A Debian host with dkms: kernels 6.1.0-9 (no module), -17 (dkms) and -18 (running,
// in-tree module), a leftover 5.10 dir, systemd with every unit fine, zpool.cache.
void MakeDebianHost(const FakeHost& h, FakeCommandRunner& runner) {
  h.File("proc/sys/kernel/osrelease", "6.1.0-18-amd64\n");
  h.File("proc/1/comm", "systemd\n");
  h.File("proc/812/comm", "zed\n");
  h.File("proc/self/comm", "zfleet-agent\n");
  for (const char* k : {"6.1.0-9-amd64", "6.1.0-17-amd64", "6.1.0-18-amd64"}) {
    h.File(std::string("boot/vmlinuz-") + k);
    h.Dir(std::string("lib/modules/") + k + "/kernel/fs");
  }
  h.File("boot/vmlinuz-6.1.0-18-amd64.old");
  h.File("lib/modules/6.1.0-17-amd64/updates/dkms/zfs.ko.xz");
  h.File("lib/modules/6.1.0-17-amd64/updates/dkms/spl.ko.xz");
  h.File("lib/modules/6.1.0-18-amd64/kernel/zfs/zfs.ko.zst");
  h.File("lib/modules/5.10.0-28-amd64/updates/dkms/zfs.ko");  // kernel removed, dkms left
  h.File("sys/module/zfs/version", "2.1.11-1\n");
  h.Dir("run/systemd/system");
  h.File("etc/zfs/zpool.cache", std::string(1536, 'c'));
  runner.Answer("zfs version", "zfs-2.1.11-1\nzfs-kmod-2.1.11-1\n");
  runner.Answer("dkms status zfs",
                "zfs/2.1.11, 6.1.0-17-amd64, x86_64: installed\n"
                "zfs/2.1.11, 6.1.0-18-amd64, x86_64: built\n");
  for (const char* unit : kZfsUnits) {
    const std::string service = std::string(unit) + ".service";
    const bool scan = std::string(unit) == "zfs-import-scan";
    runner.Answer("systemctl is-enabled " + service, scan ? "disabled\n" : "enabled\n",
                  scan ? 1 : 0);
    runner.Answer("systemctl is-active " + service, scan ? "inactive\n" : "active\n", scan ? 3 : 0);
  }
}

TEST(StackProbeTest, DebianDkmsHost) {
  FakeHost h;
  FakeCommandRunner runner;
  MakeDebianHost(h, runner);
  StackFacts f = ProbeStack(h.paths(), StackCommands{}, runner);
  EXPECT_EQ(f.running_kernel, "6.1.0-18-amd64");
  EXPECT_THAT(f.installed_kernels,
              ElementsAre("6.1.0-9-amd64", "6.1.0-17-amd64", "6.1.0-18-amd64"));
  EXPECT_EQ(f.module_files.size(), 2u);
  EXPECT_EQ(f.module_files["6.1.0-17-amd64"], "/lib/modules/6.1.0-17-amd64/updates/dkms/zfs.ko.xz");
  EXPECT_EQ(f.module_files["6.1.0-18-amd64"], "/lib/modules/6.1.0-18-amd64/kernel/zfs/zfs.ko.zst");
  EXPECT_TRUE(f.module_loaded);
  EXPECT_EQ(f.module_version, "2.1.11-1");
  EXPECT_EQ(f.userland_version, "2.1.11-1");
  EXPECT_TRUE(f.dkms_available);
  ASSERT_EQ(f.dkms.size(), 2u);
  EXPECT_EQ(f.dkms[1].state, "built");
  EXPECT_TRUE(f.systemd);
  ASSERT_EQ(f.units.size(), 5u);
  EXPECT_EQ(f.units[1].name, "zfs-import-scan");
  EXPECT_EQ(f.units[1].enabled, "disabled");
  EXPECT_EQ(f.units[1].active, "inactive");
  EXPECT_EQ(f.zpool_cache_size, 1536u);
  EXPECT_EQ(f.zfs_fuse_pid, std::nullopt);
  EXPECT_FALSE(f.zfs_fuse_config);
  EXPECT_THAT(runner.calls(), Not(Contains("uname -r")));  // /proc answered

  // The whole chain: the newest kernel has a module (in-tree), 6.1.0-9 has none.
  const std::vector<StackCheck> checks = EvaluateStack(f);
  EXPECT_EQ(WorstLevel(checks), StackCheck::kWarn);
  for (const StackCheck& c : checks) {
    const bool old_kernel = c.name == "zfs-module-installed:6.1.0-9-amd64" || c.name == "dkms";
    EXPECT_EQ(c.level == StackCheck::kWarn, old_kernel) << c.name << ": " << c.evidence;
  }
}

TEST(StackProbeTest, ZfsFuseHostLikeThisMachine) {
  FakeHost h;
  FakeCommandRunner runner;
  h.File("proc/sys/kernel/osrelease", "6.18.44-fc-v669\n");
  h.File("proc/2242/comm", "zfs-fuse\n");
  h.File("proc/modules", "");
  h.File("etc/zfs/zfsrc", "# zfs-fuse\n");
  runner.Answer("zfs version", "", 2, "unrecognized command 'version'\nusage: zfs ...\n");
  StackFacts f = ProbeStack(h.paths(), StackCommands{}, runner);
  EXPECT_EQ(f.zfs_fuse_pid, 2242);
  EXPECT_TRUE(f.zfs_fuse_config);
  EXPECT_FALSE(f.module_loaded);
  EXPECT_THAT(f.installed_kernels, IsEmpty());
  EXPECT_EQ(f.userland_version, std::nullopt);
  EXPECT_EQ(f.userland_error, "`zfs version` (exit 2): unrecognized command 'version'");
  EXPECT_FALSE(f.dkms_available);
  EXPECT_FALSE(f.systemd);
  EXPECT_THAT(f.units, IsEmpty());
  EXPECT_EQ(f.zpool_cache_size, std::nullopt);
  EXPECT_THAT(runner.calls(), ElementsAre("zfs version", "dkms status zfs"));

  const std::vector<StackCheck> checks = EvaluateStack(f);
  EXPECT_EQ(checks[0].name, "zfs-fuse");
  EXPECT_EQ(checks[0].level, StackCheck::kOk);
  EXPECT_EQ(WorstLevel(checks), StackCheck::kOk);
}

TEST(StackProbeTest, FallbacksForKernelModuleAndVersion) {
  FakeHost h;
  FakeCommandRunner runner;
  h.File("proc/modules",
         "spl 126976 1 zfs, Live 0xffffffffc0a00000 (POE)\n"
         "zfs 3923968 6 - Live 0xffffffffc0b00000 (POE)\n");
  runner.Answer("uname -r", "5.15.0-91-generic\n");
  // zfs is not on PATH (only the agent's --zpool is known): ask zpool.
  runner.Answer("/opt/zfs/zpool version", "zfs-2.2.2-0ubuntu9\nzfs-kmod-2.2.2-0ubuntu9\n");
  StackCommands commands;
  commands.zpool = "/opt/zfs/zpool";
  StackFacts f = ProbeStack(h.paths(), commands, runner);
  EXPECT_EQ(f.running_kernel, "5.15.0-91-generic");
  EXPECT_TRUE(f.module_loaded);
  EXPECT_EQ(f.module_version, "2.2.2-0ubuntu9");  // from zfs-kmod, /sys has none
  EXPECT_EQ(f.userland_version, "2.2.2-0ubuntu9");
  EXPECT_THAT(runner.calls(),
              ElementsAre("uname -r", "zfs version", "/opt/zfs/zpool version", "dkms status zfs"));
}

TEST(StackProbeTest, NothingAnswers) {
  FakeHost h;
  FakeCommandRunner runner;
  runner.Answer("uname -r", "", 1);
  StackFacts f = ProbeStack(h.paths(), StackCommands{}, runner);
  EXPECT_EQ(f.running_kernel, "");
  EXPECT_FALSE(f.module_loaded);
  EXPECT_EQ(f.userland_error, "`zpool version`: zpool: not found");
  EXPECT_FALSE(f.dkms_available);
  const std::vector<StackCheck> checks = EvaluateStack(f);
  EXPECT_EQ(checks[1].name, "zfs-module-loaded");
  EXPECT_EQ(checks[1].level, StackCheck::kFail);
  EXPECT_EQ(checks[1].fix,
            "run `modprobe zfs` (read `dmesg` if it fails), then "
            "`zpool import -a`");
}

TEST(StackProbeTest, WeakUpdatesLinkCountsOnlyWhenItsTargetExists) {
  FakeHost h;
  FakeCommandRunner runner;
  h.File("proc/sys/kernel/osrelease", "4.18.0-513.el8.x86_64\n");
  h.File("lib/modules/4.18.0-477.el8.x86_64/vmlinuz");
  h.File("lib/modules/4.18.0-477.el8.x86_64/extra/zfs/zfs.ko");  // kABI kmod, depth 2
  h.File("lib/modules/4.18.0-513.el8.x86_64/vmlinuz");
  h.Link("lib/modules/4.18.0-513.el8.x86_64/weak-updates/zfs/zfs.ko",
         "/lib/modules/4.18.0-477.el8.x86_64/extra/zfs/zfs.ko");  // absolute, as rpm makes
  h.File("lib/modules/4.18.0-553.el8.x86_64/vmlinuz");
  h.Link("lib/modules/4.18.0-553.el8.x86_64/weak-updates/zfs/zfs.ko",
         "/lib/modules/4.18.0-372.el8.x86_64/extra/zfs/zfs.ko");  // dangling
  StackFacts f = ProbeStack(h.paths(), StackCommands{}, runner);
  EXPECT_THAT(f.installed_kernels, ElementsAre("4.18.0-477.el8.x86_64", "4.18.0-513.el8.x86_64",
                                               "4.18.0-553.el8.x86_64"));
  EXPECT_EQ(f.module_files["4.18.0-477.el8.x86_64"],
            "/lib/modules/4.18.0-477.el8.x86_64/extra/zfs/zfs.ko");
  EXPECT_EQ(f.module_files["4.18.0-513.el8.x86_64"],
            "/lib/modules/4.18.0-513.el8.x86_64/weak-updates/zfs/zfs.ko");
  EXPECT_FALSE(f.module_files.contains("4.18.0-553.el8.x86_64"));
  StackCheck next = EvaluateStack(f)[5];
  EXPECT_EQ(next.name, "zfs-module-installed:4.18.0-553.el8.x86_64");
  EXPECT_EQ(next.level, StackCheck::kFail);
}

TEST(StackProbeTest, CommandFailures) {
  FakeHost h;
  FakeCommandRunner runner;
  h.Dir("run/systemd/system");
  runner.Fail("zfs version", absl::DeadlineExceededError("timed out after 15s"));
  runner.Answer("dkms status zfs", "", 1, "Error! dkms.conf missing\n");
  // systemd < 250 for a unit that is not there:
  runner.Answer("systemctl is-enabled zfs-import-cache.service", "", 1,
                "Failed to get unit file state for zfs-import-cache.service: No such file or "
                "directory\n");
  runner.Answer("systemctl is-active zfs-import-cache.service", "inactive\n", 3);
  runner.Answer("systemctl is-enabled zfs-import-scan.service", "", 1, "Access denied\n");
  runner.Answer("systemctl is-enabled zfs-mount.service", "enabled\n");
  runner.Answer("systemctl is-active zfs-mount.service", "", 3);
  runner.Answer("systemctl is-enabled zfs-share.service", "enabled\n");
  runner.Fail("systemctl is-active zfs-share.service", absl::DeadlineExceededError("slow"));
  // zfs-zed: systemctl gives no answer at all (not in the table → NotFound).
  StackFacts f = ProbeStack(h.paths(), StackCommands{}, runner);
  EXPECT_EQ(f.userland_error, "`zfs version`: timed out after 15s");
  EXPECT_TRUE(f.dkms_available);
  EXPECT_EQ(f.dkms_error, "exit 1: Error! dkms.conf missing");
  ASSERT_EQ(f.units.size(), 5u);
  EXPECT_EQ(f.units[0].enabled, "not-found");
  EXPECT_EQ(f.units[0].active, "inactive");
  EXPECT_EQ(f.units[1].error, "systemctl is-enabled (exit 1): Access denied");
  EXPECT_EQ(f.units[2].active, "unknown");
  EXPECT_EQ(f.units[3].error, "systemctl is-active: slow");
  EXPECT_THAT(f.units[4].error, HasSubstr("systemctl is-enabled: systemctl: not found"));

  runner.Fail("dkms status zfs", absl::DeadlineExceededError("dkms hung"));
  f = ProbeStack(h.paths(), StackCommands{}, runner);
  EXPECT_EQ(f.dkms_error, "dkms hung");
}

TEST(StackProbeTest, ParseDkmsStatus) {
  std::vector<DkmsEntry> e = ParseDkmsStatus(
      "zfs/2.1.11, 6.1.0-18-amd64, x86_64: installed\n"
      "zfs/2.1.11, 6.1.0-19-amd64, x86_64: installed (WARNING! Diff between built and "
      "installed module!)\n"
      "zfs/2.2.0: added\n"
      "zfs, 0.7.12, 4.9.0-8-amd64, x86_64: built\n"
      "spl, 0.7.12, 4.9.0-8-amd64, x86_64: installed\n"
      "nvidia/535.1, 6.1.0-18-amd64, x86_64: installed\n"
      "Error! something odd\n"
      "zfs: \n"
      "\n");
  ASSERT_EQ(e.size(), 4u);
  EXPECT_EQ(e[0].version, "2.1.11");
  EXPECT_EQ(e[0].kernel, "6.1.0-18-amd64");
  EXPECT_EQ(e[0].state, "installed");
  EXPECT_EQ(e[1].state, "installed (WARNING! Diff between built and installed module!)");
  EXPECT_EQ(e[2].version, "2.2.0");
  EXPECT_EQ(e[2].kernel, "");
  EXPECT_EQ(e[2].state, "added");
  EXPECT_EQ(e[3].version, "0.7.12");
  EXPECT_EQ(e[3].kernel, "4.9.0-8-amd64");
  EXPECT_EQ(e[3].state, "built");
  EXPECT_THAT(ParseDkmsStatus(""), IsEmpty());
}

TEST(StackProbeTest, ParseZfsVersion) {
  ZfsVersions v = ParseZfsVersion("zfs-2.1.11-1\nzfs-kmod-2.1.11-1\n");
  EXPECT_EQ(v.userland, "2.1.11-1");
  EXPECT_EQ(v.kmod, "2.1.11-1");
  v = ParseZfsVersion("zfs-2.2.0-1\nzfs-kmod-unknown\n");  // module not loaded
  EXPECT_EQ(v.userland, "2.2.0-1");
  EXPECT_EQ(v.kmod, "unknown");
  v = ParseZfsVersion("unrecognized command 'version'\nzfs-fuse\n");
  EXPECT_EQ(v.userland, std::nullopt);
  EXPECT_EQ(v.kmod, std::nullopt);
}

TEST(StackProbeTest, CompareKernelVersions) {
  struct Case {
    std::string a, b;
    int want;
  };
  const std::vector<Case> cases = {
      {"6.1.0-9-amd64", "6.1.0-18-amd64", -1},
      {"6.1.0-18-amd64", "6.1.0-18-amd64", 0},
      {"6.1.0-18-amd64", "5.10.0-28-amd64", 1},
      {"5.15.0-100-generic", "5.15.0-91-generic", 1},
      {"4.18.0-553.el8.x86_64", "4.18.0-477.el8.x86_64", 1},
      {"6.1.0", "6.1.0-1", -1},
      {"6.01", "6.1", 0},
      {"6.1a", "6.1", 1},
      {"", "1", -1},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(CompareKernelVersions(c.a, c.b), c.want) << c.a << " vs " << c.b;
    EXPECT_EQ(CompareKernelVersions(c.b, c.a), -c.want) << c.b << " vs " << c.a;
  }
}

}  // namespace
}  // namespace zfleet::agent
