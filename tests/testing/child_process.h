// Real binaries for end-to-end tests: run one to completion, or keep one running in the
// background until the test is over.
#ifndef ZFLEET_TESTS_TESTING_CHILD_PROCESS_H_
#define ZFLEET_TESTS_TESTING_CHILD_PROCESS_H_

#include <string>
#include <sys/types.h>
#include <vector>

namespace zfleet::testing {

struct RunResult {
  int exit_code = -1;  // -1 when it could not run or timed out
  std::string out;
  std::string err;
};

// Runs argv (no shell) with stdin from /dev/null, waiting at most `timeout_s` seconds
// (then the process group is killed and exit_code is -1).
RunResult RunProgram(const std::vector<std::string>& argv, int timeout_s = 60);

// A process running in the background, its stdout and stderr appended to `log_path`.
// The destructor sends SIGTERM, waits up to 5 s, then SIGKILLs.
class ChildProcess {
 public:
  ChildProcess(const std::vector<std::string>& argv, const std::string& log_path);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  bool Running();
  // Sends `signal` and waits for the exit (SIGKILL after 5 s). Returns the exit code.
  int Stop(int signal);

 private:
  pid_t pid_ = -1;
  int status_ = 0;
};

// The file's content, or "" when it cannot be read.
std::string Slurp(const std::string& path);

}  // namespace zfleet::testing

#endif  // ZFLEET_TESTS_TESTING_CHILD_PROCESS_H_
