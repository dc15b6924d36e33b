#include "tests/bench/ingest_target.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "grpcpp/grpcpp.h"
#include "tests/testing/fleet_fixture.h"
#include "zfleet/v1/zfleet.grpc.pb.h"

namespace zfleet::bench {
namespace {

constexpr int kMaxReceiveBytes = 64 << 20;  // as the controller's server

std::string LastLine(const std::string& path) {
  std::ifstream in(path);
  std::string line, last;
  while (std::getline(in, line)) {
    if (!line.empty()) last = line;
  }
  return last.empty() ? "(nothing logged)" : last;
}

// Waits at most `timeout` for `pid` to exit; whether it did.
bool WaitExit(pid_t pid, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (true) {
    const pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid || r < 0) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

class EchoService final : public v1::AgentService::Service {
  grpc::Status Report(grpc::ServerContext*, const v1::ReportRequest*,
                      v1::ReportResponse* reply) override {
    reply->set_next_report_interval_s(30);
    reply->set_outcome(v1::REPORT_APPLIED);
    return grpc::Status::OK;
  }
};

// Forks and execs `argv` in a process group of its own, stdin from /dev/null, stdout to
// `out_fd`, stderr to `err_fd`, killed should this process die. Returns the pid, or -1.
pid_t SpawnChild(const std::vector<std::string>& argv, int out_fd, int err_fd) {
  std::vector<char*> cargv;
  for (const std::string& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid == 0) {  // only async-signal-safe calls until exec
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    sigset_t none;  // the bench blocks the stop signals for a thread of its own to take
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    const int devnull = open("/dev/null", O_RDWR);
    dup2(devnull, STDIN_FILENO);
    dup2(out_fd < 0 ? devnull : out_fd, STDOUT_FILENO);
    dup2(err_fd, STDERR_FILENO);
    execv(cargv[0], cargv.data());
    _exit(127);
  }
  return pid;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Target>> Target::Spawn(const std::vector<std::string>& argv,
                                                      const std::string& log_path) {
  const int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log < 0) return absl::UnavailableError(absl::StrCat("cannot write ", log_path));
  const pid_t pid = SpawnChild(argv, log, log);
  close(log);
  if (pid < 0) return absl::UnavailableError(absl::StrCat("cannot start ", argv[0]));
  return std::unique_ptr<Target>(new Target(pid));
}

absl::StatusOr<std::unique_ptr<Target>> Target::Start(const std::vector<std::string>& argv,
                                                      const std::string& log_path, int port,
                                                      absl::Duration ready_within) {
  absl::StatusOr<std::unique_ptr<Target>> spawned = Spawn(argv, log_path);
  if (!spawned.ok()) return spawned.status();
  std::unique_ptr<Target> target = *std::move(spawned);
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(absl::ToInt64Milliseconds(ready_within));
  while (!testing::AcceptsConnections(port)) {
    if (!target->Running()) {
      return absl::UnavailableError(
          absl::StrCat(argv[0], " exited before listening: ", LastLine(log_path)));
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      target->Stop();
      return absl::UnavailableError(absl::StrCat(argv[0], " did not listen on 127.0.0.1:", port,
                                                 " within ", absl::FormatDuration(ready_within),
                                                 ": ", LastLine(log_path)));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return target;
}

Target::~Target() { Stop(); }

bool Target::Running() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == 0) return true;
  pid_ = -1;
  return false;
}

void Target::Stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  if (!WaitExit(pid_, std::chrono::seconds(5))) {
    kill(-pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  pid_ = -1;
}

absl::StatusOr<Target::Usage> Target::Read() const {
  if (pid_ <= 0) return absl::FailedPreconditionError("the target has exited");
  const std::string proc = absl::StrCat("/proc/", pid_);
  std::stringstream stat;
  stat << std::ifstream(proc + "/stat").rdbuf();
  // After the command name, in parentheses: state is field 3; utime and stime 14 and 15.
  const std::string text = stat.str();
  const size_t paren = text.rfind(')');
  if (paren == std::string::npos) return absl::UnavailableError("cannot read " + proc + "/stat");
  const std::vector<std::string> fields =
      absl::StrSplit(text.substr(paren + 2), ' ', absl::SkipEmpty());
  int64_t utime = 0, stime = 0;
  if (fields.size() < 13 || !absl::SimpleAtoi(fields[11], &utime) ||
      !absl::SimpleAtoi(fields[12], &stime)) {
    return absl::UnavailableError("cannot parse " + proc + "/stat");
  }
  Usage usage;
  usage.cpu_seconds =
      static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
  std::ifstream status(proc + "/status");
  for (std::string line; std::getline(status, line);) {
    absl::string_view rest = line;
    double* into = absl::ConsumePrefix(&rest, "VmRSS:")     ? &usage.rss_mb
                   : absl::ConsumePrefix(&rest, "VmHWM:")   ? &usage.peak_rss_mb
                   : absl::ConsumePrefix(&rest, "RssAnon:") ? &usage.anon_rss_mb
                   : absl::ConsumePrefix(&rest, "RssFile:") ? &usage.file_rss_mb
                                                            : nullptr;
    int64_t kb = 0;
    if (into == nullptr) continue;
    if (!absl::SimpleAtoi(absl::StripSuffix(absl::StripAsciiWhitespace(rest), " kB"), &kb)) {
      return absl::UnavailableError("cannot parse " + proc + "/status");
    }
    *into = static_cast<double>(kb) * 1024 / 1e6;
  }
  return usage;
}

TimedRun RunTimed(const std::vector<std::string>& argv, const std::string& log_path,
                  absl::Duration timeout) {
  TimedRun run;
  const int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log < 0) return run;
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = SpawnChild(argv, -1, log);
  close(log);
  if (pid < 0) return run;
  const auto deadline = start + std::chrono::milliseconds(absl::ToInt64Milliseconds(timeout));
  int status = 0;
  // Polled every 2 ms: the wall time is what is measured, to well under its milliseconds.
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() >= deadline) {
      kill(-pid, SIGKILL);
      waitpid(pid, nullptr, 0);
      return run;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return run;
}

int RunEchoServer(int port) {
  EchoService service;
  int bound = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort(absl::StrCat("127.0.0.1:", port), grpc::InsecureServerCredentials(),
                           &bound);
  builder.SetMaxReceiveMessageSize(kMaxReceiveBytes);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || bound == 0) return 1;
  server->Wait();  // SIGTERM ends the process
  return 0;
}

}  // namespace zfleet::bench
