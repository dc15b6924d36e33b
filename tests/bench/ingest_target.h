// The child processes of ingest_bench, each measured the same way from /proc: the servers it
// loads (the real zfleet-controller, and a bare echo of AgentService.Report: this binary run
// with --echo) and the real zfleet-agent; and the timed runs of the zfleet CLI.
#ifndef ZFLEET_TESTS_BENCH_INGEST_TARGET_H_
#define ZFLEET_TESTS_BENCH_INGEST_TARGET_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace zfleet::bench {

// A server running as a child process. Not thread-safe.
class Target {
 public:
  // Runs `argv` (no shell; stdout and stderr appended to `log_path`) and waits at most
  // `ready_within` until it accepts connections on 127.0.0.1:`port`. The child is killed
  // should this process die first. Returns Unavailable, with the log's last line, when it
  // exits or does not listen in time (it is killed then).
  static absl::StatusOr<std::unique_ptr<Target>> Start(const std::vector<std::string>& argv,
                                                       const std::string& log_path, int port,
                                                       absl::Duration ready_within);
  // The same for a process that listens on nothing (the agent): running once exec'd.
  static absl::StatusOr<std::unique_ptr<Target>> Spawn(const std::vector<std::string>& argv,
                                                       const std::string& log_path);
  ~Target();  // Stop()
  Target(const Target&) = delete;
  Target& operator=(const Target&) = delete;

  struct Usage {
    double cpu_seconds = 0;  // user + system, since the start
    double rss_mb = 0;       // VmRSS
    double peak_rss_mb = 0;  // VmHWM
    // VmRSS split: the process's own memory, and pages of its binary and shared libraries
    // (shared with other processes mapping the same files).
    double anon_rss_mb = 0;  // RssAnon
    double file_rss_mb = 0;  // RssFile
  };
  // What /proc says of the child now; an error once it has exited.
  absl::StatusOr<Usage> Read() const;
  bool Running();
  // SIGTERM, then SIGKILL after 5 s. Idempotent.
  void Stop();
  pid_t pid() const { return pid_; }

 private:
  explicit Target(pid_t pid) : pid_(pid) {}
  pid_t pid_;
};

// A program run to its end as a child (no shell; stdout to /dev/null, stderr appended to
// `log_path`), killed with its process group after `timeout` or should this process die.
struct TimedRun {
  int exit_code = -1;  // -1: could not start, or killed at the timeout
  double seconds = 0;  // wall time from fork to exit
};
TimedRun RunTimed(const std::vector<std::string>& argv, const std::string& log_path,
                  absl::Duration timeout);

// The bare echo: AgentService on 127.0.0.1:`port` whose Report answers a fixed
// ReportResponse and does nothing else; gRPC options as the controller's. Blocks until
// killed; returns 1 when it cannot listen.
int RunEchoServer(int port);

}  // namespace zfleet::bench

#endif  // ZFLEET_TESTS_BENCH_INGEST_TARGET_H_
