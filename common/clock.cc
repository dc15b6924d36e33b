#include "common/clock.h"

namespace zfleet {

absl::Time SystemClock::Now() const { return absl::Now(); }

const SystemClock& SystemClock::Get() {
  static const SystemClock* const clock = new SystemClock();
  return *clock;
}

}  // namespace zfleet
