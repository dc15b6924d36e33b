// The scheduling policy: disk classes, their cadence and windows, caps and thresholds.
// Plain data; controller_config.cc fills it from controller.toml, tests build it by hand.
#ifndef ZFLEET_CONTROLLER_SCHEDULE_SCHEDULER_POLICY_H_
#define ZFLEET_CONTROLLER_SCHEDULE_SCHEDULER_POLICY_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "controller/schedule/scrub_window.h"

namespace zfleet::controller {

// The disk classes of docs/DESIGN.md. A pool takes the class of its most demanding disk.
enum class DiskClass : uint8_t { kSata, kScsi, kUsb, kUnknown, kSas, kFc, kNvme, kVirtual };
inline constexpr int kDiskClassCount = 8;

// "sata", "sas", ... (the names used in controller.toml, the wire and fleet.json).
absl::string_view DiskClassName(DiskClass c);
// Exact lower-case name → class; nullopt for anything else.
std::optional<DiskClass> ParseDiskClass(absl::string_view name);
// Like ParseDiskClass but maps empty and unknown names to kUnknown (for agent reports).
DiskClass DiskClassOrUnknown(absl::string_view name);

// What happens to a scheduled scrub still running when its class's window closes.
enum class WindowEndAction : uint8_t {
  kPause,     // `zpool scrub -p`; hosts whose zpool cannot pause continue instead
  kStop,      // `zpool scrub -s`; the pool stays due and starts over in a later window
  kContinue,  // let it run to the end
};
absl::string_view WindowEndActionName(WindowEndAction a);
std::optional<WindowEndAction> ParseWindowEndAction(absl::string_view name);

struct ClassPolicy {
  absl::Duration interval = absl::Hours(24 * 7);
  ScrubWindows windows;  // default: always open
};

// Defaults: sata, scsi, usb, unknown every 7d; sas, fc, nvme, virtual every 30d;
// every window always open.
std::array<ClassPolicy, kDiskClassCount> DefaultClassPolicies();

struct SchedulerPolicy {
  // How often the controller evaluates the schedule (the simulator's time step too).
  absl::Duration tick = absl::Seconds(30);
  int max_concurrent = 50;  // running scrubs fleet-wide
  int max_per_host = 1;     // running scrubs per host
  // Per agent label key: running scrubs per value of that label (e.g. rack → 4 per rack).
  // Hosts without the label are not limited by that cap. Sorted by key.
  std::vector<std::pair<std::string, int>> max_per_label;
  // Pool states (as `zpool status` prints them) on which no scrub is started.
  std::vector<std::string> skip_states = {"DEGRADED", "FAULTED", "UNAVAIL", "SUSPENDED"};
  double load_threshold = 8.0;  // a host's 1-minute load must be at most this
  absl::Duration stall_after = absl::Hours(2);
  WindowEndAction at_window_end = WindowEndAction::kPause;
  std::string timezone_name = "UTC";
  absl::TimeZone timezone = absl::UTCTimeZone();  // windows are read in this zone
  // Early starts flatten the peak at a window's opening: a pool due while its window is
  // closed may start up to `early_start` × its interval before it is due, inside a window,
  // while the fleet runs fewer than `early_below` × max_concurrent scrubs (scheduler.h).
  // early_start = 0 turns early starts off.
  double early_start = 0.1;
  double early_below = 0.5;
  std::array<ClassPolicy, kDiskClassCount> classes = DefaultClassPolicies();

  const ClassPolicy& For(DiskClass c) const { return classes[static_cast<int>(c)]; }
  // Fleet running count below which early starts are allowed.
  int EarlyCapacity() const { return static_cast<int>(early_below * max_concurrent); }
};

// The class a pool with disks of `classes` (names, as model's ScrubClasses gives them) is
// scrubbed by: the one with the shortest interval under `policy` (the first of equals);
// kUnknown when `classes` is empty. Unknown names count as kUnknown.
DiskClass ShortestIntervalClass(const std::vector<std::string>& classes,
                                const SchedulerPolicy& policy);

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_SCHEDULE_SCHEDULER_POLICY_H_
