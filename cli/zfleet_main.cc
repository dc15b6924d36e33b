// zfleet: the on-call command line. Reads the process's world (args, environment,
// terminal, clock), hands it to RunCli, prints what comes back.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/fleet_client.h"
#include "common/clock.h"

namespace {

// Colour only for a terminal, and never when the user opted out (https://no-color.org).
bool WantsColor() {
  if (!isatty(STDOUT_FILENO)) return false;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && no_color[0] != '\0') return false;
  const char* term = std::getenv("TERM");
  return term == nullptr || std::strcmp(term, "dumb") != 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  zfleet::cli::Environment env;
  if (const char* controller = std::getenv("ZFLEET_CONTROLLER")) env.controller_env = controller;
  if (const char* user = std::getenv("USER")) env.user = user;
  env.color = WantsColor();
  env.now = zfleet::SystemClock::Get().Now();

  const zfleet::cli::CliResult result =
      zfleet::cli::RunCli(args, env, [](const std::string& target, absl::Duration timeout) {
        return std::make_unique<zfleet::cli::FleetClient>(target, timeout);
      });
  std::fwrite(result.out.data(), 1, result.out.size(), stdout);
  std::fflush(stdout);
  std::fwrite(result.err.data(), 1, result.err.size(), stderr);
  return result.exit_code;
}
