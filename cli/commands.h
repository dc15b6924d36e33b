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

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "cli/command_line.h"
#include "cli/fleet_client.h"

namespace zfleet::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // the controller said no, or could not be reached
inline constexpr int kExitUsage = 2;    // bad arguments; nothing was sent

struct Environment {
  std::string controller_env;          // $ZFLEET_CONTROLLER; "" when unset
  bool color = false;                  // stdout is a terminal that wants colour
  absl::Time now = absl::UnixEpoch();  // what `events --since` counts back from
  std::string user{};                  // $USER, recorded by `ack`; "" when unset
};

// Called once per run, after the arguments are valid, with the controller address and
// the per-call timeout. Must not return null.
using FleetApiFactory =
    std::function<std::unique_ptr<FleetApi>(const std::string& target, absl::Duration timeout)>;

struct CliResult {
  int exit_code = kExitOk;
  std::string out;  // for stdout: the rendered result, help, or one JSON document
  std::string err;  // for stderr: empty, or exactly one "zfleet: <reason>" line
};

// Runs `zfleet ARGS...` (ARGS without the program name). Never throws.
//   kExitOk:      result (or --help text) in `out`.
//   kExitUsage:   unknown flag, missing or unknown command, bad HOST/POOL, --timeout,
//                 controller address, --since, --severity or event id, `scrub --now`
//                 with --stop or --pause; `err` is one line ending in
//                 "run 'zfleet --help'". No FleetApi is made.
//   kExitFailure: the controller returned an error or was unreachable; `err` is one line.
//                 `ack` with ids the controller does not know also exits here, after
//                 the known ones were acknowledged: `out` holds the usual result and
//                 `err` is "zfleet: unknown event ids 7, 9".
// The controller is --controller, else env.controller_env, else kDefaultController.
CliResult RunCli(const std::vector<std::string>& args, const Environment& env,
                 const FleetApiFactory& make_api);

}  // namespace zfleet::cli

#endif  // ZFLEET_CLI_COMMANDS_H_
