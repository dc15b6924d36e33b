#include "common/heartbeat.h"

namespace zfleet {

bool HeartbeatFresh(absl::Time last_beat, absl::Time now, absl::Duration stale_after) {
  return now - last_beat <= stale_after;
}

void Heartbeat::Beat() {
  const absl::Time now = clock_->Now();
  absl::MutexLock lock(&mu_);
  last_beat_ = now;
}

bool Heartbeat::Fresh() const {
  const absl::Time now = clock_->Now();
  absl::MutexLock lock(&mu_);
  return HeartbeatFresh(last_beat_, now, stale_after_);
}

absl::Duration Heartbeat::Age() const {
  const absl::Time now = clock_->Now();
  absl::MutexLock lock(&mu_);
  return now - last_beat_;
}

}  // namespace zfleet
