#include "controller/alerts/target_threads.h"

#include <utility>

#include "common/clock.h"

namespace zfleet::controller {

TargetThreads::TargetThreads(size_t targets, absl::Duration poll, std::function<void(size_t)> round)
    : targets_(targets), poll_(poll), round_(std::move(round)) {}

TargetThreads::~TargetThreads() { Stop(); }

void TargetThreads::Wake() {
  absl::MutexLock lock(&mu_);
  ++generation_;
  wake_.SignalAll();
}

bool TargetThreads::stopping() const {
  absl::MutexLock lock(&mu_);
  return stop_;
}

void TargetThreads::Loop(size_t i) {
  uint64_t seen = 0;
  while (true) {
    round_(i);
    absl::MutexLock lock(&mu_);
    const absl::Time deadline = MonotonicClock::Get().Now() + poll_;
    while (!stop_ && generation_ == seen) {
      const absl::Duration left = deadline - MonotonicClock::Get().Now();
      if (left <= absl::ZeroDuration()) break;
      wake_.WaitWithTimeout(&mu_, left);
    }
    if (stop_) return;
    seen = generation_;
  }
}

void TargetThreads::Start() {
  absl::MutexLock lifecycle(&lifecycle_mu_);
  {
    absl::MutexLock lock(&mu_);
    if (running_) return;
    running_ = true;
    stop_ = false;
  }
  for (size_t i = 0; i < targets_; ++i) threads_.emplace_back([this, i] { Loop(i); });
}

void TargetThreads::Stop() {
  absl::MutexLock lifecycle(&lifecycle_mu_);
  {
    absl::MutexLock lock(&mu_);
    if (!running_) return;
    stop_ = true;
    wake_.SignalAll();
  }
  for (std::thread& t : threads_) t.join();
  threads_.clear();
  absl::MutexLock lock(&mu_);
  running_ = false;
}

}  // namespace zfleet::controller
