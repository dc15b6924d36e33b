#include "agent/stack/stack_checks.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace zfleet::agent {
namespace {

using Level = StackCheck::Level;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kOld[] = "6.1.0-17-amd64";
constexpr char kCur[] = "6.1.0-18-amd64";

// A well-kept dkms host: every check ok.
StackFacts Healthy() {
  StackFacts f;
  f.running_kernel = kCur;
  f.installed_kernels = {kOld, kCur};
  f.module_files[kOld] = "/lib/modules/6.1.0-17-amd64/updates/dkms/zfs.ko.xz";
  f.module_files[kCur] = "/lib/modules/6.1.0-18-amd64/updates/dkms/zfs.ko.xz";
  f.module_loaded = true;
  f.module_version = "2.1.11-1";
  f.userland_version = "2.1.11-1";
  f.dkms_available = true;
  f.dkms = {{"2.1.11", kOld, "installed"}, {"2.1.11", kCur, "installed"}};
  f.systemd = true;
  f.units = {{"zfs-import-cache", "enabled", "active", ""},
             {"zfs-import-scan", "disabled", "inactive", ""},
             {"zfs-mount", "enabled", "active", ""},
             {"zfs-share", "enabled", "active", ""},
             {"zfs-zed", "enabled", "active", ""}};
  f.zpool_cache_size = 2048;
  return f;
}

StackCheck Get(const std::vector<StackCheck>& checks, const std::string& name) {
  for (const StackCheck& c : checks) {
    if (c.name == name) return c;
  }
  ADD_FAILURE() << "no check " << name;
  return StackCheck{};
}

StackCheck Eval(const StackFacts& f, const std::string& name) {
  return Get(EvaluateStack(f), name);
}

UnitState& Unit(StackFacts& f, const std::string& name) {
  for (UnitState& u : f.units) {
    if (u.name == name) return u;
  }
  f.units.push_back(UnitState{name, "", "", ""});
  return f.units.back();
}

std::vector<std::string> Names(const std::vector<StackCheck>& checks) {
  std::vector<std::string> names;
  for (const StackCheck& c : checks) names.push_back(c.name);
  return names;
}

TEST(StackChecksTest, HealthyHostIsAllOkInReportOrder) {
  const std::vector<StackCheck> checks = EvaluateStack(Healthy());
  EXPECT_THAT(
      Names(checks),
      ElementsAre("zfs-fuse", "zfs-module-loaded", "zfs-version-match",
                  "zfs-module-installed:6.1.0-17-amd64", "zfs-module-installed:6.1.0-18-amd64",
                  "dkms", "systemd:zfs-import-cache", "systemd:zfs-import-scan",
                  "systemd:zfs-mount", "systemd:zfs-share", "systemd:zfs-zed", "zpool-cache"));
  for (const StackCheck& c : checks) {
    if (c.name == "zfs-fuse") {
      EXPECT_EQ(c.level, Level::kNotApplicable);
      continue;
    }
    EXPECT_EQ(c.level, Level::kOk) << c.name << ": " << c.evidence;
    EXPECT_EQ(c.fix, "") << c.name;
    EXPECT_NE(c.evidence, "") << c.name;
    EXPECT_EQ(c.evidence.find('\n'), std::string::npos) << c.name;
  }
  EXPECT_EQ(WorstLevel(checks), Level::kOk);
  EXPECT_EQ(Get(checks, "zfs-module-loaded").evidence, "zfs module 2.1.11-1 loaded");
  EXPECT_EQ(Get(checks, "zfs-module-installed:6.1.0-18-amd64").evidence,
            "6.1.0-18-amd64 (running, boots next): "
            "/lib/modules/6.1.0-18-amd64/updates/dkms/zfs.ko.xz");
  EXPECT_EQ(Get(checks, "dkms").evidence,
            "dkms zfs: 6.1.0-17-amd64 2.1.11 installed; 6.1.0-18-amd64 2.1.11 installed");
  EXPECT_EQ(Get(checks, "zpool-cache").evidence,
            "/etc/zfs/zpool.cache present (2048 bytes), read by zfs-import-cache");
}

TEST(StackChecksTest, ZfsFuseDaemonRunningMakesKernelChecksNotApplicable) {
  StackFacts f;
  f.running_kernel = "6.18.44-fc-v669";
  f.zfs_fuse_pid = 2242;
  f.zfs_fuse_config = true;
  f.userland_error = "`zfs version` (exit 2): unrecognized command 'version'";
  const std::vector<StackCheck> checks = EvaluateStack(f);
  EXPECT_THAT(Names(checks), ElementsAre("zfs-fuse", "zfs-module-loaded", "zfs-version-match",
                                         "zfs-module-installed", "dkms", "systemd", "zpool-cache"));
  EXPECT_EQ(checks[0].level, Level::kOk);
  EXPECT_EQ(checks[0].evidence, "zfs-fuse daemon running (pid 2242)");
  for (size_t i = 1; i < checks.size(); ++i) {
    EXPECT_EQ(checks[i].level, Level::kNotApplicable) << checks[i].name;
    EXPECT_THAT(checks[i].evidence, HasSubstr("zfs-fuse host"));
  }
  EXPECT_EQ(WorstLevel(checks), Level::kOk);
}

TEST(StackChecksTest, ZfsFuseInstalledButDaemonDownFails) {
  StackFacts f;
  f.running_kernel = "6.18.44-fc-v669";
  f.zfs_fuse_config = true;
  const std::vector<StackCheck> checks = EvaluateStack(f);
  EXPECT_EQ(checks[0].level, Level::kFail);
  EXPECT_THAT(checks[0].evidence, HasSubstr("daemon is not running"));
  EXPECT_THAT(checks[0].fix, HasSubstr("systemctl start zfs-fuse"));
  EXPECT_EQ(Get(checks, "zfs-module-loaded").level, Level::kNotApplicable);
  EXPECT_EQ(WorstLevel(checks), Level::kFail);
}

TEST(StackChecksTest, ZfsrcOnKernelHostIsNotAFuseHost) {
  StackFacts f = Healthy();
  f.zfs_fuse_config = true;  // left over from an old zfs-fuse install
  EXPECT_EQ(Eval(f, "zfs-fuse").level, Level::kNotApplicable);
  EXPECT_EQ(Eval(f, "zfs-module-loaded").level, Level::kOk);

  f.module_loaded = false;  // not loaded, but the running kernel has a module: kernel host
  EXPECT_EQ(Eval(f, "zfs-fuse").level, Level::kNotApplicable);
  EXPECT_EQ(Eval(f, "zfs-module-loaded").level, Level::kFail);
}

TEST(StackChecksTest, ZfsFuseBesideTheKernelModule) {
  StackFacts f = Healthy();
  f.zfs_fuse_pid = 99;
  EXPECT_EQ(Eval(f, "zfs-fuse").evidence,
            "zfs-fuse daemon running (pid 99) beside the zfs kernel module");
  EXPECT_EQ(Eval(f, "dkms").level, Level::kOk);  // kernel checks still run
}

TEST(StackChecksTest, ModuleNotLoaded) {
  StackFacts f = Healthy();
  f.module_loaded = false;
  f.module_version.reset();
  StackCheck c = Eval(f, "zfs-module-loaded");
  EXPECT_EQ(c.level, Level::kFail);
  EXPECT_THAT(c.evidence, HasSubstr("not loaded"));
  EXPECT_THAT(c.fix, HasSubstr("modprobe zfs"));
  EXPECT_THAT(Eval(f, "zfs-version-match").evidence,
              HasSubstr("no kernel module loaded to compare with"));
  EXPECT_EQ(Eval(f, "zfs-version-match").level, Level::kNotApplicable);

  f.module_files.erase(kCur);  // and the running kernel has none: name the build
  c = Eval(f, "zfs-module-loaded");
  EXPECT_EQ(c.fix,
            "no zfs module for the running kernel 6.1.0-18-amd64: run `dkms install "
            "zfs/2.1.11 -k 6.1.0-18-amd64` or install the matching kmod, then `modprobe zfs`");
}

TEST(StackChecksTest, LoadedModuleWithoutVersion) {
  StackFacts f = Healthy();
  f.module_version.reset();
  EXPECT_EQ(Eval(f, "zfs-module-loaded").evidence, "zfs module loaded (it reports no version)");
  EXPECT_THAT(Eval(f, "zfs-version-match").evidence,
              HasSubstr("the loaded module reports no version"));
}

TEST(StackChecksTest, VersionMatch) {
  StackFacts f = Healthy();
  f.userland_version.reset();
  f.userland_error = "`zfs version` (exit 2): unrecognized command 'version'";
  StackCheck c = Eval(f, "zfs-version-match");
  EXPECT_EQ(c.level, Level::kNotApplicable);
  EXPECT_EQ(c.evidence,
            "userland version unknown: `zfs version` (exit 2): unrecognized command 'version'");

  f.userland_version = "2.1.12-1";
  c = Eval(f, "zfs-version-match");
  EXPECT_EQ(c.level, Level::kWarn);
  EXPECT_EQ(c.evidence, "userland 2.1.12-1 but kernel module 2.1.11-1");
  EXPECT_THAT(c.fix, HasSubstr("reboot"));

  f.userland_version = "2.1.11-1ubuntu2";  // same release, other packaging revision
  EXPECT_EQ(Eval(f, "zfs-version-match").level, Level::kOk);
}

TEST(StackChecksTest, NewestKernelWithoutModuleFailsWithTheFix) {
  StackFacts f = Healthy();
  f.installed_kernels.push_back("6.1.0-19-amd64");  // installed by the last upgrade
  const std::vector<StackCheck> checks = EvaluateStack(f);
  StackCheck c = Get(checks, "zfs-module-installed:6.1.0-19-amd64");
  EXPECT_EQ(c.level, Level::kFail);
  EXPECT_EQ(c.evidence,
            "6.1.0-19-amd64 (boots next): no zfs module under "
            "/lib/modules/6.1.0-19-amd64");
  EXPECT_EQ(c.fix,
            "pools will not import after reboot; run `dkms install zfs/2.1.11 -k "
            "6.1.0-19-amd64` or install the matching kmod");
  EXPECT_EQ(Get(checks, "zfs-module-installed:6.1.0-18-amd64").evidence,
            "6.1.0-18-amd64 (running): /lib/modules/6.1.0-18-amd64/updates/dkms/zfs.ko.xz");
  StackCheck dkms = Get(checks, "dkms");
  EXPECT_EQ(dkms.level, Level::kWarn);
  EXPECT_THAT(dkms.evidence, HasSubstr("6.1.0-19-amd64 not built"));
  EXPECT_EQ(dkms.fix, "run `dkms install zfs/2.1.11 -k 6.1.0-19-amd64`");
  EXPECT_EQ(WorstLevel(checks), Level::kFail);
}

TEST(StackChecksTest, OlderKernelWithoutModuleWarns) {
  StackFacts f = Healthy();
  f.module_files.erase(kOld);
  StackCheck c = Eval(f, "zfs-module-installed:6.1.0-17-amd64");
  EXPECT_EQ(c.level, Level::kWarn);
  EXPECT_THAT(c.evidence, HasSubstr("booting it leaves pools unimported"));
  EXPECT_THAT(c.fix, HasSubstr("or remove that kernel"));
}

TEST(StackChecksTest, RunningOlderKernelWithoutModuleFile) {
  StackFacts f = Healthy();
  f.running_kernel = kOld;  // the machine has not rebooted into the newest kernel
  f.module_files.erase(kOld);
  StackCheck c = Eval(f, "zfs-module-installed:6.1.0-17-amd64");
  EXPECT_EQ(c.level, Level::kWarn);  // loaded already; the file is gone
  EXPECT_EQ(c.evidence,
            "6.1.0-17-amd64 (running): no zfs module under "
            "/lib/modules/6.1.0-17-amd64");
  f.module_loaded = false;
  EXPECT_EQ(Eval(f, "zfs-module-installed:6.1.0-17-amd64").level, Level::kFail);
}

TEST(StackChecksTest, KernelListEdges) {
  StackFacts f = Healthy();
  f.running_kernel = "6.1.0-9-amd64";  // running, but its package was removed
  f.module_files["6.1.0-9-amd64"] = "/lib/modules/6.1.0-9-amd64/extra/zfs.ko";
  std::vector<std::string> names = Names(EvaluateStack(f));
  EXPECT_THAT(
      std::vector<std::string>(names.begin() + 3, names.begin() + 6),
      ElementsAre("zfs-module-installed:6.1.0-9-amd64", "zfs-module-installed:6.1.0-17-amd64",
                  "zfs-module-installed:6.1.0-18-amd64"));

  StackFacts none = Healthy();
  none.installed_kernels.clear();
  none.running_kernel.clear();
  StackCheck c = Eval(none, "zfs-module-installed");
  EXPECT_EQ(c.level, Level::kNotApplicable);

  StackFacts only_running = Healthy();  // e.g. a container: no /boot, no /lib/modules
  only_running.installed_kernels.clear();
  only_running.module_files.clear();
  c = Eval(only_running, "zfs-module-installed:6.1.0-18-amd64");
  EXPECT_EQ(c.level, Level::kFail);
  EXPECT_THAT(c.evidence, HasSubstr("(running, boots next)"));
}

TEST(StackChecksTest, FixVersionFallsBackThroughWhatIsKnown) {
  StackFacts f = Healthy();
  f.installed_kernels.push_back("6.1.0-19-amd64");
  f.dkms = {{"2.1.9", kOld, "installed"}, {"2.1.11", kCur, "installed"}, {"2.1.10", kCur, "built"}};
  f.userland_version = "2.1.10-2";
  const std::string name = "zfs-module-installed:6.1.0-19-amd64";
  EXPECT_THAT(Eval(f, name).fix, HasSubstr("zfs/2.1.10 -k"));  // matches the userland
  f.userland_version = "2.2.0-1";
  EXPECT_THAT(Eval(f, name).fix, HasSubstr("zfs/2.1.11 -k"));  // newest dkms has
  f.dkms.clear();
  EXPECT_THAT(Eval(f, name).fix, HasSubstr("zfs/2.2.0 -k"));  // the userland's release
  f.userland_version.reset();
  EXPECT_THAT(Eval(f, name).fix, HasSubstr("zfs/2.1.11 -k"));  // the module's
  f.module_version.reset();
  EXPECT_THAT(Eval(f, name).fix, HasSubstr("zfs/VER -k"));
}

TEST(StackChecksTest, Dkms) {
  StackFacts f = Healthy();
  f.dkms_available = false;
  EXPECT_EQ(Eval(f, "dkms").level, Level::kNotApplicable);
  EXPECT_THAT(Eval(f, "dkms").evidence, HasSubstr("dkms not installed"));

  f = Healthy();
  f.dkms_error = "exit 1: Error! Could not locate dkms.conf";
  EXPECT_EQ(Eval(f, "dkms").level, Level::kWarn);
  EXPECT_EQ(Eval(f, "dkms").evidence,
            "`dkms status zfs` failed: exit 1: Error! Could not locate dkms.conf");

  f = Healthy();
  f.dkms.clear();
  EXPECT_EQ(Eval(f, "dkms").level, Level::kNotApplicable);

  f = Healthy();  // built only, and no module file for either kernel
  f.dkms = {{"2.1.11", kOld, "built"}};
  f.module_files.clear();
  StackCheck c = Eval(f, "dkms");
  EXPECT_EQ(c.level, Level::kWarn);
  EXPECT_EQ(c.evidence, "dkms zfs: 6.1.0-17-amd64 2.1.11 built; 6.1.0-18-amd64 not built");
  EXPECT_EQ(c.fix,
            "run `dkms install zfs/2.1.11 -k KERNEL` for 6.1.0-17-amd64, "
            "6.1.0-18-amd64");

  f = Healthy();  // a kmod provides the module where dkms has not built: fine
  f.dkms = {{"2.1.11", kCur, "installed"}};
  EXPECT_EQ(Eval(f, "dkms").level, Level::kOk);

  f = Healthy();
  f.dkms[1].state = "installed (WARNING! Diff between built and installed module!)";
  EXPECT_EQ(Eval(f, "dkms").level, Level::kWarn);

  f = Healthy();  // an installed entry wins over a built one for the same kernel
  f.dkms.push_back({"2.1.12", kCur, "built"});
  EXPECT_EQ(Eval(f, "dkms").level, Level::kOk);
}

TEST(StackChecksTest, SystemdNotRunning) {
  StackFacts f = Healthy();
  f.systemd = false;
  f.units.clear();
  const std::vector<StackCheck> checks = EvaluateStack(f);
  StackCheck c = Get(checks, "systemd");
  EXPECT_EQ(c.level, Level::kNotApplicable);
  EXPECT_EQ(c.evidence, "systemd is not running (no /run/systemd/system)");
  EXPECT_EQ(Get(checks, "zpool-cache").evidence, "/etc/zfs/zpool.cache present (2048 bytes)");
  f.zpool_cache_size.reset();
  EXPECT_EQ(Eval(f, "zpool-cache").level, Level::kNotApplicable);
}

struct UnitCase {
  std::string unit, enabled, active, error;
  Level want;
  std::string evidence_has, fix_has;
};

TEST(StackChecksTest, UnitTable) {
  const std::vector<UnitCase> cases = {
      {"zfs-zed", "enabled", "failed", "", Level::kFail, "zfs-zed: enabled, failed",
       "journalctl -b -u zfs-zed"},
      {"zfs-import-cache", "enabled", "failed", "", Level::kFail, "failed", "restart"},
      {"zfs-zed", "", "", "systemctl is-enabled: timed out", Level::kWarn, "timed out",
       "systemctl status zfs-zed"},
      {"zfs-zed", "not-found", "inactive", "", Level::kWarn, "zfs-zed.service is not installed",
       "zfs-zed"},
      {"zfs-zed", "masked", "inactive", "", Level::kWarn, "masked", "systemctl unmask zfs-zed"},
      {"zfs-mount", "disabled", "inactive", "", Level::kWarn, "disabled",
       "systemctl enable --now zfs-mount"},
      {"zfs-share", "enabled", "inactive", "", Level::kWarn, "enabled, inactive",
       "systemctl start zfs-share"},
      {"zfs-zed", "enabled", "activating", "", Level::kOk, "activating", ""},
      {"zfs-mount", "static", "active", "", Level::kOk, "static", ""},
      {"zfs-import-cache", "enabled", "inactive", "", Level::kOk, "enabled, inactive", ""},
      {"zfs-import-scan", "disabled", "inactive", "", Level::kOk,
       "pools import through zfs-import-cache", ""},
  };
  for (const UnitCase& c : cases) {
    StackFacts f = Healthy();
    Unit(f, c.unit) = UnitState{c.unit, c.enabled, c.active, c.error};
    StackCheck got = Eval(f, "systemd:" + c.unit);
    EXPECT_EQ(got.level, c.want) << c.unit << " " << c.enabled << " " << c.active;
    EXPECT_THAT(got.evidence, HasSubstr(c.evidence_has)) << c.unit;
    EXPECT_THAT(got.fix, HasSubstr(c.fix_has)) << c.unit;
    if (c.want == Level::kOk) {
      EXPECT_EQ(got.fix, "") << c.unit;
    }
  }
}

TEST(StackChecksTest, ImportThroughScanOnlyOrNeither) {
  StackFacts f = Healthy();
  Unit(f, "zfs-import-cache") = {"zfs-import-cache", "disabled", "inactive", ""};
  Unit(f, "zfs-import-scan") = {"zfs-import-scan", "enabled", "active", ""};
  f.zpool_cache_size.reset();
  std::vector<StackCheck> checks = EvaluateStack(f);
  EXPECT_EQ(Get(checks, "systemd:zfs-import-cache").level, Level::kOk);
  EXPECT_THAT(Get(checks, "systemd:zfs-import-cache").evidence,
              HasSubstr("pools import through zfs-import-scan"));
  EXPECT_EQ(Get(checks, "zpool-cache").level, Level::kNotApplicable);
  EXPECT_EQ(Get(checks, "zpool-cache").evidence,
            "/etc/zfs/zpool.cache absent; zfs-import-cache not in use");

  Unit(f, "zfs-import-scan") = {"zfs-import-scan", "masked", "inactive", ""};
  checks = EvaluateStack(f);
  for (const std::string unit : {"zfs-import-cache", "zfs-import-scan"}) {
    StackCheck c = Get(checks, "systemd:" + unit);
    EXPECT_EQ(c.level, Level::kFail) << unit;
    EXPECT_THAT(c.evidence, HasSubstr("pools will not import at boot")) << unit;
    EXPECT_THAT(c.fix, HasSubstr("systemctl enable zfs-import-cache")) << unit;
  }
}

TEST(StackChecksTest, ZpoolCache) {
  StackFacts f = Healthy();
  f.zpool_cache_size.reset();
  StackCheck c = Eval(f, "zpool-cache");
  EXPECT_EQ(c.level, Level::kFail);
  EXPECT_EQ(c.evidence,
            "zfs-import-cache is enabled but /etc/zfs/zpool.cache is missing: "
            "pools will not import at boot");
  EXPECT_EQ(c.fix,
            "`zpool set cachefile=/etc/zfs/zpool.cache POOL` for every pool (or use "
            "zfs-import-scan instead)");
  f.zpool_cache_size = 0;
  EXPECT_THAT(Eval(f, "zpool-cache").evidence, HasSubstr("is empty"));

  f = Healthy();  // import-cache off, cache kept anyway
  Unit(f, "zfs-import-cache") = {"zfs-import-cache", "disabled", "inactive", ""};
  Unit(f, "zfs-import-scan") = {"zfs-import-scan", "enabled", "active", ""};
  EXPECT_EQ(Eval(f, "zpool-cache").level, Level::kOk);

  f = Healthy();  // systemctl could not say: do not claim the cache is required
  Unit(f, "zfs-import-cache") = {"zfs-import-cache", "", "", "systemctl is-enabled: boom"};
  f.zpool_cache_size.reset();
  EXPECT_EQ(Eval(f, "zpool-cache").level, Level::kNotApplicable);
}

TEST(StackChecksTest, LevelNamesAndWorst) {
  EXPECT_EQ(LevelName(Level::kOk), "ok");
  EXPECT_EQ(LevelName(Level::kWarn), "warn");
  EXPECT_EQ(LevelName(Level::kFail), "fail");
  EXPECT_EQ(LevelName(Level::kNotApplicable), "n/a");
  EXPECT_EQ(WorstLevel({}), Level::kNotApplicable);
  std::vector<StackCheck> checks = {{"a", Level::kNotApplicable, "", ""},
                                    {"b", Level::kOk, "", ""}};
  EXPECT_EQ(WorstLevel(checks), Level::kOk);
  checks.push_back({"c", Level::kWarn, "", ""});
  EXPECT_EQ(WorstLevel(checks), Level::kWarn);
  checks.push_back({"d", Level::kFail, "", ""});
  checks.push_back({"e", Level::kOk, "", ""});
  EXPECT_EQ(WorstLevel(checks), Level::kFail);
}

}  // namespace
}  // namespace zfleet::agent
