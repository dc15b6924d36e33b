#include "agent/host/command_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace zfleet::agent {
namespace {

constexpr size_t kMaxOutput = 64 << 20;
// Helpers a program left holding its output may still be writing: read them this long
// after the program exits, then end them.
constexpr int64_t kDrainAfterExitMillis = 200;
// How often the read loop looks whether the program has exited.
constexpr int64_t kExitCheckMillis = 50;
constexpr int64_t kWaitStepMillis = 10;
// Waits are clamped to this so an infinite duration cannot overflow a deadline.
constexpr int64_t kMaxWaitMillis = int64_t{1} << 50;

absl::Status Errno(absl::string_view what) {
  return absl::InternalError(absl::StrCat(what, ": ", std::strerror(errno)));
}

// Monotonic time for timeouts only: a wall-clock jump must not kill a healthy zpool.
int64_t MonotonicMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Whether `pid` has exited, without reaping it: until it is reaped its pid, and so its
// process group id, cannot be reused, and kill(-pid) still reaches only its helpers.
bool Exited(pid_t pid) {
  siginfo_t info{};
  while (waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0) {
    if (errno != EINTR) return true;  // not our child any more: nothing to wait for
  }
  return info.si_pid == pid;
}

// Reaps `pid` if it exits within `wait_ms`; true and *status set when it did.
bool ReapWithin(pid_t pid, int64_t wait_ms, int* status) {
  const int64_t until = MonotonicMillis() + wait_ms;
  while (true) {
    pid_t r = waitpid(pid, status, WNOHANG);
    if (r == pid || (r < 0 && errno != EINTR)) return true;
    if (r == 0 && MonotonicMillis() >= until) return false;
    if (r == 0) usleep(kWaitStepMillis * 1000);
  }
}

enum class Ending { kOutputClosed, kExited, kTimedOut };

// Reads the program's stdout and stderr into `result` until both close, the program has
// exited (and its helpers had kDrainAfterExitMillis more), or `deadline`. Closes both fds.
Ending ReadOutput(pid_t pid, int out_fd, int err_fd, int64_t deadline, CommandResult& result) {
  pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  std::string* sinks[2] = {&result.stdout_text, &result.stderr_text};
  int open_fds = 2;
  char buf[65536];
  std::optional<int64_t> exited_at;
  Ending ending = Ending::kOutputClosed;
  while (open_fds > 0) {
    const int64_t now = MonotonicMillis();
    if (!exited_at.has_value() && Exited(pid)) exited_at = now;
    const int64_t limit =
        exited_at.has_value() ? std::min(deadline, *exited_at + kDrainAfterExitMillis) : deadline;
    if (now >= limit) {
      ending = exited_at.has_value() ? Ending::kExited : Ending::kTimedOut;
      break;
    }
    int rc = poll(fds, 2, static_cast<int>(std::min(limit - now, kExitCheckMillis)));
    if (rc < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      ssize_t got = read(fds[i].fd, buf, sizeof(buf));
      if (got > 0) {
        if (sinks[i]->size() < kMaxOutput) sinks[i]->append(buf, static_cast<size_t>(got));
      } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  for (auto& fd : fds) {
    if (fd.fd >= 0) close(fd.fd);
  }
  return ending;
}

}  // namespace

absl::StatusOr<CommandResult> SubprocessRunner::Run(const std::vector<std::string>& argv,
                                                    absl::Duration timeout) const {
  ReapLeftBehind();
  int out_pipe[2], err_pipe[2], exec_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) return Errno("pipe");
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    close(out_pipe[0]);
    close(out_pipe[1]);
    return Errno("pipe");
  }
  // Carries errno from a failed exec back to the parent; closes on a successful exec.
  if (pipe2(exec_pipe, O_CLOEXEC) != 0) {
    for (int fd : {out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) close(fd);
    return Errno("pipe");
  }
  std::vector<char*> cargv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);

  pid_t pid = fork();
  if (pid < 0) {
    for (int fd :
         {out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1], exec_pipe[0], exec_pipe[1]}) {
      close(fd);
    }
    return Errno("fork");
  }
  if (pid == 0) {
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, STDIN_FILENO);
    dup2(out_pipe[1], STDOUT_FILENO);
    dup2(err_pipe[1], STDERR_FILENO);
    // Own process group so a timeout kills helpers the program started too.
    setpgid(0, 0);
    execvp(cargv[0], cargv.data());
    int err = errno;
    (void)!write(exec_pipe[1], &err, sizeof(err));
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  close(exec_pipe[1]);

  int exec_errno = 0;
  ssize_t n = read(exec_pipe[0], &exec_errno, sizeof(exec_errno));
  close(exec_pipe[0]);
  if (n == sizeof(exec_errno)) {
    close(out_pipe[0]);
    close(err_pipe[0]);
    waitpid(pid, nullptr, 0);
    return absl::NotFoundError(
        absl::StrCat("cannot execute ", argv[0], ": ", std::strerror(exec_errno)));
  }

  CommandResult result;
  const int64_t deadline =
      MonotonicMillis() + std::min<int64_t>(absl::ToInt64Milliseconds(timeout), kMaxWaitMillis);
  Ending ending = ReadOutput(pid, out_pipe[0], err_pipe[0], deadline, result);
  // The program may close its output and keep running: the deadline holds for the wait too.
  while (ending == Ending::kOutputClosed && !Exited(pid)) {
    if (MonotonicMillis() >= deadline) {
      ending = Ending::kTimedOut;
      break;
    }
    usleep(kWaitStepMillis * 1000);
  }
  // Unreaped, the program still holds its pid as the group id: this reaches only its group.
  if (ending != Ending::kOutputClosed) kill(-pid, SIGKILL);
  int status = 0;
  if (ending != Ending::kTimedOut) {
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  } else if (!ReapWithin(pid,
                         std::min<int64_t>(absl::ToInt64Milliseconds(kill_wait_), kMaxWaitMillis),
                         &status)) {
    {
      absl::MutexLock lock(&mu_);
      left_behind_.push_back(pid);
    }
    return absl::DeadlineExceededError(absl::StrCat(
        absl::StrJoin(argv, " "), " timed out after ", absl::FormatDuration(timeout),
        " and did not exit after SIGKILL (uninterruptible sleep?); left behind as pid ", pid));
  }
  if (ending == Ending::kTimedOut) {
    return absl::DeadlineExceededError(
        absl::StrCat(absl::StrJoin(argv, " "), " timed out after ", absl::FormatDuration(timeout)));
  }
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.exit_code = 128 + WTERMSIG(status);
  }
  return result;
}

SubprocessRunner::~SubprocessRunner() { ReapLeftBehind(); }

int SubprocessRunner::LeftBehind() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(left_behind_.size());
}

void SubprocessRunner::ReapLeftBehind() const {
  absl::MutexLock lock(&mu_);
  std::erase_if(left_behind_, [](pid_t pid) {
    int status = 0;
    pid_t r = waitpid(pid, &status, WNOHANG);
    return r == pid || (r < 0 && errno == ECHILD);
  });
}

}  // namespace zfleet::agent
