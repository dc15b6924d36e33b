// A CommandRunner that answers from a table instead of running programs. Header-only so
// that zfleet_testing need not link zfleet_agent.
#ifndef ZFLEET_TESTS_TESTING_FAKE_COMMAND_RUNNER_H_
#define ZFLEET_TESTS_TESTING_FAKE_COMMAND_RUNNER_H_

#include <map>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "agent/host/command_runner.h"

namespace zfleet::testing {

// Thread-safe. Keys are argv joined by single spaces ("systemctl is-active zfs-zed").
// A command with no answer fails with NotFound, as a program that is not installed does.
class FakeCommandRunner final : public agent::CommandRunner {
 public:
  // The command exits with `exit_code` and prints `out` (and `err` on stderr).
  void Answer(const std::string& command, const std::string& out, int exit_code = 0,
              const std::string& err = "") {
    absl::MutexLock lock(&mu_);
    answers_[command] = agent::CommandResult{exit_code, out, err};
  }
  // The command cannot be run at all (e.g. DeadlineExceeded).
  void Fail(const std::string& command, absl::Status status) {
    absl::MutexLock lock(&mu_);
    answers_[command] = std::move(status);
  }

  absl::StatusOr<agent::CommandResult> Run(const std::vector<std::string>& argv,
                                           absl::Duration timeout) const override {
    const std::string key = absl::StrJoin(argv, " ");
    absl::MutexLock lock(&mu_);
    calls_.push_back(key);
    auto it = answers_.find(key);
    if (it == answers_.end()) {
      return absl::NotFoundError(absl::StrCat(argv.empty() ? "" : argv[0], ": not found"));
    }
    return it->second;
  }

  // Every command run so far, in order.
  std::vector<std::string> calls() const {
    absl::MutexLock lock(&mu_);
    return calls_;
  }

 private:
  mutable absl::Mutex mu_;
  std::map<std::string, absl::StatusOr<agent::CommandResult>> answers_ ABSL_GUARDED_BY(mu_);
  mutable std::vector<std::string> calls_ ABSL_GUARDED_BY(mu_);
};

}  // namespace zfleet::testing

#endif  // ZFLEET_TESTS_TESTING_FAKE_COMMAND_RUNNER_H_
