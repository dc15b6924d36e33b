#include "controller/controller.h"

#include <utility>

#include "common/log.h"
#include "controller/events/event_tick.h"

namespace zfleet::controller {

absl::StatusOr<std::unique_ptr<Controller>> Controller::Open(const std::string& db_path,
                                                             const ControllerConfig* config,
                                                             const Clock* clock) {
  absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(db_path);
  if (!store.ok()) return store.status();
  auto controller = std::make_unique<Controller>(store->get(), config, clock);
  controller->owned_store_ = *std::move(store);
  return controller;
}

Controller::Controller(Store* store, const ControllerConfig* config, const Clock* clock)
    : store_(store),
      config_(config),
      clock_(clock),
      reports_(store, &store_mu_, config, clock),
      fleet_(store, &store_mu_, config, clock),
      events_(store, &store_mu_, config, clock),
      schedule_(store, &store_mu_, config, clock),
      admin_(store, &store_mu_, config, clock),
      liveness_(store, &store_mu_, config, clock),
      ticker_(config->scheduler.tick, [this] { Tick(); }) {
  fleet_.set_on_scrub_requested([this] { ticker_.Kick(); });
}

Controller::~Controller() { StopTicking(); }

void Controller::Tick() {
  // A full disk fails every step of every tick; the store's health logs it once a minute.
  auto report = [this](absl::string_view what, const absl::Status& s) {
    if (IsDiskFull(s)) {
      store_->health().ObserveFailure(s, clock_->Now());
    } else if (!s.ok()) {
      spdlog::error("{}: {}", what, s.message());
    }
  };
  report("scheduler", schedule_.Tick());
  absl::MutexLock lock(&store_mu_);
  report("event checks", OnTick(*store_, *config_, clock_->Now()));
}

void Controller::StartTicking() { ticker_.Start(); }

void Controller::StopTicking() { ticker_.Stop(); }

}  // namespace zfleet::controller
