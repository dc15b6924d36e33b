#include "common/clock.h"

#include <chrono>

namespace zfleet {

absl::Time SystemClock::Now() const { return absl::Now(); }

const SystemClock& SystemClock::Get() {
  static const SystemClock* const clock = new SystemClock();
  return *clock;
}

absl::Time MonotonicClock::Now() const {
  return absl::UnixEpoch() + absl::FromChrono(std::chrono::steady_clock::now().time_since_epoch());
}

const MonotonicClock& MonotonicClock::Get() {
  static const MonotonicClock* const clock = new MonotonicClock();
  return *clock;
}

}  // namespace zfleet
