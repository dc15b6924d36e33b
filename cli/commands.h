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
#include "cli/fleet_client.h"

namespace zfleet::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // the controller said no, or could not be reached
inline constexpr int kExitUsage = 2;    // bad arguments; nothing was sent
inline constexpr absl::string_view kDefaultController = "127.0.0.1:7400";
inline constexpr absl::string_view kDefaultTimeout = "10s";

struct Environment {
  std::string controller_env;  // $ZFLEET_CONTROLLER; "" when unset
  bool color = false;          // stdout is a terminal that wants colour
  absl::Time now = absl::UnixEpoch();
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
//   kExitUsage:   unknown flag, missing or unknown command, bad HOST/POOL, --timeout or
//                 controller address; `err` is one line ending in "run 'zfleet --help'".
//   kExitFailure: the controller returned an error or was unreachable; `err` is one line.
// The controller is --controller, else env.controller_env, else kDefaultController.
CliResult RunCli(const std::vector<std::string>& args, const Environment& env,
                 const FleetApiFactory& make_api);

}  // namespace zfleet::cli

#endif  // ZFLEET_CLI_COMMANDS_H_
