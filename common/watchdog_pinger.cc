#include "common/watchdog_pinger.h"

#include <utility>

#include "common/log.h"

namespace zfleet {

WatchdogPinger::WatchdogPinger(absl::Duration period, std::function<bool()> alive,
                               std::function<void()> ping, std::string what)
    : alive_(std::move(alive)),
      ping_(std::move(ping)),
      what_(std::move(what)),
      runner_(period, [this] { Check(); }, /*first_after=*/period) {}

void WatchdogPinger::Check() {
  const bool alive = alive_();
  // One line when the pings stop and one when they resume: systemd's own line ("Watchdog
  // timeout") does not say what was stuck.
  if (alive != pinging_) {
    if (alive) {
      spdlog::info("{} moves again: pinging systemd's watchdog again", what_);
    } else {
      spdlog::error(
          "{} shows no progress: systemd's watchdog is no longer pinged and will restart "
          "the service",
          what_);
    }
    pinging_ = alive;
  }
  if (alive) ping_();
}

}  // namespace zfleet
