// How often and when a pool may be scrubbed: disk classes with their intervals and weekly
// windows, what happens at a window's end, the pool states never scrubbed, and the rule for
// when a pool is due. Plain data and
// pure functions shared by the controller's scheduler (controller/schedule/) and an agent
// acting alone while its controller is away (agent/autonomy/), so both keep one cadence.
#ifndef ZFLEET_SCHEDULE_POLICY_SCRUB_CADENCE_H_
#define ZFLEET_SCHEDULE_POLICY_SCRUB_CADENCE_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "schedule_policy/scrub_window.h"

namespace zfleet {

// The disk classes of docs/DESIGN.md. A pool takes the class of its most demanding disk.
enum class DiskClass : uint8_t { kSata, kScsi, kUsb, kUnknown, kSas, kFc, kNvme, kVirtual };
inline constexpr int kDiskClassCount = 8;

// "sata", "sas", ... (the names used in controller.toml, the wire and fleet.json).
absl::string_view DiskClassName(DiskClass c);
// Exact lower-case name → class; nullopt for anything else.
std::optional<DiskClass> ParseDiskClass(absl::string_view name);
// Like ParseDiskClass but maps empty and unknown names to kUnknown (for agent reports).
DiskClass DiskClassOrUnknown(absl::string_view name);

struct ClassPolicy {
  absl::Duration interval = absl::Hours(24 * 7);
  ScrubWindows windows;  // default: always open
  // How fast a whole pool of this class scrubs, for planning a scrub that has no history
  // yet: its expected duration is allocated bytes / this (controller.toml scrub_mb_per_s).
  double scrub_bytes_per_s = 200e6;
};

// What happens to a scrub started by the cadence that still runs when its class's window
// closes.
enum class WindowEndAction : uint8_t {
  kPause,     // `zpool scrub -p`; hosts whose zpool cannot pause continue instead
  kStop,      // `zpool scrub -s`; the pool stays due and starts over in a later window
  kContinue,  // let it run to the end
};
absl::string_view WindowEndActionName(WindowEndAction a);  // "pause", "stop", "continue"
std::optional<WindowEndAction> ParseWindowEndAction(absl::string_view name);

// Defaults: sata, scsi, usb, unknown every 7d; sas, fc, nvme, virtual every 30d;
// every window always open; scrubs at 200 MB/s (sas, fc: 400 MB/s; nvme: 1.5 GB/s).
std::array<ClassPolicy, kDiskClassCount> DefaultClassPolicies();

// The cadence part of a scheduling policy. Copyable value type; thread-compatible.
struct ScrubCadence {
  // Pool states (as `zpool status` prints them) on which no scrub is started.
  std::vector<std::string> skip_states = {"DEGRADED", "FAULTED", "UNAVAIL", "SUSPENDED"};
  std::string timezone_name = "UTC";
  absl::TimeZone timezone = absl::UTCTimeZone();  // windows are read in this zone
  std::array<ClassPolicy, kDiskClassCount> classes = DefaultClassPolicies();
  WindowEndAction at_window_end = WindowEndAction::kPause;

  const ClassPolicy& For(DiskClass c) const { return classes[static_cast<int>(c)]; }
  // True when no scrub starts on a pool in `state` (an entry of skip_states).
  bool Skips(absl::string_view state) const;
  // True when class `c` may scrub at `t`.
  bool WindowOpen(DiskClass c, absl::Time t) const { return For(c).windows.IsOpenAt(t, timezone); }
};

// The class a pool with disks of `classes` (names, as model's ScrubClasses gives them) is
// scrubbed by: the one with the shortest interval under `cadence` (the first of equals);
// kUnknown when `classes` is empty. Unknown names count as kUnknown.
DiskClass ShortestIntervalClass(const std::vector<std::string>& classes,
                                const ScrubCadence& cadence);

// What the due rule knows of one pool. Borrows the names, which must outlive it.
struct PoolScrubHistory {
  absl::string_view host_id;
  absl::string_view pool;
  // The last scrub that completed (not canceled); both unset = never scrubbed.
  std::optional<absl::Time> last_scrub_start;
  std::optional<absl::Time> last_scrub_end;
  absl::Time first_seen = absl::UnixEpoch();  // anchors a never-scrubbed pool's first due time
};

// When a pool scrubbed every `interval` is due: the start of its last completed scrub +
// interval (the end when the start is unknown), so the cadence runs start to start and a
// long scrub does not push every later one back. A never-scrubbed pool is due at
// first_seen + SpreadOffset(host, pool, interval), which spreads a new fleet over its first
// interval the same way on every run, in the controller, the simulator and the agent.
absl::Time ScrubDueTime(const PoolScrubHistory& pool, absl::Duration interval);

// The first-interval offset of a never-scrubbed pool: FNV-1a("host/pool") mod interval.
absl::Duration SpreadOffset(absl::string_view host_id, absl::string_view pool_name,
                            absl::Duration interval);

}  // namespace zfleet

#endif  // ZFLEET_SCHEDULE_POLICY_SCRUB_CADENCE_H_
