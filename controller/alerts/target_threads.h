// One thread per target of a sender (an Alertmanager, a webhook URL), each running the
// sender's round for its target at start, after every Wake() and at least every `poll`,
// until Stop(). The senders' rounds do the work; this only schedules them.
#ifndef ZFLEET_CONTROLLER_ALERTS_TARGET_THREADS_H_
#define ZFLEET_CONTROLLER_ALERTS_TARGET_THREADS_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace zfleet::controller {

// Thread-safe. Start()/Stop() are idempotent; the destructor stops.
class TargetThreads {
 public:
  // `round(i)` runs target i's round; it must not call Start() or Stop().
  TargetThreads(size_t targets, absl::Duration poll, std::function<void(size_t)> round);
  ~TargetThreads();
  TargetThreads(const TargetThreads&) = delete;
  TargetThreads& operator=(const TargetThreads&) = delete;

  void Start();
  // Waits for the rounds under way to end.
  void Stop();
  // Every thread runs its round now (after the one under way, if any).
  void Wake();
  // Whether Stop() was asked: a long round checks it to end early.
  bool stopping() const;

 private:
  void Loop(size_t i);

  const size_t targets_;
  const absl::Duration poll_;
  const std::function<void(size_t)> round_;
  std::vector<std::thread> threads_;

  mutable absl::Mutex mu_;
  absl::CondVar wake_;
  uint64_t generation_ ABSL_GUARDED_BY(mu_) = 0;  // counts Wake()s
  bool running_ ABSL_GUARDED_BY(mu_) = false;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  absl::Mutex lifecycle_mu_;  // serializes Start() and Stop()
};

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_ALERTS_TARGET_THREADS_H_
