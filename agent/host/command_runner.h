// Runs external programs by argv (never through a shell) with a timeout.
#ifndef ZFLEET_AGENT_HOST_COMMAND_RUNNER_H_
#define ZFLEET_AGENT_HOST_COMMAND_RUNNER_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
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
  // ran longer than `timeout` (it is then killed; the message says so when even that did
  // not end it), Internal on a system error.
  // REQUIRES: !argv.empty().
  virtual absl::StatusOr<CommandResult> Run(const std::vector<std::string>& argv,
                                            absl::Duration timeout) const = 0;
};

// fork/exec with pipes; stdin is /dev/null. Output beyond 64 MiB per stream is dropped.
// The program runs in a process group of its own. When it exits, helpers it left holding
// its output get a moment to finish writing and are then killed with the group, so Run
// returns the program's exit code without waiting for them. At the timeout the group gets
// SIGKILL and Run waits at most `kill_wait` for the program to go: one that does not (a
// `zpool` in uninterruptible sleep on a failing disk) is left behind, DeadlineExceeded says
// so with its pid, and a later Run reaps it once it has exited, so nothing blocks and no
// zombie piles up.
class SubprocessRunner final : public CommandRunner {
 public:
  explicit SubprocessRunner(absl::Duration kill_wait = absl::Seconds(2)) : kill_wait_(kill_wait) {}
  ~SubprocessRunner() override;  // reaps what has exited by then; never waits

  absl::StatusOr<CommandResult> Run(const std::vector<std::string>& argv,
                                    absl::Duration timeout) const override;

  // Programs left behind after SIGKILL that have not been reaped yet.
  int LeftBehind() const;

 private:
  // waitpid(WNOHANG) on every program left behind; keeps those still there.
  void ReapLeftBehind() const;

  const absl::Duration kill_wait_;
  mutable absl::Mutex mu_;
  mutable std::vector<pid_t> left_behind_ ABSL_GUARDED_BY(mu_);
};

}  // namespace zfleet::agent

#endif  // ZFLEET_AGENT_HOST_COMMAND_RUNNER_H_
