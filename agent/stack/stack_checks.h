// Judges the ZFS stack of a host: is the module loaded and matching the userland, will the
// next boot find a zfs module, are dkms and the systemd units in the expected state, and,
// on zfs-fuse hosts, is the daemon running. Each check gives a level, one line of evidence
// and the fix. EvaluateStack is pure (facts in, checks out); RunStackChecks adds the probe.
#ifndef ZFLEET_AGENT_STACK_STACK_CHECKS_H_
#define ZFLEET_AGENT_STACK_STACK_CHECKS_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "agent/host/command_runner.h"
#include "agent/stack/stack_probe.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::agent {

struct StackCheck {
  enum Level { kOk, kWarn, kFail, kNotApplicable };

  // Stable identifiers, for scripts and the controller's events:
  //   zfs-fuse, zfs-module-loaded, zfs-version-match,
  //   zfs-module-installed:KERNEL (one per kernel; "zfs-module-installed" when none apply),
  //   dkms, systemd:UNIT (one per kZfsUnits; "systemd" when none apply), zpool-cache.
  std::string name;
  Level level = kOk;
  std::string evidence;  // one line: what was seen
  std::string fix;       // one line: what to do; "" for kOk and kNotApplicable
};

// "ok", "warn", "fail", "n/a".
absl::string_view LevelName(StackCheck::Level level);

// The most severe level among `checks` (fail > warn > ok > n/a); kNotApplicable when empty.
StackCheck::Level WorstLevel(const std::vector<StackCheck>& checks);

// Pure. Always returns, in this order: zfs-fuse, zfs-module-loaded, zfs-version-match, the
// module checks (oldest kernel first), dkms, the unit checks, zpool-cache. On a zfs-fuse
// host (daemon running, no kernel module) the kernel, dkms, unit and cache checks are
// kNotApplicable.
std::vector<StackCheck> EvaluateStack(const StackFacts& facts);

// ProbeStack then EvaluateStack. `runner` must outlive the call.
std::vector<StackCheck> RunStackChecks(const StackPaths& paths, const StackCommands& commands,
                                       const CommandRunner& runner);

// The wire form of a check (level as LevelName).
v1::StackCheck StackCheckToProto(const StackCheck& check);

}  // namespace zfleet::agent

#endif  // ZFLEET_AGENT_STACK_STACK_CHECKS_H_
