#include "common/periodic_runner.h"

namespace zfleet {

void PeriodicRunner::Start() {
  absl::MutexLock lock(&mu_);
  if (running_) return;
  running_ = true;
  stop_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void PeriodicRunner::Stop() {
  {
    absl::MutexLock lock(&mu_);
    if (!running_) return;
    stop_ = true;
  }
  thread_.join();
  absl::MutexLock lock(&mu_);
  running_ = false;
}

void PeriodicRunner::Kick() {
  absl::MutexLock lock(&mu_);
  kicked_ = true;
}

bool PeriodicRunner::Wait(absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  auto woken = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stop_ || kicked_; };
  mu_.AwaitWithTimeout(absl::Condition(&woken), timeout);
  kicked_ = false;
  return !stop_;
}

void PeriodicRunner::Loop() {
  if (first_after_ > absl::ZeroDuration() && !Wait(first_after_)) return;
  while (true) {
    fn_();
    if (!Wait(period_)) return;
  }
}

}  // namespace zfleet
