// The zfleet command line: arguments in, text and an exit code out. Everything the
// process provides (environment, terminal, time, the network) comes in through
// Environment and the FleetApi factory, so tests run whole commands without a process
// or a controller.
#ifndef ZFLEET_CLI_COMMANDS_H_
#define ZFLEET_CLI_COMMANDS_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "cli/command_line.h"
#include "cli/fleet_client.h"
#include "common/tls/tls_files.h"

namespace zfleet::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // the controller said no, or could not be reached
inline constexpr int kExitUsage = 2;    // bad arguments; nothing was sent
// `scrub --wait`: the scrub finished but repaired data or counted errors.
inline constexpr int kExitScrubFoundErrors = 3;

// Checks the --tls-* files before they are used: OK, or InvalidArgument with one line
// (tls::CheckTlsFiles at the process's now, in zfleet_main).
using TlsChecker = std::function<absl::Status(const tls::TlsFiles& files)>;

struct Environment {
  std::string controller_env;          // $ZFLEET_CONTROLLER; "" when unset
  bool color = false;                  // stdout is a terminal that wants colour
  size_t width = 0;                    // the terminal's columns; 0 = not a terminal
  absl::Time now = absl::UnixEpoch();  // what `events --since` counts back from
  std::string user{};                  // $USER, sent by `ack` (used on plaintext); "" when unset
  tls::TlsFiles tls_env{};             // $ZFLEET_TLS_CA, _CERT, _KEY; "" when unset
  // Called once when TLS files are given, before any FleetApi is made; null: not checked
  // (tests without files).
  TlsChecker check_tls{};
  // `scrub --wait`: how it waits between polls (null: absl::SleepFor), and where its
  // progress line goes (null: nowhere), rewritten in place when that is a terminal.
  std::function<void(absl::Duration)> sleep{};
  std::function<void(const std::string&)> progress{};
  bool progress_tty = false;
  // `watch`: each frame as it is drawn (null: nowhere; stdout in zfleet), on a terminal
  // drawn over the last; and the time each is drawn at (null: `now` every time).
  std::function<void(const std::string&)> draw{};
  bool draw_tty = false;
  std::function<absl::Time()> clock{};
};

// Called once per run, after the arguments (and TLS files) are valid, with the controller
// address, the per-call timeout and the TLS files if any. Must not return null.
using FleetApiFactory = std::function<std::unique_ptr<FleetApi>(const ControllerConnection&)>;

struct CliResult {
  int exit_code = kExitOk;
  std::string out;  // for stdout: the rendered result, help, or one JSON document
  std::string err;  // for stderr: empty, or exactly one "zfleet: <reason>" line
};

// Runs `zfleet ARGS...` (ARGS without the program name). Never throws.
//   kExitOk:      result (or --help text) in `out`.
//   kExitUsage:   unknown flag, missing or unknown command, bad HOST/POOL, HOST, --timeout,
//                 controller address, --since, --severity, incident or event id, `scrub
//                 --now` or `--wait` with --stop or --pause, `watch` other than status or
//                 triage, --interval, --count, `forget` without --yes, --tls-* files not
//                 all three given or refused by env.check_tls; `err` is one line ending
//                 in "run 'zfleet --help'". No FleetApi is made.
//   kExitFailure: the controller returned an error or was unreachable; `err` is one line.
//                 `ack` with ids the controller does not know also exits here, after
//                 the known ones were acknowledged: `out` holds the usual result and
//                 `err` is "zfleet: unknown incident ids 7, 9"; so does `scrub --wait` for
//                 a run canceled or failed, or a controller away for 15 polls.
//   kExitScrubFoundErrors: `scrub --wait`, the scrub finished having repaired data or
//                 counted errors.
// The controller is --controller, else env.controller_env, else kDefaultController. Each
// --tls-* flag, else its env.tls_env file; when any is set, all three must be, and the
// connection uses mutual TLS.
CliResult RunCli(const std::vector<std::string>& args, const Environment& env,
                 const FleetApiFactory& make_api);

}  // namespace zfleet::cli

#endif  // ZFLEET_CLI_COMMANDS_H_
