// What on-call sees while the fleet reports: the real `zfleet status` run against the
// controller every few seconds during ingest_bench's load, each run's wall time measured
// from fork to exit (connecting, the controller's answer, rendering every pool).
#ifndef ZFLEET_TESTS_BENCH_INGEST_STATUS_H_
#define ZFLEET_TESTS_BENCH_INGEST_STATUS_H_

#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace zfleet::bench {

struct StatusFigures {
  int runs = 0;
  int failures = 0;            // exit code not 0, or no exit within the timeout
  std::vector<float> seconds;  // of the runs that succeeded
  std::vector<int64_t> started_at_ms;  // UnixMillis() at each run's start
  std::string first_failure;
};

// Runs `cli --controller ADDRESS status` (plaintext) every `every` on a thread of its own
// from Start() until Stop(), one run at a time; a run taking longer than `timeout` is killed
// and counted as failed. Its stderr goes to `log_path`. Start and Stop from one thread.
class StatusProber {
 public:
  StatusProber(std::string cli, std::string address, std::string log_path, absl::Duration every,
               absl::Duration timeout);
  ~StatusProber();  // Stop()
  StatusProber(const StatusProber&) = delete;
  StatusProber& operator=(const StatusProber&) = delete;

  void Start();
  // Waits for the run in progress, if any, to end. Idempotent.
  void Stop();
  // What the runs so far gave.
  StatusFigures Figures() const;

 private:
  void Loop();

  const std::string cli_, address_, log_path_;
  const absl::Duration every_, timeout_;
  std::thread thread_;
  mutable absl::Mutex mu_;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  StatusFigures figures_ ABSL_GUARDED_BY(mu_);
};

// One line: "LABEL status: N runs  p50 X ms  max Y ms  failures F", and the first failure.
void PrintStatusFigures(const char* label, const StatusFigures& f);

}  // namespace zfleet::bench

#endif  // ZFLEET_TESTS_BENCH_INGEST_STATUS_H_
