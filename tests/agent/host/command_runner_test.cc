#include "agent/host/command_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace zfleet::agent {
namespace {

using ::testing::HasSubstr;

constexpr absl::Duration kGenerous = absl::Seconds(20);

// Wall time of one Run(). Used only for correctness bounds ("returns long before the
// program would have ended"), never as a benchmark.
struct Timed {
  absl::StatusOr<CommandResult> result;
  std::chrono::steady_clock::duration elapsed;
};

Timed RunTimed(const std::vector<std::string>& argv, absl::Duration timeout) {
  SubprocessRunner runner;
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<CommandResult> result = runner.Run(argv, timeout);
  return {std::move(result), std::chrono::steady_clock::now() - start};
}

TEST(CommandRunnerTest, ExitCodes) {
  struct Case {
    std::vector<std::string> argv;
    int want;
  };
  const Case cases[] = {
      {{"true"}, 0},
      {{"false"}, 1},
      {{"sh", "-c", "exit 7"}, 7},
      {{"sh", "-c", "exit 255"}, 255},
      {{"sh", "-c", "kill -TERM $$"}, 128 + 15},  // killed by a signal
      {{"sh", "-c", "kill -KILL $$"}, 128 + 9},
  };
  SubprocessRunner runner;
  for (const Case& c : cases) {
    absl::StatusOr<CommandResult> r = runner.Run(c.argv, kGenerous);
    ASSERT_TRUE(r.ok()) << c.argv.back() << ": " << r.status();
    EXPECT_EQ(r->exit_code, c.want) << c.argv.back();
  }
}

TEST(CommandRunnerTest, CapturesStdoutAndStderrSeparately) {
  SubprocessRunner runner;
  absl::StatusOr<CommandResult> r =
      runner.Run({"sh", "-c", "echo out; echo err >&2; echo more; exit 3"}, kGenerous);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->stdout_text, "out\nmore\n");
  EXPECT_EQ(r->stderr_text, "err\n");
  EXPECT_EQ(r->exit_code, 3);
}

TEST(CommandRunnerTest, StdinIsDevNull) {
  // `cat` would wait forever on an inherited terminal or pipe.
  Timed t = RunTimed({"cat"}, absl::Seconds(10));
  ASSERT_TRUE(t.result.ok()) << t.result.status();
  EXPECT_EQ(t.result->exit_code, 0);
  EXPECT_EQ(t.result->stdout_text, "");
}

TEST(CommandRunnerTest, MissingOrUnrunnableProgramIsNotFound) {
  zfleet::testing::TempDir dir;
  dir.Write("not-executable", "#!/bin/sh\necho hi\n");
  ASSERT_EQ(chmod(dir.File("not-executable").c_str(), 0644), 0);
  const std::vector<std::string> programs = {
      "/nonexistent/zfleet-no-such-program",  // by path
      "zfleet-no-such-program-3f9c",          // looked up on PATH
      dir.File("not-executable"),
      dir.path(),  // a directory
  };
  SubprocessRunner runner;
  for (const std::string& program : programs) {
    absl::StatusOr<CommandResult> r = runner.Run({program, "arg"}, kGenerous);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound) << program;
    EXPECT_THAT(r.status().message(), HasSubstr(program));
  }
}

TEST(CommandRunnerTest, TimeoutKillsAndIsDeadlineExceeded) {
  Timed t = RunTimed({"sleep", "5"}, absl::Milliseconds(200));
  EXPECT_EQ(t.result.status().code(), absl::StatusCode::kDeadlineExceeded) << t.result.status();
  EXPECT_THAT(t.result.status().message(), HasSubstr("sleep 5"));
  EXPECT_LT(t.elapsed, std::chrono::seconds(3));
}

TEST(CommandRunnerTest, TimeoutAlsoEndsAHelperHoldingTheOutputOpen) {
  // The shell's child keeps stdout open after the shell itself is gone.
  Timed t = RunTimed({"sh", "-c", "sleep 5 & sleep 5"}, absl::Milliseconds(200));
  EXPECT_EQ(t.result.status().code(), absl::StatusCode::kDeadlineExceeded) << t.result.status();
  EXPECT_LT(t.elapsed, std::chrono::seconds(3));
}

// A program that closes (or redirects) its stdout and stderr and keeps running, as a
// daemonizing tool does, must still be held to the timeout.
TEST(CommandRunnerTest, TimeoutHoldsAfterTheProgramClosesItsOutput) {
  Timed t = RunTimed({"sh", "-c", "exec >/dev/null 2>&1; sleep 5"}, absl::Milliseconds(200));
  EXPECT_EQ(t.result.status().code(), absl::StatusCode::kDeadlineExceeded)
      << (t.result.ok() ? "returned exit code " + std::to_string(t.result->exit_code)
                        : t.result.status().ToString());
  EXPECT_LT(t.elapsed, std::chrono::seconds(3));
}

// Whether `pid` is gone: reaped, or a zombie nobody waits for (then pid 1 reaps it).
bool Gone(pid_t pid) {
  if (kill(pid, 0) != 0) return true;
  const std::string stat = zfleet::testing::ReadFile(absl::StrCat("/proc/", pid, "/stat"));
  const size_t paren = stat.rfind(')');
  return paren != std::string::npos && stat.compare(paren, 4, ") Z ") == 0;
}

// Polls `done` every 20 ms for at most 10 s.
bool Eventually(const std::function<bool()>& done) {
  for (int i = 0; i < 500; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

// A program that exits while a helper it started still holds its output (a wrapper that
// backgrounds something) is done: Run returns its exit code at once, not at the timeout,
// and the helper goes with the program's process group.
TEST(CommandRunnerTest, ExitedProgramIsNotHeldByAHelperKeepingItsOutputOpen) {
  Timed t = RunTimed({"sh", "-c", "sleep 30 & echo $!; exit 3"}, absl::Seconds(20));
  ASSERT_TRUE(t.result.ok()) << t.result.status();
  EXPECT_EQ(t.result->exit_code, 3);
  EXPECT_LT(t.elapsed, std::chrono::seconds(10));
  pid_t helper = 0;
  ASSERT_TRUE(absl::SimpleAtoi(absl::StripTrailingAsciiWhitespace(t.result->stdout_text), &helper))
      << t.result->stdout_text;
  EXPECT_TRUE(Eventually([&] { return Gone(helper); })) << "helper " << helper << " still runs";
  if (!Gone(helper)) kill(helper, SIGKILL);
}

// Holds a process in its exit after SIGKILL, as the kernel holds a program in
// uninterruptible sleep: a tracer process seizes it with PTRACE_O_TRACEEXIT and keeps it in
// that stop until Release(). The traced process names itself by writing its pid to a file.
class ExitHolder {
 public:
  explicit ExitHolder(const std::string& pid_file) {
    int report[2], release[2];
    // Close-on-exec: the traced program must not hold the release pipe open itself.
    if (pipe2(report, O_CLOEXEC) != 0 || pipe2(release, O_CLOEXEC) != 0) return;
    tracer_ = fork();
    if (tracer_ == 0) {
      close(report[0]);
      close(release[1]);
      Trace(pid_file.c_str(), report[1], release[0]);  // only system calls after fork
    }
    close(report[1]);
    close(release[0]);
    report_fd_ = report[0];
    release_fd_ = release[1];
  }
  ~ExitHolder() {
    Release();
    if (report_fd_ >= 0) close(report_fd_);
    if (tracer_ <= 0) return;
    for (int i = 0; i < 250; ++i) {  // up to 5 s to detach and exit
      if (waitpid(tracer_, nullptr, WNOHANG) != 0) return;
      usleep(20 * 1000);
    }
    // A tracer that is gone detaches its tracee: nothing stays held.
    kill(tracer_, SIGKILL);
    waitpid(tracer_, nullptr, 0);
  }

  // What the tracer reported, waiting at most `timeout_ms` for each report until the last:
  // "S" once it seized the process, "SE" once that process stopped in its exit; "F" when
  // it could not trace.
  std::string Reports(int timeout_ms) {
    pollfd p = {report_fd_, POLLIN, 0};
    char c;
    while (reports_ != "SE" && reports_ != "F" && report_fd_ >= 0 &&
           poll(&p, 1, timeout_ms) == 1 && read(report_fd_, &c, 1) == 1) {
      reports_ += c;
    }
    return reports_;
  }
  // Lets the held process finish exiting.
  void Release() {
    if (release_fd_ >= 0) close(release_fd_);
    release_fd_ = -1;
  }

 private:
  [[noreturn]] static void Trace(const char* pid_file, int report_fd, int release_fd) {
    pid_t pid = 0;
    for (int i = 0; i < 1000 && pid == 0; ++i) {  // up to 10 s for the program to start
      char buf[32] = {};
      int fd = open(pid_file, O_RDONLY);
      ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : 0;
      if (fd >= 0) close(fd);
      if (n > 0 && buf[n - 1] == '\n') pid = static_cast<pid_t>(std::atoi(buf));
      if (pid == 0) usleep(10 * 1000);
    }
    if (pid <= 0 || ptrace(PTRACE_SEIZE, pid, nullptr, PTRACE_O_TRACEEXIT) != 0) {
      (void)!write(report_fd, "F", 1);
      _exit(1);
    }
    (void)!write(report_fd, "S", 1);
    int status = 0;
    while (waitpid(pid, &status, __WALL) == pid) {
      if (status >> 8 == (SIGTRAP | (PTRACE_EVENT_EXIT << 8))) {
        (void)!write(report_fd, "E", 1);
        break;
      }
      // Any other stop: let it go on with its signal.
      ptrace(PTRACE_CONT, pid, nullptr, WIFSTOPPED(status) ? WSTOPSIG(status) : 0);
    }
    char c;
    (void)!read(release_fd, &c, 1);  // until Release() or the test process is gone
    ptrace(PTRACE_DETACH, pid, nullptr, 0);
    _exit(0);
  }

  pid_t tracer_ = -1;
  int report_fd_ = -1;
  int release_fd_ = -1;
  std::string reports_;
};

TEST(CommandRunnerTest, ProgramThatOutlivesSigkillIsLeftBehindAndReapedLater) {
  zfleet::testing::TempDir dir;
  const std::string pid_file = dir.File("pid");
  ExitHolder holder(pid_file);
  SubprocessRunner runner(/*kill_wait=*/absl::Milliseconds(300));
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<CommandResult> r =
      runner.Run({"sh", "-c", "echo $$ >" + pid_file + "; exec sleep 30"}, absl::Seconds(3));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  const std::string reports = holder.Reports(/*timeout_ms=*/1000);
  if (reports == "F") {
    if (std::getenv("CI") != nullptr) FAIL() << "cannot ptrace a child here";
    GTEST_SKIP() << "cannot ptrace a child here";
  }
  ASSERT_EQ(reports, "SE") << "the kernel did not hold the SIGKILLed process in its exit";
  pid_t pid = 0;
  ASSERT_TRUE(absl::SimpleAtoi(
      absl::StripTrailingAsciiWhitespace(zfleet::testing::ReadFile(pid_file)), &pid));

  EXPECT_EQ(r.status().code(), absl::StatusCode::kDeadlineExceeded) << r.status();
  EXPECT_THAT(r.status().message(),
              HasSubstr("timed out after 3s and did not exit after SIGKILL (uninterruptible "
                        "sleep?); left behind as pid " +
                        std::to_string(pid)));
  EXPECT_LT(elapsed, std::chrono::seconds(10));  // the timeout and the kill wait, not 30 s
  EXPECT_EQ(runner.LeftBehind(), 1);

  // Once it can exit, a later Run reaps it: no zombie stays behind.
  holder.Release();
  EXPECT_TRUE(Eventually([&] {
    EXPECT_TRUE(runner.Run({"true"}, kGenerous).ok());
    return runner.LeftBehind() == 0;
  }));
  EXPECT_TRUE(Gone(pid));
}

TEST(CommandRunnerTest, InfiniteTimeoutMeansNoTimeout) {
  SubprocessRunner runner;
  absl::StatusOr<CommandResult> r = runner.Run({"sh", "-c", "echo ok"}, absl::InfiniteDuration());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->stdout_text, "ok\n");
}

TEST(CommandRunnerTest, LargeOutputOnBothStreamsIsComplete) {
  // 1 MiB on each stream: far beyond a pipe buffer, so both must be drained together.
  SubprocessRunner runner;
  absl::StatusOr<CommandResult> r = runner.Run(
      {"sh", "-c", "head -c 1048576 /dev/zero | tr '\\0' a; head -c 1048576 /dev/zero >&2"},
      kGenerous);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->exit_code, 0);
  ASSERT_EQ(r->stdout_text.size(), 1048576u);
  EXPECT_EQ(r->stdout_text.find_first_not_of('a'), std::string::npos);
  EXPECT_EQ(r->stderr_text.size(), 1048576u);
}

TEST(CommandRunnerTest, ArgvIsPassedVerbatimWithoutAShell) {
  const std::vector<std::string> args = {"$(id)", "`id`", "a b", "*", "'q'", "", "x;y", "$HOME"};
  std::vector<std::string> argv = {"printf", "[%s]\\n"};
  argv.insert(argv.end(), args.begin(), args.end());
  SubprocessRunner runner;
  absl::StatusOr<CommandResult> r = runner.Run(argv, kGenerous);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->stdout_text, "[$(id)]\n[`id`]\n[a b]\n[*]\n['q']\n[]\n[x;y]\n[$HOME]\n");
}

TEST(CommandRunnerTest, ConcurrentRunsDoNotMixOutput) {
  // Thread-safety: two runs at once each get their own output.
  SubprocessRunner runner;
  absl::StatusOr<CommandResult> a, b;
  std::thread ta([&] { a = runner.Run({"sh", "-c", "echo first"}, kGenerous); });
  std::thread tb([&] { b = runner.Run({"sh", "-c", "echo second >&2"}, kGenerous); });
  ta.join();
  tb.join();
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(a->stdout_text, "first\n");
  EXPECT_EQ(a->stderr_text, "");
  EXPECT_EQ(b->stdout_text, "");
  EXPECT_EQ(b->stderr_text, "second\n");
}

}  // namespace
}  // namespace zfleet::agent
