// zfleet: the on-call command line. Reads the process's world (args, environment,
// terminal, clock), hands it to RunCli, prints what comes back.
#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/time/time.h"
#include "cli/commands.h"
#include "cli/fleet_client.h"
#include "common/clock.h"
#include "common/tls/tls_files.h"
#include "grpc/support/log.h"

namespace {

// Colour only for a terminal, and never when the user opted out (https://no-color.org).
bool WantsColor() {
  if (!isatty(STDOUT_FILENO)) return false;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && no_color[0] != '\0') return false;
  const char* term = std::getenv("TERM");
  return term == nullptr || std::strcmp(term, "dumb") != 0;
}

// gRPC logs a failed TLS handshake as an "E1201 …" line on stderr, beside the one line
// the CLI prints for the same failure. Every failure reaches the CLI as a status, so gRPC's
// own log is dropped unless someone debugging asked for it with GRPC_VERBOSITY.
void QuietGrpcLog() {
  const char* verbosity = std::getenv("GRPC_VERBOSITY");
  if (verbosity != nullptr && verbosity[0] != '\0') return;
  gpr_set_log_function([](gpr_log_func_args*) {});
}

std::string Getenv(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

// How wide stdout's lines may be: 0 (no limit) unless it is a terminal; then $COLUMNS when
// set (as shells export it, and as tests and `script` sessions set it), else the terminal's.
size_t TerminalWidth() {
  if (!isatty(STDOUT_FILENO)) return 0;
  int columns = 0;
  if (absl::SimpleAtoi(Getenv("COLUMNS"), &columns) && columns > 0 && columns < 100000) {
    return static_cast<size_t>(columns);
  }
  winsize size{};
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  QuietGrpcLog();
  const std::vector<std::string> args(argv + 1, argv + argc);
  zfleet::cli::Environment env;
  env.controller_env = Getenv("ZFLEET_CONTROLLER");
  env.user = Getenv("USER");
  env.tls_env = {.ca = Getenv("ZFLEET_TLS_CA"),
                 .cert = Getenv("ZFLEET_TLS_CERT"),
                 .key = Getenv("ZFLEET_TLS_KEY")};
  env.color = WantsColor();
  env.width = TerminalWidth();
  env.now = zfleet::SystemClock::Get().Now();
  env.check_tls = [now = env.now](const zfleet::tls::TlsFiles& files) {
    return zfleet::tls::CheckTlsFiles(files, now);
  };
  env.progress = [](const std::string& text) {
    std::fwrite(text.data(), 1, text.size(), stderr);
    std::fflush(stderr);
  };
  env.progress_tty = isatty(STDERR_FILENO) != 0;
  env.draw = [](const std::string& text) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
  };
  env.draw_tty = isatty(STDOUT_FILENO) != 0;
  env.clock = [] { return zfleet::SystemClock::Get().Now(); };

  const zfleet::cli::CliResult result =
      zfleet::cli::RunCli(args, env, [](const zfleet::cli::ControllerConnection& connection) {
        return std::make_unique<zfleet::cli::FleetClient>(connection);
      });
  std::fwrite(result.out.data(), 1, result.out.size(), stdout);
  std::fflush(stdout);
  std::fwrite(result.err.data(), 1, result.err.size(), stderr);
  return result.exit_code;
}
