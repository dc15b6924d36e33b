#include "tests/testing/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "tests/testing/temp_dir.h"

namespace zfleet::testing {
namespace {

pid_t Spawn(const std::vector<std::string>& argv, int out_fd, int err_fd) {
  std::vector<char*> cargv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
    int devnull = open("/dev/null", O_RDONLY);
    dup2(devnull, STDIN_FILENO);
    dup2(out_fd, STDOUT_FILENO);
    dup2(err_fd, STDERR_FILENO);
    execvp(cargv[0], cargv.data());
    _exit(127);
  }
  return pid;
}

// Waits for `pid` at most `timeout_ms`; true and *status set when it exited.
bool WaitFor(pid_t pid, int timeout_ms, int* status) {
  for (int waited = 0; waited <= timeout_ms; waited += 20) {
    pid_t r = waitpid(pid, status, WNOHANG);
    if (r == pid) return true;
    if (r < 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

}  // namespace

std::string Slurp(const std::string& path) { return ReadFile(path); }

RunResult RunProgram(const std::vector<std::string>& argv, int timeout_s) {
  RunResult result;
  char out_path[] = "/tmp/zfleet-run-out-XXXXXX";
  char err_path[] = "/tmp/zfleet-run-err-XXXXXX";
  int out_fd = mkstemp(out_path);
  int err_fd = mkstemp(err_path);
  pid_t pid = Spawn(argv, out_fd, err_fd);
  int status = 0;
  if (pid > 0 && WaitFor(pid, timeout_s * 1000, &status)) {
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  } else if (pid > 0) {
    kill(-pid, SIGKILL);
    waitpid(pid, &status, 0);
  }
  close(out_fd);
  close(err_fd);
  result.out = ReadFile(out_path);
  result.err = ReadFile(err_path);
  unlink(out_path);
  unlink(err_path);
  return result;
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const std::string& log_path) {
  int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  pid_ = Spawn(argv, fd, fd);
  close(fd);
}

bool ChildProcess::Running() {
  if (pid_ <= 0) return false;
  pid_t r = waitpid(pid_, &status_, WNOHANG);
  if (r == 0) return true;
  pid_ = -1;
  return false;
}

int ChildProcess::Stop(int signal) {
  if (pid_ <= 0) return WIFEXITED(status_) ? WEXITSTATUS(status_) : -1;
  kill(pid_, signal);
  if (!WaitFor(pid_, 5000, &status_)) {
    kill(-pid_, SIGKILL);
    waitpid(pid_, &status_, 0);
  }
  pid_ = -1;
  return WIFEXITED(status_) ? WEXITSTATUS(status_) : 128 + WTERMSIG(status_);
}

ChildProcess::~ChildProcess() { Stop(SIGTERM); }

}  // namespace zfleet::testing
