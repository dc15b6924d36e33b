// Gathers what the ZFS stack checks judge: kernels and their zfs modules, the loaded
// module, userland version, dkms, systemd units, zpool.cache and a zfs-fuse daemon. Every
// root and command is injected so tests run on fixture trees with a fake CommandRunner.
// Collection never fails as a whole: what cannot be read is recorded as unknown or as an
// error string, and the checks (stack_checks.h) turn that into evidence.
#ifndef ZFLEET_AGENT_STACK_STACK_PROBE_H_
#define ZFLEET_AGENT_STACK_STACK_PROBE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "agent/host/command_runner.h"

namespace zfleet::agent {

struct StackPaths {
  std::string proc_root = "/proc";                // modules, sys/kernel/osrelease, PID/comm
  std::string sys_root = "/sys";                  // module/zfs/version
  std::string lib_modules_root = "/lib/modules";  // KERNEL/{extra,updates,…}/zfs.ko*
  std::string boot_root = "/boot";                // vmlinuz-KERNEL: installed kernels
  std::string etc_root = "/etc";                  // zfs/zpool.cache, zfs/zfsrc
  std::string run_root = "/run";                  // systemd/system: systemd is running
};

struct StackCommands {
  std::string uname = "uname";
  std::string zfs = "zfs";
  std::string zpool = "zpool";  // the agent's --zpool
  std::string dkms = "dkms";
  std::string systemctl = "systemctl";
  absl::Duration timeout = absl::Seconds(15);
};

// The units checked, without ".service", in report order.
inline constexpr const char* kZfsUnits[] = {"zfs-import-cache", "zfs-import-scan", "zfs-mount",
                                            "zfs-share", "zfs-zed"};

// One line of `dkms status zfs`.
struct DkmsEntry {
  std::string version;  // "2.1.11"
  std::string kernel;   // "" for a module only added
  std::string state;    // "installed", "built", "added", "installed (WARNING! …)"
};

struct UnitState {
  std::string name;     // "zfs-zed"
  std::string enabled;  // is-enabled's answer: enabled, disabled, static, masked, not-found…
  std::string active;   // is-active's answer: active, inactive, failed, activating…
  std::string error;    // set when systemctl could not be asked
};

struct StackFacts {
  std::string running_kernel;                       // "" when unknown
  std::vector<std::string> installed_kernels;       // oldest first (version order)
  std::map<std::string, std::string> module_files;  // kernel → zfs.ko* path, when present

  bool module_loaded = false;
  std::optional<std::string> module_version;    // "2.1.11-1"
  std::optional<std::string> userland_version;  // "2.1.11-1"
  std::string userland_error;                   // why it is unknown

  bool dkms_available = false;
  std::vector<DkmsEntry> dkms;
  std::string dkms_error;

  bool systemd = false;
  std::vector<UnitState> units;  // kZfsUnits, when systemd

  std::string zpool_cache_path = "/etc/zfs/zpool.cache";  // as the host names it
  std::optional<uint64_t> zpool_cache_size;               // nullopt when absent

  std::optional<int> zfs_fuse_pid;  // a running zfs-fuse daemon
  bool zfs_fuse_config = false;     // /etc/zfs/zfsrc, which only zfs-fuse ships
};

// Reads the host through `paths` and `runner` (which must outlive the call). Never fails;
// see StackFacts. Runs at most 3 + 2×|kZfsUnits| commands, each bounded by the timeout.
StackFacts ProbeStack(const StackPaths& paths, const StackCommands& commands,
                      const CommandRunner& runner);

// Pure: parses `dkms status [zfs]` in both the dkms 3 ("zfs/2.1.11, K, x86_64: installed")
// and dkms 2 ("zfs, 0.7.12, K, x86_64: installed") layouts; lines of other modules and
// unknown lines are skipped.
std::vector<DkmsEntry> ParseDkmsStatus(absl::string_view text);

// Pure: `zfs version` / `zpool version` output ("zfs-2.1.11-1\nzfs-kmod-2.1.11-1") →
// {userland, kmod}; either is nullopt when its line is missing.
struct ZfsVersions {
  std::optional<std::string> userland;
  std::optional<std::string> kmod;
};
ZfsVersions ParseZfsVersion(absl::string_view text);

// Pure: orders kernel release strings as `sort -V` does ("6.1.0-9-amd64" < "6.1.0-18-amd64").
// Returns <0, 0 or >0.
int CompareKernelVersions(absl::string_view a, absl::string_view b);

}  // namespace zfleet::agent

#endif  // ZFLEET_AGENT_STACK_STACK_PROBE_H_
