#include "agent/host/command_runner.h"

#include <sys/stat.h>

#include <chrono>
#include <thread>
#include <string>
#include <vector>

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
