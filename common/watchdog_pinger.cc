#include "common/watchdog_pinger.h"

#include <utility>

#include "common/log.h"

namespace zfleet {

WatchdogPinger::WatchdogPinger(absl::Duration period, std::function<bool()> alive,
                               std::function<void()> ping, std::string what)
    : period_(period), alive_(std::move(alive)), ping_(std::move(ping)), what_(std::move(what)) {}

void WatchdogPinger::Start() {
  absl::MutexLock lock(&mu_);
  if (running_) return;
  running_ = true;
  stop_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void WatchdogPinger::Stop() {
  {
    absl::MutexLock lock(&mu_);
    if (!running_) return;
    stop_ = true;
  }
  thread_.join();
  absl::MutexLock lock(&mu_);
  running_ = false;
}

void WatchdogPinger::Loop() {
  bool pinging = true;
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (mu_.AwaitWithTimeout(absl::Condition(&stop_), period_)) return;
    }
    const bool alive = alive_();
    // One line when the pings stop and one when they resume: systemd's own line ("Watchdog
    // timeout") does not say what was stuck.
    if (alive != pinging) {
      if (alive) {
        spdlog::info("{} moves again: pinging systemd's watchdog again", what_);
      } else {
        spdlog::error(
            "{} shows no progress: systemd's watchdog is no longer pinged and will "
            "restart the service",
            what_);
      }
      pinging = alive;
    }
    if (alive) ping_();
  }
}

}  // namespace zfleet
