#include "agent/stack/stack_probe.h"

#include <sys/stat.h>

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "agent/host/sysfs_reader.h"

namespace zfleet::agent {
namespace {

// Where distributions put an out-of-tree or in-tree zfs module below /lib/modules/KERNEL:
// dkms (updates/dkms, extra), kABI kmods (extra, weak-updates), Ubuntu (kernel/zfs).
constexpr const char* kModuleDirs[] = {
    "updates",       "extra",        "weak-updates", "kernel/zfs",
    "kernel/fs/zfs", "kernel/extra", "misc",         "zfs"};
constexpr const char* kModuleNames[] = {"zfs.ko", "zfs.ko.xz", "zfs.ko.zst", "zfs.ko.gz"};
constexpr int kModuleSearchDepth = 4;

std::string FirstLine(absl::string_view text) {
  std::pair<absl::string_view, absl::string_view> split = absl::StrSplit(text, '\n');
  return TrimAttribute(split.first);
}

std::optional<std::string> FindModule(const RootedDir& modules, const std::string& dir, int depth) {
  for (const std::string& name : modules.List(dir)) {
    const std::string child = absl::StrCat(dir, "/", name);
    if (std::find(std::begin(kModuleNames), std::end(kModuleNames), name) !=
        std::end(kModuleNames)) {
      if (modules.Exists(child)) return child;  // a dangling weak-updates link is no module
      continue;
    }
    if (depth > 0) {
      if (std::optional<std::string> found = FindModule(modules, child, depth - 1)) return found;
    }
  }
  return std::nullopt;
}

std::vector<std::string> InstalledKernels(const RootedDir& boot, const RootedDir& modules) {
  std::set<std::string> kernels;
  for (const std::string& name : boot.List("/boot")) {
    for (absl::string_view prefix : {"vmlinuz-", "vmlinux-"}) {
      if (absl::StartsWith(name, prefix) && name.size() > prefix.size() &&
          !absl::EndsWith(name, ".old")) {
        kernels.insert(name.substr(prefix.size()));
      }
    }
  }
  // A kernel package owns KERNEL/kernel (and, on Fedora and Arch, KERNEL/vmlinuz); a dir
  // left with only dkms leftovers is not an installed kernel.
  for (const std::string& name : modules.List(modules.mount())) {
    const std::string dir = absl::StrCat(modules.mount(), "/", name);
    if (modules.Exists(dir + "/kernel") || modules.Exists(dir + "/vmlinuz")) {
      kernels.insert(name);
    }
  }
  std::vector<std::string> sorted(kernels.begin(), kernels.end());
  std::sort(sorted.begin(), sorted.end(), [](const std::string& a, const std::string& b) {
    return CompareKernelVersions(a, b) < 0;
  });
  return sorted;
}

std::optional<int> FindZfsFuse(const RootedDir& proc) {
  for (const std::string& name : proc.List("/proc")) {
    int pid = 0;
    if (!absl::SimpleAtoi(name, &pid)) continue;
    if (proc.ReadAttribute(absl::StrCat("/proc/", name, "/comm")) == "zfs-fuse") return pid;
  }
  return std::nullopt;
}

void ProbeVersions(const StackCommands& commands, const CommandRunner& runner, StackFacts& facts) {
  absl::StatusOr<CommandResult> result = runner.Run({commands.zfs, "version"}, commands.timeout);
  std::string tried = absl::StrCat("`", commands.zfs, " version`");
  if (result.status().code() == absl::StatusCode::kNotFound) {
    result = runner.Run({commands.zpool, "version"}, commands.timeout);
    tried = absl::StrCat("`", commands.zpool, " version`");
  }
  if (!result.ok()) {
    facts.userland_error = absl::StrCat(tried, ": ", result.status().message());
    return;
  }
  // Parsed whatever the exit code: without a module, `zfs version` still names the userland.
  ZfsVersions versions = ParseZfsVersion(result->stdout_text);
  facts.userland_version = versions.userland;
  if (!facts.module_version.has_value() && facts.module_loaded) {
    facts.module_version = versions.kmod;
  }
  if (!versions.userland.has_value()) {
    std::string said = FirstLine(result->stderr_text);
    if (said.empty()) said = FirstLine(result->stdout_text);
    facts.userland_error = absl::StrCat(tried, " (exit ", result->exit_code, "): ", said);
  }
}

void ProbeDkms(const StackCommands& commands, const CommandRunner& runner, StackFacts& facts) {
  absl::StatusOr<CommandResult> result =
      runner.Run({commands.dkms, "status", "zfs"}, commands.timeout);
  if (result.status().code() == absl::StatusCode::kNotFound) return;
  facts.dkms_available = true;
  if (!result.ok()) {
    facts.dkms_error = std::string(result.status().message());
  } else if (result->exit_code != 0) {
    facts.dkms_error =
        absl::StrCat("exit ", result->exit_code, ": ", FirstLine(result->stderr_text));
  } else {
    facts.dkms = ParseDkmsStatus(result->stdout_text);
  }
}

UnitState ProbeUnit(const StackCommands& commands, const CommandRunner& runner,
                    const std::string& unit) {
  UnitState state;
  state.name = unit;
  const std::string service = unit + ".service";
  absl::StatusOr<CommandResult> enabled =
      runner.Run({commands.systemctl, "is-enabled", service}, commands.timeout);
  if (!enabled.ok()) {
    state.error = absl::StrCat("systemctl is-enabled: ", enabled.status().message());
    return state;
  }
  state.enabled = FirstLine(enabled->stdout_text);
  if (state.enabled.empty()) {
    // systemd before 250 says nothing on stdout for a unit that does not exist.
    const std::string said = FirstLine(enabled->stderr_text);
    if (absl::StrContains(said, "No such file") || absl::StrContains(said, "not found")) {
      state.enabled = "not-found";
    } else {
      state.error = absl::StrCat("systemctl is-enabled (exit ", enabled->exit_code, "): ", said);
      return state;
    }
  }
  absl::StatusOr<CommandResult> active =
      runner.Run({commands.systemctl, "is-active", service}, commands.timeout);
  if (!active.ok()) {
    state.error = absl::StrCat("systemctl is-active: ", active.status().message());
    return state;
  }
  state.active = FirstLine(active->stdout_text);
  if (state.active.empty()) state.active = "unknown";
  return state;
}

}  // namespace

StackFacts ProbeStack(const StackPaths& paths, const StackCommands& commands,
                      const CommandRunner& runner) {
  const RootedDir proc("/proc", paths.proc_root);
  const RootedDir sys("/sys", paths.sys_root);
  const RootedDir modules("/lib/modules", paths.lib_modules_root);
  const RootedDir boot("/boot", paths.boot_root);
  const RootedDir etc("/etc", paths.etc_root);
  const RootedDir run("/run", paths.run_root);
  StackFacts facts;

  if (std::optional<std::string> release = proc.ReadAttribute("/proc/sys/kernel/osrelease")) {
    facts.running_kernel = *release;
  } else {
    absl::StatusOr<CommandResult> uname = runner.Run({commands.uname, "-r"}, commands.timeout);
    if (uname.ok() && uname->exit_code == 0) facts.running_kernel = FirstLine(uname->stdout_text);
  }
  facts.installed_kernels = InstalledKernels(boot, modules);
  std::vector<std::string> kernels = facts.installed_kernels;
  if (!facts.running_kernel.empty()) kernels.push_back(facts.running_kernel);
  for (const std::string& kernel : kernels) {
    for (const char* dir : kModuleDirs) {
      std::optional<std::string> found =
          FindModule(modules, absl::StrCat("/lib/modules/", kernel, "/", dir), kModuleSearchDepth);
      if (found.has_value()) {
        facts.module_files[kernel] = *found;
        break;
      }
    }
  }

  if (sys.Exists("/sys/module/zfs")) {
    facts.module_loaded = true;
    facts.module_version = sys.ReadAttribute("/sys/module/zfs/version");
  } else if (std::optional<std::string> loaded = proc.ReadBytes("/proc/modules")) {
    for (absl::string_view line : absl::StrSplit(*loaded, '\n')) {
      if (absl::StartsWith(line, "zfs ")) facts.module_loaded = true;
    }
  }
  ProbeVersions(commands, runner, facts);
  ProbeDkms(commands, runner, facts);

  facts.systemd = run.Exists("/run/systemd/system");
  if (facts.systemd) {
    for (const char* unit : kZfsUnits) facts.units.push_back(ProbeUnit(commands, runner, unit));
  }
  absl::StatusOr<std::string> cache = etc.Resolve(facts.zpool_cache_path);
  struct stat st;
  if (cache.ok() && ::stat(etc.HostPath(*cache).c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
    facts.zpool_cache_size = static_cast<uint64_t>(st.st_size);
  }
  facts.zfs_fuse_pid = FindZfsFuse(proc);
  facts.zfs_fuse_config = etc.Exists("/etc/zfs/zfsrc");
  return facts;
}

std::vector<DkmsEntry> ParseDkmsStatus(absl::string_view text) {
  std::vector<DkmsEntry> entries;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipWhitespace())) {
    size_t colon = line.find(": ");
    if (colon == absl::string_view::npos) continue;
    DkmsEntry entry;
    entry.state = TrimAttribute(line.substr(colon + 2));
    std::vector<std::string> fields;
    for (absl::string_view field : absl::StrSplit(line.substr(0, colon), ',')) {
      fields.push_back(TrimAttribute(field));
    }
    std::string name;
    size_t next = 1;
    if (size_t slash = fields[0].find('/'); slash != std::string::npos) {
      name = fields[0].substr(0, slash);  // dkms 3: "zfs/2.1.11"
      entry.version = fields[0].substr(slash + 1);
    } else if (fields.size() >= 2) {
      name = fields[0];  // dkms 2: "zfs, 0.7.12"
      entry.version = fields[1];
      next = 2;
    } else {
      continue;
    }
    if (name != "zfs" || entry.version.empty() || entry.state.empty()) continue;
    if (fields.size() > next) entry.kernel = fields[next];
    entries.push_back(std::move(entry));
  }
  return entries;
}

ZfsVersions ParseZfsVersion(absl::string_view text) {
  ZfsVersions versions;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (absl::StartsWith(line, "zfs-kmod-") && line.size() > 9) {
      versions.kmod = std::string(line.substr(9));
    } else if (absl::StartsWith(line, "zfs-") && line.size() > 4 &&
               absl::ascii_isdigit(static_cast<unsigned char>(line[4]))) {
      versions.userland = std::string(line.substr(4));
    }
  }
  return versions;
}

int CompareKernelVersions(absl::string_view a, absl::string_view b) {
  auto is_digit = [](char c) { return absl::ascii_isdigit(static_cast<unsigned char>(c)); };
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    const bool digits = is_digit(a[i]);
    if (digits != is_digit(b[j])) return digits ? 1 : -1;
    size_t ei = i, ej = j;
    while (ei < a.size() && is_digit(a[ei]) == digits) ++ei;
    while (ej < b.size() && is_digit(b[ej]) == digits) ++ej;
    absl::string_view ra = a.substr(i, ei - i), rb = b.substr(j, ej - j);
    if (digits) {
      while (ra.size() > 1 && ra.front() == '0') ra.remove_prefix(1);
      while (rb.size() > 1 && rb.front() == '0') rb.remove_prefix(1);
      if (ra.size() != rb.size()) return ra.size() < rb.size() ? -1 : 1;
    }
    if (int c = ra.compare(rb); c != 0) return c < 0 ? -1 : 1;
    i = ei;
    j = ej;
  }
  if (i < a.size()) return 1;
  if (j < b.size()) return -1;
  return 0;
}

}  // namespace zfleet::agent
