#include "agent/stack/stack_checks.h"

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace zfleet::agent {
namespace {

using Level = StackCheck::Level;

StackCheck Check(std::string name, Level level, std::string evidence, std::string fix = "") {
  return StackCheck{std::move(name), level, std::move(evidence), std::move(fix)};
}

// A zfs-fuse host serves ZFS from a daemon: kernel, dkms and unit checks do not apply.
bool IsFuseHost(const StackFacts& f) {
  if (f.module_loaded) return false;
  if (f.zfs_fuse_pid.has_value()) return true;
  return f.zfs_fuse_config && !f.module_files.contains(f.running_kernel);
}

// "2.1.11-1ubuntu1" → "2.1.11": packaging revisions of one release are compatible.
absl::string_view Upstream(absl::string_view version) {
  return version.substr(0, version.find('-'));
}

std::vector<std::string> KernelsToCheck(const StackFacts& f) {
  std::vector<std::string> kernels = f.installed_kernels;
  if (!f.running_kernel.empty() &&
      std::find(kernels.begin(), kernels.end(), f.running_kernel) == kernels.end()) {
    kernels.push_back(f.running_kernel);
    std::sort(kernels.begin(), kernels.end(), [](const std::string& a, const std::string& b) {
      return CompareKernelVersions(a, b) < 0;
    });
  }
  return kernels;
}

// The kernel the machine boots next: the newest installed one, as the boot loader picks.
std::string BootsNext(const StackFacts& f) {
  return f.installed_kernels.empty() ? f.running_kernel : f.installed_kernels.back();
}

// The zfs version to name in a `dkms install` fix.
std::string FixVersion(const StackFacts& f) {
  std::string best;
  for (const DkmsEntry& e : f.dkms) {
    if (f.userland_version.has_value() && e.version == Upstream(*f.userland_version)) {
      return e.version;
    }
    if (best.empty() || CompareKernelVersions(e.version, best) > 0) best = e.version;
  }
  if (!best.empty()) return best;
  if (f.userland_version.has_value()) return std::string(Upstream(*f.userland_version));
  if (f.module_version.has_value()) return std::string(Upstream(*f.module_version));
  return "VER";
}

std::string InstallFix(const StackFacts& f, const std::string& kernel) {
  return absl::StrCat("run `dkms install zfs/", FixVersion(f), " -k ", kernel,
                      "` or install the matching kmod");
}

StackCheck FuseCheck(const StackFacts& f, bool fuse_host) {
  if (f.zfs_fuse_pid.has_value()) {
    return Check("zfs-fuse", Level::kOk,
                 absl::StrCat("zfs-fuse daemon running (pid ", *f.zfs_fuse_pid, ")",
                              f.module_loaded ? " beside the zfs kernel module" : ""));
  }
  if (fuse_host) {
    return Check("zfs-fuse", Level::kFail,
                 "zfs-fuse is installed (/etc/zfs/zfsrc) but its daemon is not running",
                 "start it: `systemctl start zfs-fuse` (or `/etc/init.d/zfs-fuse start`)");
  }
  return Check("zfs-fuse", Level::kNotApplicable, "no zfs-fuse daemon (kernel ZFS host)");
}

StackCheck ModuleLoadedCheck(const StackFacts& f) {
  if (f.module_loaded) {
    return Check("zfs-module-loaded", Level::kOk,
                 f.module_version.has_value()
                     ? absl::StrCat("zfs module ", *f.module_version, " loaded")
                     : "zfs module loaded (it reports no version)");
  }
  std::string fix = "run `modprobe zfs` (read `dmesg` if it fails), then `zpool import -a`";
  if (!f.running_kernel.empty() && !f.module_files.contains(f.running_kernel)) {
    fix = absl::StrCat("no zfs module for the running kernel ", f.running_kernel, ": ",
                       InstallFix(f, f.running_kernel), ", then `modprobe zfs`");
  }
  return Check("zfs-module-loaded", Level::kFail,
               "zfs kernel module not loaded (no /sys/module/zfs, not in /proc/modules)", fix);
}

StackCheck VersionCheck(const StackFacts& f) {
  const std::string name = "zfs-version-match";
  if (!f.userland_version.has_value()) {
    return Check(name, Level::kNotApplicable,
                 absl::StrCat("userland version unknown: ", f.userland_error));
  }
  if (!f.module_version.has_value()) {
    return Check(name, Level::kNotApplicable,
                 absl::StrCat("userland ", *f.userland_version, "; ",
                              f.module_loaded ? "the loaded module reports no version"
                                              : "no kernel module loaded to compare with"));
  }
  if (Upstream(*f.userland_version) == Upstream(*f.module_version)) {
    return Check(
        name, Level::kOk,
        absl::StrCat("userland ", *f.userland_version, ", kernel module ", *f.module_version));
  }
  return Check(
      name, Level::kWarn,
      absl::StrCat("userland ", *f.userland_version, " but kernel module ", *f.module_version),
      "the loaded module is not the installed one: reboot (or export all pools and "
      "reload zfs); if it persists, install matching zfs userland and module packages");
}

void ModuleFileChecks(const StackFacts& f, std::vector<StackCheck>& out) {
  const std::vector<std::string> kernels = KernelsToCheck(f);
  if (kernels.empty()) {
    out.push_back(Check("zfs-module-installed", Level::kNotApplicable,
                        "no kernels under /boot or /lib/modules and the running one unknown"));
    return;
  }
  const std::string next = BootsNext(f);
  for (const std::string& k : kernels) {
    std::vector<std::string> tags;
    if (k == f.running_kernel) tags.push_back("running");
    if (k == next) tags.push_back("boots next");
    const std::string label =
        tags.empty() ? k : absl::StrCat(k, " (", absl::StrJoin(tags, ", "), ")");
    const std::string name = "zfs-module-installed:" + k;
    if (auto it = f.module_files.find(k); it != f.module_files.end()) {
      out.push_back(Check(name, Level::kOk, absl::StrCat(label, ": ", it->second)));
    } else if (k == next) {
      out.push_back(Check(name, Level::kFail,
                          absl::StrCat(label, ": no zfs module under /lib/modules/", k),
                          absl::StrCat("pools will not import after reboot; ", InstallFix(f, k))));
    } else if (k == f.running_kernel) {
      out.push_back(Check(name, f.module_loaded ? Level::kWarn : Level::kFail,
                          absl::StrCat(label, ": no zfs module under /lib/modules/", k),
                          absl::StrCat(InstallFix(f, k), ", then `modprobe zfs`")));
    } else {
      out.push_back(Check(name, Level::kWarn,
                          absl::StrCat(label,
                                       ": no zfs module; booting it leaves pools "
                                       "unimported"),
                          absl::StrCat(InstallFix(f, k), ", or remove that kernel")));
    }
  }
}

StackCheck DkmsCheck(const StackFacts& f) {
  if (!f.dkms_available) {
    return Check("dkms", Level::kNotApplicable, "dkms not installed (kmod or in-kernel zfs)");
  }
  if (!f.dkms_error.empty()) {
    return Check("dkms", Level::kWarn, absl::StrCat("`dkms status zfs` failed: ", f.dkms_error),
                 "run `dkms status zfs` by hand to see why");
  }
  if (f.dkms.empty()) {
    return Check("dkms", Level::kNotApplicable, "dkms knows no zfs module (kmod or in-kernel)");
  }
  std::vector<std::string> states, problems;
  for (const std::string& k : KernelsToCheck(f)) {
    const DkmsEntry* entry = nullptr;
    for (const DkmsEntry& e : f.dkms) {
      if (e.kernel != k) continue;
      if (entry == nullptr || absl::StartsWith(e.state, "installed")) entry = &e;
    }
    const std::string state = entry == nullptr ? "not built" : entry->state;
    states.push_back(absl::StrCat(k, " ", entry == nullptr ? "" : entry->version + " ", state));
    const bool installed = absl::StartsWith(state, "installed");
    if ((!installed && !f.module_files.contains(k)) || absl::StrContains(state, "WARNING")) {
      problems.push_back(k);
    }
  }
  const std::string evidence = absl::StrCat("dkms zfs: ", absl::StrJoin(states, "; "));
  if (problems.empty()) return Check("dkms", Level::kOk, evidence);
  const std::string fix =
      problems.size() == 1
          ? absl::StrCat("run `dkms install zfs/", FixVersion(f), " -k ", problems[0], "`")
          : absl::StrCat("run `dkms install zfs/", FixVersion(f), " -k KERNEL` for ",
                         absl::StrJoin(problems, ", "));
  return Check("dkms", Level::kWarn, evidence, fix);
}

bool IsOn(absl::string_view enabled) {
  return enabled == "enabled" || enabled == "enabled-runtime" || enabled == "static" ||
         enabled == "indirect" || enabled == "generated" || enabled == "alias";
}

const UnitState* FindUnit(const StackFacts& f, absl::string_view name) {
  for (const UnitState& u : f.units) {
    if (u.name == name) return &u;
  }
  return nullptr;
}

StackCheck UnitCheck(const StackFacts& f, const UnitState& u) {
  const std::string name = "systemd:" + u.name;
  const std::string state = absl::StrCat(u.name, ": ", u.enabled, ", ", u.active);
  if (!u.error.empty()) {
    return Check(name, Level::kWarn, absl::StrCat(u.name, ": ", u.error),
                 absl::StrCat("run `systemctl status ", u.name, "` to see why"));
  }
  if (u.active == "failed") {
    return Check(name, Level::kFail, state,
                 absl::StrCat("read `systemctl status ", u.name, "` and `journalctl -b -u ", u.name,
                              "`, fix the cause, then `systemctl restart ", u.name, "`"));
  }
  if (u.enabled == "not-found") {
    return Check(name, Level::kWarn, absl::StrCat(u.name, ".service is not installed"),
                 "install the OpenZFS package that ships it (zfsutils-linux, zfs-zed or zfs)");
  }
  const bool import_unit = absl::StartsWith(u.name, "zfs-import-");
  if (import_unit) {
    // zpool.cache decides which of the two runs (ConditionFileNotEmpty), so either being
    // enabled is enough and "inactive" is normal.
    if (IsOn(u.enabled)) return Check(name, Level::kOk, state);
    const std::string other = u.name == "zfs-import-cache" ? "zfs-import-scan" : "zfs-import-cache";
    const UnitState* peer = FindUnit(f, other);
    if (peer != nullptr && IsOn(peer->enabled)) {
      return Check(name, Level::kOk, absl::StrCat(state, "; pools import through ", other));
    }
    return Check(name, Level::kFail,
                 absl::StrCat(state, ", and ", other,
                              " is not enabled either: pools will not import at boot"),
                 "`systemctl enable zfs-import-cache` (or zfs-import-scan where no cache "
                 "file is kept)");
  }
  if (u.enabled == "masked") {
    return Check(
        name, Level::kWarn, state,
        absl::StrCat("`systemctl unmask ", u.name, " && systemctl enable --now ", u.name, "`"));
  }
  if (!IsOn(u.enabled)) {
    return Check(name, Level::kWarn, state, absl::StrCat("`systemctl enable --now ", u.name, "`"));
  }
  if (u.active == "active" || u.active == "activating" || u.active == "reloading") {
    return Check(name, Level::kOk, state);
  }
  return Check(name, Level::kWarn, state, absl::StrCat("`systemctl start ", u.name, "`"));
}

StackCheck CacheCheck(const StackFacts& f) {
  const std::string& path = f.zpool_cache_path;
  const UnitState* unit = FindUnit(f, "zfs-import-cache");
  const bool used = f.systemd && unit != nullptr && unit->error.empty() && IsOn(unit->enabled);
  const bool present = f.zpool_cache_size.value_or(0) > 0;
  if (used && present) {
    return Check(
        "zpool-cache", Level::kOk,
        absl::StrCat(path, " present (", *f.zpool_cache_size, " bytes), read by zfs-import-cache"));
  }
  if (used) {
    return Check("zpool-cache", Level::kFail,
                 absl::StrCat("zfs-import-cache is enabled but ", path, " is ",
                              f.zpool_cache_size.has_value() ? "empty" : "missing",
                              ": pools will not import at boot"),
                 absl::StrCat("`zpool set cachefile=", path,
                              " POOL` for every pool (or use zfs-import-scan instead)"));
  }
  if (present) {
    return Check("zpool-cache", Level::kOk,
                 absl::StrCat(path, " present (", *f.zpool_cache_size, " bytes)"));
  }
  return Check("zpool-cache", Level::kNotApplicable,
               absl::StrCat(path, " absent; zfs-import-cache not in use"));
}

}  // namespace

absl::string_view LevelName(StackCheck::Level level) {
  switch (level) {
    case Level::kOk:
      return "ok";
    case Level::kWarn:
      return "warn";
    case Level::kFail:
      return "fail";
    case Level::kNotApplicable:
      return "n/a";
  }
  return "n/a";
}

StackCheck::Level WorstLevel(const std::vector<StackCheck>& checks) {
  auto rank = [](Level l) {
    return l == Level::kFail ? 3 : l == Level::kWarn ? 2 : l == Level::kOk ? 1 : 0;
  };
  Level worst = Level::kNotApplicable;
  for (const StackCheck& c : checks) {
    if (rank(c.level) > rank(worst)) worst = c.level;
  }
  return worst;
}

std::vector<StackCheck> EvaluateStack(const StackFacts& facts) {
  const bool fuse_host = IsFuseHost(facts);
  std::vector<StackCheck> out;
  out.push_back(FuseCheck(facts, fuse_host));
  if (fuse_host) {
    const std::string why = "zfs-fuse host: ZFS runs in user space, no kernel module";
    for (const char* name : {"zfs-module-loaded", "zfs-version-match", "zfs-module-installed",
                             "dkms", "systemd", "zpool-cache"}) {
      out.push_back(Check(name, Level::kNotApplicable, why));
    }
    return out;
  }
  out.push_back(ModuleLoadedCheck(facts));
  out.push_back(VersionCheck(facts));
  ModuleFileChecks(facts, out);
  out.push_back(DkmsCheck(facts));
  if (!facts.systemd) {
    out.push_back(
        Check("systemd", Level::kNotApplicable, "systemd is not running (no /run/systemd/system)"));
  } else {
    for (const UnitState& unit : facts.units) out.push_back(UnitCheck(facts, unit));
  }
  out.push_back(CacheCheck(facts));
  return out;
}

std::vector<StackCheck> RunStackChecks(const StackPaths& paths, const StackCommands& commands,
                                       const CommandRunner& runner) {
  return EvaluateStack(ProbeStack(paths, commands, runner));
}

v1::StackCheck StackCheckToProto(const StackCheck& check) {
  v1::StackCheck out;
  out.set_name(check.name);
  out.set_level(std::string(LevelName(check.level)));
  out.set_evidence(check.evidence);
  out.set_fix(check.fix);
  return out;
}

}  // namespace zfleet::agent
