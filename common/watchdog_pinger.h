// systemd's watchdog from the daemon's side: a thread that sends WATCHDOG=1 every half
// WatchdogSec=, but only while the daemon shows it is doing its job. A process that is up
// but wedged (a deadlocked lock, a loop stuck in a call) then falls silent, and systemd
// restarts it once WatchdogSec= passes without a ping.
#ifndef ZFLEET_COMMON_WATCHDOG_PINGER_H_
#define ZFLEET_COMMON_WATCHDOG_PINGER_H_

#include <functional>
#include <string>

#include "absl/time/time.h"
#include "common/periodic_runner.h"

namespace zfleet {

// Thread-safe. Start() and Stop() are idempotent; the destructor stops.
class WatchdogPinger {
 public:
  // Every `period` (real time; the first one period after Start(), since systemd arms its
  // watchdog at READY=1), asks `alive` and calls `ping` when it holds. `alive` runs on the
  // pinger's thread and should answer at once (read a Heartbeat): a blocked `alive` is a
  // missed ping, but also delays Stop(). `what` names what `alive` watches, for the log line
  // when pings stop and start again.
  WatchdogPinger(absl::Duration period, std::function<bool()> alive, std::function<void()> ping,
                 std::string what);
  WatchdogPinger(const WatchdogPinger&) = delete;
  WatchdogPinger& operator=(const WatchdogPinger&) = delete;

  void Start() { runner_.Start(); }
  void Stop() { runner_.Stop(); }

 private:
  // On the runner's thread.
  void Check();

  const std::function<bool()> alive_;
  const std::function<void()> ping_;
  const std::string what_;
  bool pinging_ = true;  // only the runner's thread reads and writes it
  PeriodicRunner runner_;  // last: its thread uses the members above
};

}  // namespace zfleet

#endif  // ZFLEET_COMMON_WATCHDOG_PINGER_H_
