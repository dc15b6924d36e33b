// controller.toml. A missing --config means defaults; unknown keys and bad values are refused
// with "FILE:LINE: reason".
//
//   [agents]
//   report_interval = "30s"   # told to every agent in each reply
//   missing_after = 3         # report intervals without a report → host not reporting
//   autonomous_after = "24h"  # an agent that has not reached the controller for this long
//                             # scrubs its own pools by the last policy it received; "0s" =
//                             # never. Must exceed report_interval × missing_after.
//
//   [scheduler]                       # every key optional; the defaults are shown
//   tick = "30s"                      # how often the schedule is evaluated
//   max_concurrent = 50               # running scrubs fleet-wide
//   max_per_host = 1
//   max_per_label = { rack = 4 }      # per value of an agent label (default: none)
//   skip_states = ["DEGRADED", "FAULTED", "UNAVAIL", "SUSPENDED"]
//   load_threshold = 8.0              # host 1-minute load average
//   stall_after = "2h"                # no progress for this long → event
//   at_window_end = "pause"           # pause | stop | continue
//   timezone = "UTC"                  # IANA name; windows are local times in it
//   early_start = 0.1                 # a pool due while its window is closed may start up
//   early_below = 0.5                 # to 0.1 × interval early, while < 0.5 × max_concurrent run
//
//   [classes.sata]                    # sata, scsi, usb, unknown, sas, fc, nvme, virtual
//   interval = "7d"                   # default 7d for sata/scsi/usb/unknown, 30d for the rest
//   windows = ["Sat 00:00-Mon 06:00", "Mon-Fri 01:00-05:00"]   # default: always open
//
//   [history]
//   retention = "30d"                 # snapshots older than this are thinned
//
//   [tls]                             # mutual TLS (docs/SECURITY.md); the --tls-* flags win
//   ca = "/etc/zfleet/pki/ca.crt"
//   cert = "/etc/zfleet/pki/controller.crt"
//   key = "/etc/zfleet/pki/controller.key"
//
// Window syntax: scrub_window.h.
#ifndef ZFLEET_CONTROLLER_CONFIG_CONTROLLER_CONFIG_H_
#define ZFLEET_CONTROLLER_CONFIG_CONTROLLER_CONFIG_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/tls_paths.h"
#include "controller/schedule/scheduler_policy.h"

namespace zfleet::controller {

struct ControllerConfig {
  absl::Duration report_interval = absl::Seconds(30);
  int missing_after = 3;
  // How long an agent that cannot reach the controller waits before it scrubs its own pools
  // by the last policy it received (AgentPolicy); zero = never. Longer than MissingAfter().
  absl::Duration autonomous_after = absl::Hours(24);
  SchedulerPolicy scheduler;
  // Pool snapshots older than this are thinned (first and last of each day and every state
  // change kept); scrub runs and events are kept.
  absl::Duration history_retention = absl::Hours(24 * 30);
  // Mutual TLS files; all empty = plaintext (loopback only unless --insecure-plaintext).
  TlsPaths tls;

  // How long a host may be silent before it counts as not reporting.
  absl::Duration MissingAfter() const { return report_interval * missing_after; }
};

// Parses controller.toml text; `source_name` prefixes every error ("FILE:LINE: reason",
// InvalidArgument).
absl::StatusOr<ControllerConfig> ParseControllerConfig(absl::string_view text,
                                                       absl::string_view source_name);
// Empty path = defaults. NotFound naming the path when it cannot be read.
absl::StatusOr<ControllerConfig> LoadControllerConfig(const std::string& path);

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_CONFIG_CONTROLLER_CONFIG_H_
