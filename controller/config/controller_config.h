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
//   retention = "30d"                 # pool snapshots older than this are thinned
//
//   [retention]                       # what the store deletes once old (at least "1d" each)
//   events = "90d"                    # acknowledged or info events, by last seen, and
//                                     # resolved incidents, by when they resolved
//   open_events = "365d"              # any event not seen again for this long
//   counters = "30d"                  # disk counter samples: thinned to the first and last
//                                     # of each day per disk (and those around a reset)
//   commands = "30d"                  # done or failed agent commands
//   scrub_runs = "365d"               # ended runs; each pool's latest runs always stay
//   audit = "730d"                    # audit entries
//   batch = 1000                      # rows per table and tick, 1 to 100000
//
//   [tls]                             # mutual TLS (docs/SECURITY.md); the --tls-* flags win
//   ca = "/etc/zfleet/pki/ca.crt"
//   cert = "/etc/zfleet/pki/controller.crt"
//   key = "/etc/zfleet/pki/controller.key"
//
//   [alerts]                          # Alertmanager (API v2); every key optional
//   alertmanager = ["http://127.0.0.1:9093"]   # each gets every alert; default: none (no
//                                     # alerts sent). http:// or https://, optional /prefix
//   resend = "1m"                     # unchanged alerts are sent again this often; a firing
//                                     # one expires in Alertmanager after 4 × resend unsent
//   timeout = "10s"                   # per connect, send and receive of a POST
//   tls_ca = "/etc/zfleet/pki/am-ca.crt"      # https only; default: the system's CAs
//   tls_cert = "/etc/zfleet/pki/am-client.crt" # https only, optional client certificate
//   tls_key = "/etc/zfleet/pki/am-client.key"  # (both or neither)
//   basic_auth_user = "zfleet"        # with basic_auth_password_file, both or neither
//   basic_auth_password_file = "/etc/zfleet/am-password"   # read when the config is
//                                     # read (a trailing newline is dropped)
//   bearer_token_file = "/etc/zfleet/am-token"  # or a bearer token (not with basic auth)
//
//   [webhook]                         # generic JSON webhooks; every key optional
//   url = ["https://hooks.example/zfleet"]     # each gets every incident notification
//                                     # once, in order; default: none
//   queue = 10000                     # kept per URL while it is down; then the oldest go
//   max_backoff = "5m"                # retries wait 1s, 2s, 4s… up to this
//   timeout, tls_ca, tls_cert, tls_key, basic_auth_user, basic_auth_password_file,
//   bearer_token_file                 # as in [alerts]
//
// Window syntax: scrub_window.h.
#ifndef ZFLEET_CONTROLLER_CONFIG_CONTROLLER_CONFIG_H_
#define ZFLEET_CONTROLLER_CONFIG_CONTROLLER_CONFIG_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/tls_paths.h"
#include "controller/schedule/scheduler_policy.h"

namespace zfleet::controller {

// How long the store keeps what it no longer needs, per table ([retention]). The tick
// deletes at most `batch` rows of each table at a time (events/retention.h).
struct RetentionPolicy {
  absl::Duration events = absl::Hours(24 * 90);
  absl::Duration open_events = absl::Hours(24 * 365);
  absl::Duration counters = absl::Hours(24 * 30);
  absl::Duration commands = absl::Hours(24 * 30);
  absl::Duration scrub_runs = absl::Hours(24 * 365);
  absl::Duration audit = absl::Hours(24 * 730);
  int batch = 1000;
};

// How the controller talks to an HTTP receiver ([alerts] and [webhook] alike).
struct HttpClientConfig {
  absl::Duration timeout = absl::Seconds(10);
  TlsPaths tls;  // https only: ca verifies the server; cert and key = client certificate
  std::string basic_auth_user;
  std::string basic_auth_password_file;
  std::string basic_auth_password;  // the file's content, without a trailing newline
  std::string bearer_token_file;
  std::string bearer_token;  // the file's content, sent as "Authorization: Bearer …"
};

// Where and how alerts go ([alerts]); controller/alerts/ sends them.
struct AlertsConfig : HttpClientConfig {
  // Base URLs, checked by ParseHttpUrl; empty = no alerts are sent.
  std::vector<std::string> alertmanagers;
  absl::Duration resend = absl::Minutes(1);
};

// Generic JSON webhooks ([webhook]): every incident opened, updated, acknowledged and
// resolved is POSTed to each URL once, in order, from a queue in the store
// (controller/alerts/webhook_sender.h).
struct WebhookConfig : HttpClientConfig {
  std::vector<std::string> urls;  // checked by ParseHttpUrl; empty = none
  // Notifications kept per URL while it does not take them; beyond it the oldest go.
  int queue = 10000;
  // Retries after a failed POST wait 1s, 2s, 4s… up to this.
  absl::Duration max_backoff = absl::Minutes(5);
};

struct ControllerConfig {
  absl::Duration report_interval = absl::Seconds(30);
  int missing_after = 3;
  // How long an agent that cannot reach the controller waits before it scrubs its own pools
  // by the last policy it received (AgentPolicy); zero = never. Longer than MissingAfter().
  absl::Duration autonomous_after = absl::Hours(24);
  SchedulerPolicy scheduler;
  // Pool snapshots older than this are thinned (first and last of each day and every state
  // change kept); the other tables follow `retention`.
  absl::Duration history_retention = absl::Hours(24 * 30);
  RetentionPolicy retention;
  // Mutual TLS files; all empty = plaintext (loopback only unless --insecure-plaintext).
  TlsPaths tls;
  AlertsConfig alerts;
  WebhookConfig webhook;

  // How long a host may be silent before it counts as not reporting.
  absl::Duration MissingAfter() const { return report_interval * missing_after; }
};

// Parses controller.toml text; `source_name` prefixes every error ("FILE:LINE: reason",
// InvalidArgument). The files it reads are the password and token files of [alerts] and
// [webhook], so a secret missing or unreadable is refused with the line that names it, like
// any bad value.
absl::StatusOr<ControllerConfig> ParseControllerConfig(absl::string_view text,
                                                       absl::string_view source_name);
// Empty path = defaults. NotFound naming the path when it cannot be read.
absl::StatusOr<ControllerConfig> LoadControllerConfig(const std::string& path);

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_CONFIG_CONTROLLER_CONFIG_H_
