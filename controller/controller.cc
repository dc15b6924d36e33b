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
      ticker_(config->scheduler.tick, [this] { Tick(); }) {
  fleet_.set_on_scrub_requested([this] { ticker_.Kick(); });
}

Controller::~Controller() { StopTicking(); }

void Controller::Tick() {
  if (absl::Status s = schedule_.Tick(); !s.ok()) spdlog::error("scheduler: {}", s.message());
  absl::MutexLock lock(&store_mu_);
  if (absl::Status s = OnTick(*store_, *config_, clock_->Now()); !s.ok()) {
    spdlog::error("event checks: {}", s.message());
  }
}

void Controller::StartTicking() { ticker_.Start(); }

void Controller::StopTicking() { ticker_.Stop(); }

}  // namespace zfleet::controller
