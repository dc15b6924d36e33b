// Runs a function every `period` on its own thread, and at once when kicked (e.g. after a
// manual scrub request, so it need not wait for the next period).
#ifndef ZFLEET_COMMON_PERIODIC_RUNNER_H_
#define ZFLEET_COMMON_PERIODIC_RUNNER_H_

#include <functional>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace zfleet {

// Thread-safe. Start()/Stop() are idempotent; the destructor stops.
class PeriodicRunner {
 public:
  // The first run comes `first_after` after Start() (at once by default), then one every
  // `period` (real time).
  PeriodicRunner(absl::Duration period, std::function<void()> fn,
                 absl::Duration first_after = absl::ZeroDuration())
      : period_(period), first_after_(first_after), fn_(std::move(fn)) {}
  ~PeriodicRunner() { Stop(); }
  PeriodicRunner(const PeriodicRunner&) = delete;
  PeriodicRunner& operator=(const PeriodicRunner&) = delete;

  void Start();
  void Stop();
  // Runs the function as soon as the thread is free; kicks coalesce.
  void Kick();

 private:
  void Loop();
  // Waits up to `timeout` for a kick or Stop(); false when stopped.
  bool Wait(absl::Duration timeout);

  const absl::Duration period_;
  const absl::Duration first_after_;
  const std::function<void()> fn_;
  absl::Mutex mu_;
  bool running_ ABSL_GUARDED_BY(mu_) = false;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  bool kicked_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace zfleet

#endif  // ZFLEET_COMMON_PERIODIC_RUNNER_H_
