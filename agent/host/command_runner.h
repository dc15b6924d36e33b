// Runs external programs by argv (never through a shell) with a timeout.
#ifndef ZFLEET_AGENT_HOST_COMMAND_RUNNER_H_
#define ZFLEET_AGENT_HOST_COMMAND_RUNNER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace zfleet::agent {

struct CommandResult {
  int exit_code = 0;  // the program's exit status; 128+N when killed by signal N
  std::string stdout_text;
  std::string stderr_text;
};

// Thread-safe implementations only.
class CommandRunner {
 public:
  virtual ~CommandRunner() = default;
  // Runs argv[0] (looked up on PATH when it has no '/') with argv. Returns the result for
  // any exit code; NotFound when the program cannot be executed, DeadlineExceeded when it
  // ran longer than `timeout` (it is then killed), Internal on a system error.
  // REQUIRES: !argv.empty().
  virtual absl::StatusOr<CommandResult> Run(const std::vector<std::string>& argv,
                                            absl::Duration timeout) const = 0;
};

// fork/exec with pipes; stdin is /dev/null. Output beyond 64 MiB per stream is dropped.
class SubprocessRunner final : public CommandRunner {
 public:
  absl::StatusOr<CommandResult> Run(const std::vector<std::string>& argv,
                                    absl::Duration timeout) const override;
};

}  // namespace zfleet::agent

#endif  // ZFLEET_AGENT_HOST_COMMAND_RUNNER_H_
