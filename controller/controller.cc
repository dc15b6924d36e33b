#include "controller/controller.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "controller/events/event_tick.h"
#include "controller/incident_alerts.h"

namespace zfleet::controller {
namespace {

// Resolved incidents handed to the sink per tick: more resolve within its resolved_for only
// in a mass recovery, and those beyond it expire in Alertmanager on their own endsAt.
constexpr int kMaxResolvedAlerts = 10000;

// How long a report answered from memory waits for its last-seen time to be written: what
// a crash may lose of them, and how far behind a reader of the store may be.
constexpr absl::Duration kTouchWriteInterval = absl::Seconds(1);

// A tick slower than this is logged with its steps: reports that change something wait for
// the store while a step holds it.
constexpr absl::Duration kSlowTick = absl::Seconds(1);

// How long each step of one tick took, on the monotonic clock.
class TickTimes {
 public:
  template <typename Step>
  void Time(absl::string_view name, Step step) {
    const absl::Time start = MonotonicClock::Get().Now();
    step();
    const absl::Duration took = MonotonicClock::Get().Now() - start;
    total_ += took;
    absl::StrAppend(&steps_, steps_.empty() ? "" : ", ", name, " ",
                    absl::FormatDuration(absl::Trunc(took, absl::Milliseconds(1))));
  }

  void LogIfSlow() const {
    if (total_ < kSlowTick) return;
    spdlog::warn("tick: took {} ({})",
                 absl::FormatDuration(absl::Trunc(total_, absl::Milliseconds(1))), steps_);
  }

 private:
  absl::Duration total_;
  std::string steps_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Controller>> Controller::Open(const std::string& db_path,
                                                             const ControllerConfig* config,
                                                             const Clock* clock) {
  absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(db_path);
  if (!store.ok()) return store.status();
  std::unique_ptr<ReaderPool> readers;
  if (!IsInMemoryPath(db_path)) {
    absl::StatusOr<std::unique_ptr<ReaderPool>> opened = ReaderPool::Open(db_path, kReaders);
    if (!opened.ok()) return opened.status();
    readers = *std::move(opened);
  }
  Store* raw = store->get();
  return std::unique_ptr<Controller>(
      new Controller(*std::move(store), raw, std::move(readers), config, clock));
}

Controller::Controller(Store* store, const ControllerConfig* config, const Clock* clock)
    : Controller(nullptr, store, nullptr, config, clock) {}

Controller::Controller(std::unique_ptr<Store> owned_store, Store* store,
                       std::unique_ptr<ReaderPool> readers, const ControllerConfig* config,
                       const Clock* clock)
    : owned_store_(std::move(owned_store)),
      store_(store),
      readers_(std::move(readers)),
      config_(config),
      clock_(clock),
      watching_since_(clock->Now()),
      reports_(store, &store_mu_, config, clock),
      fleet_(store, &store_mu_, readers_.get(), config, clock),
      events_(store, &store_mu_, readers_.get(), config, clock),
      schedule_(store, &store_mu_, readers_.get(), config, clock),
      admin_(store, &store_mu_, readers_.get(), config, clock),
      liveness_(store, &store_mu_, config, clock),
      notification_queue_(store, &store_mu_),
      ticker_(config->scheduler.tick, [this] { Tick(); }),
      touch_writer_(
          kTouchWriteInterval, [this] { WriteTouches(); }, kTouchWriteInterval) {
  fleet_.set_on_scrub_requested([this] { ticker_.Kick(); });
  events_.set_watching_since(watching_since_);
  schedule_.set_watching_since(watching_since_);
  if (!config->alerts.alertmanagers.empty()) {
    // ParseControllerConfig has checked every URL, so this fails only for a config built by
    // hand; alerts are then off, said once.
    absl::StatusOr<AlertSenderOptions> options = AlertSenderOptionsFrom(config->alerts);
    if (options.ok()) {
      alerts_ = std::make_unique<AlertSender>(*std::move(options), *clock);
    } else {
      spdlog::error("alerts: none will be sent: {}", options.status().message());
    }
  }
  MakeWebhookSender();
}

void Controller::MakeWebhookSender() {
  if (config_->webhook.urls.empty()) return;
  absl::StatusOr<WebhookSenderOptions> options = WebhookSenderOptionsFrom(config_->webhook);
  if (!options.ok()) {
    spdlog::error("webhook: none will be sent: {}", options.status().message());
    return;
  }
  webhooks_ = std::make_unique<WebhookSender>(*std::move(options), notification_queue_, *clock_);
}

void Controller::ForgetRemovedWebhooks() {
  absl::MutexLock lock(&store_mu_);
  absl::StatusOr<int64_t> forgotten =
      store_->notifications().ForgetOtherUrls(config_->webhook.urls);
  if (!forgotten.ok()) {
    spdlog::error("webhook: {}", forgotten.status().message());
  } else if (*forgotten > 0) {
    spdlog::warn("webhook: dropped {} notifications queued for URLs no longer configured",
                 *forgotten);
  }
}

Controller::~Controller() { StopTicking(); }

absl::Status Controller::FeedAlerts() {
  if (alerts_ == nullptr) return absl::OkStatus();
  std::vector<v1::Incident> open, resolved;
  const absl::Time resolved_since =
      clock_->Now() - DispatchPolicy::ForResend(config_->alerts.resend).resolved_for;
  // After OnTick's commit, so a reader sees the incidents it opened and resolved.
  RETURN_IF_ERROR(ReadStore(readers_.get(), store_, &store_mu_, [&](Store& store) -> absl::Status {
    ASSIGN_OR_RETURN(open, store.incidents().ListOpen());
    ASSIGN_OR_RETURN(resolved,
                     store.incidents().ListResolvedSince(resolved_since, kMaxResolvedAlerts));
    return absl::OkStatus();
  }));
  alerts_->Update(IncidentAlerts(open), IncidentAlerts(resolved));
  return absl::OkStatus();
}

absl::StatusOr<std::string> Controller::Metrics() {
  std::vector<AlertSinkMetrics> sinks;
  for (const AlertTargetStats& s : AlertStats()) {
    sinks.push_back({s.url, s.alerts_sent, s.posts_failed, s.failing});
  }
  std::vector<WebhookSinkMetrics> webhooks;
  for (const WebhookTargetStats& s : WebhookStats()) {
    webhooks.push_back({.url = s.url,
                        .sent = s.sent,
                        .refused = s.refused,
                        .posts_failed = s.posts_failed,
                        .failing = s.failing});
  }
  return events_.Metrics(sinks, std::move(webhooks), reports_.path_metrics());
}

std::vector<WebhookTargetStats> Controller::WebhookStats() const {
  return webhooks_ == nullptr ? std::vector<WebhookTargetStats>() : webhooks_->Stats();
}

std::vector<AlertTargetStats> Controller::AlertStats() const {
  return alerts_ == nullptr ? std::vector<AlertTargetStats>() : alerts_->Stats();
}

void Controller::WriteTouches() {
  const absl::Status status = reports_.WriteTouches();
  // A full disk is counted and logged by the store's health.
  if (!status.ok() && !IsDiskFull(status)) spdlog::error("last-seen times: {}", status.message());
}

void Controller::Tick() {
  // A full disk fails every step of every tick; the store's health logs it once a minute.
  auto report = [this](absl::string_view what, const absl::Status& s) {
    if (IsDiskFull(s)) {
      store_->health().ObserveFailure(s, clock_->Now());
    } else if (!s.ok()) {
      spdlog::error("{}: {}", what, s.message());
    }
  };
  TickTimes times;
  // The tick judges liveness and load by what the store holds.
  times.Time("last-seen times", [&] { WriteTouches(); });
  times.Time("scheduler", [&] { report("scheduler", schedule_.Tick()); });
  times.Time("event checks", [&] {
    absl::MutexLock lock(&store_mu_);
    report("event checks", OnTick(*store_, *config_, clock_->Now(), watching_since_));
  });
  times.Time("alerts", [&] { report("alerts", FeedAlerts()); });
  if (webhooks_ != nullptr) webhooks_->Wake();
  times.LogIfSlow();
}

void Controller::StartTicking() {
  // A URL taken out of [webhook] will not be sent to again: its queue goes.
  ForgetRemovedWebhooks();
  ticker_.Start();
  reports_.set_shortcut(true);
  touch_writer_.Start();
  if (alerts_ != nullptr) alerts_->Start();
  if (webhooks_ != nullptr) webhooks_->Start();
}

void Controller::StopTicking() {
  ticker_.Stop();
  reports_.set_shortcut(false);
  touch_writer_.Stop();
  WriteTouches();
  if (alerts_ != nullptr) alerts_->Stop();
  if (webhooks_ != nullptr) webhooks_->Stop();
}

}  // namespace zfleet::controller
