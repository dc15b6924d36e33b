// Whether a loop is still making progress, for a watchdog: the loop calls Beat() whenever it
// gets somewhere, the watchdog asks Fresh() before it vouches for the process. How stale is
// too stale is the loop's own bound (the longest a healthy iteration takes), not the
// watchdog's interval: a loop that legitimately waits ten seconds on a network call is alive.
#ifndef ZFLEET_COMMON_HEARTBEAT_H_
#define ZFLEET_COMMON_HEARTBEAT_H_

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"

namespace zfleet {

// Pure: whether a beat at `last_beat` is recent enough at `now`. A beat "from the future"
// (a clock that went back) counts as recent.
bool HeartbeatFresh(absl::Time last_beat, absl::Time now, absl::Duration stale_after);

// Thread-safe: Beat() and Fresh() from any thread.
class Heartbeat {
 public:
  // `clock` must outlive the heartbeat; in a daemon MonotonicClock, so that a step of the
  // wall clock is not taken for a stall.
  Heartbeat(const Clock* clock, absl::Duration stale_after)
      : clock_(clock), stale_after_(stale_after) {}

  void Beat();
  // Whether Beat() was called at most `stale_after` ago; false before the first Beat().
  bool Fresh() const;
  // How long ago the last Beat() was; InfiniteDuration before the first.
  absl::Duration Age() const;
  absl::Duration stale_after() const { return stale_after_; }

 private:
  const Clock* const clock_;
  const absl::Duration stale_after_;
  mutable absl::Mutex mu_;
  absl::Time last_beat_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

}  // namespace zfleet

#endif  // ZFLEET_COMMON_HEARTBEAT_H_
