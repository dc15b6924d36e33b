// Time is injected: pure code takes an absl::Time, loops take a Clock.
#ifndef ZFLEET_COMMON_CLOCK_H_
#define ZFLEET_COMMON_CLOCK_H_

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace zfleet {

// Thread-safe source of the current time.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

// The wall clock. The only place in zfleet that reads absl::Now().
class SystemClock final : public Clock {
 public:
  absl::Time Now() const override;
  static const SystemClock& Get();
};

// A clock that never jumps (CLOCK_MONOTONIC, counted from an arbitrary epoch): for how long
// something took or how old it is, where a step of the wall clock (NTP, a resumed VM) must
// not look like a stall. Its times are no dates: never show, store or send them.
class MonotonicClock final : public Clock {
 public:
  absl::Time Now() const override;
  static const MonotonicClock& Get();
};

// A clock tests move by hand. Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(absl::Time start) : now_(start) {}
  absl::Time Now() const override {
    absl::MutexLock lock(&mu_);
    return now_;
  }
  void Advance(absl::Duration d) {
    absl::MutexLock lock(&mu_);
    now_ += d;
  }
  void Set(absl::Time t) {
    absl::MutexLock lock(&mu_);
    now_ = t;
  }

 private:
  mutable absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
};

}  // namespace zfleet

#endif  // ZFLEET_COMMON_CLOCK_H_
