#include "controller/periodic_runner.h"

namespace zfleet::controller {

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

void PeriodicRunner::Loop() {
  while (true) {
    fn_();
    absl::MutexLock lock(&mu_);
    auto woken = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stop_ || kicked_; };
    mu_.AwaitWithTimeout(absl::Condition(&woken), period_);
    if (stop_) return;
    kicked_ = false;
  }
}

}  // namespace zfleet::controller
