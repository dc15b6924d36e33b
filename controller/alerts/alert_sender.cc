#include "controller/alerts/alert_sender.h"

#include <algorithm>
#include <utility>

#include "common/log.h"
#include "controller/alerts/alertmanager_json.h"

namespace zfleet::controller {
namespace {

constexpr char kAlertsPath[] = "/api/v2/alerts";

absl::Status DefaultPost(const HttpEndpoint& endpoint, const std::string& json) {
  return HttpPostJson(endpoint, kAlertsPath, json);
}

}  // namespace

absl::StatusOr<AlertSenderOptions> AlertSenderOptionsFrom(const AlertsConfig& config) {
  AlertSenderOptions options;
  options.policy = DispatchPolicy::ForResend(config.resend);
  for (const std::string& url : config.alertmanagers) {
    absl::StatusOr<HttpEndpoint> endpoint = MakeHttpEndpoint("alertmanager", url, config);
    if (!endpoint.ok()) return endpoint.status();
    options.targets.push_back(*std::move(endpoint));
  }
  return options;
}

AlertSender::AlertSender(AlertSenderOptions options, const Clock& clock, PostFn post)
    : options_(std::move(options)),
      clock_(clock),
      post_(post ? std::move(post) : PostFn(DefaultPost)),
      input_(std::make_shared<const Input>()),
      threads_(options_.targets.size(), options_.poll, [this](size_t i) { RunTarget(i); }) {
  for (const HttpEndpoint& endpoint : options_.targets) {
    targets_.push_back(std::make_unique<Target>(endpoint, options_.policy));
    AlertTargetStats stats;
    stats.url = endpoint.url;
    stats_.push_back(std::move(stats));
  }
}

AlertSender::~AlertSender() { Stop(); }

void AlertSender::Update(std::vector<Alert> firing, std::vector<Alert> resolved) {
  auto input = std::make_shared<const Input>(Input{std::move(firing), std::move(resolved)});
  {
    absl::MutexLock lock(&mu_);
    input_ = std::move(input);
  }
  threads_.Wake();
}

void AlertSender::RunOnce() {
  for (size_t i = 0; i < targets_.size(); ++i) RunTarget(i);
}

void AlertSender::RunTarget(size_t i) {
  std::shared_ptr<const Input> input;
  {
    absl::MutexLock lock(&mu_);
    input = input_;
  }
  Target& target = *targets_[i];
  absl::MutexLock round(&target.round_mu);
  const absl::Time now = clock_.Now();
  const std::vector<Alert> due = target.dispatch.Plan(input->firing, input->resolved, now);
  const size_t batch = std::max<size_t>(options_.max_batch, 1);
  for (size_t begin = 0; begin < due.size(); begin += batch) {
    const std::vector<Alert> chunk(due.begin() + begin,
                                   due.begin() + std::min(due.size(), begin + batch));
    const absl::Status status =
        post_(target.endpoint, AlertmanagerJson(chunk, now, options_.policy.expire_after));
    if (!status.ok()) {
      target.dispatch.MarkFailed(clock_.Now());
      Record(i, status, 0, target.dispatch.tracked());
      return;
    }
    target.dispatch.MarkSent(chunk, now);
    Record(i, status, chunk.size(), target.dispatch.tracked());
  }
  absl::MutexLock lock(&mu_);
  stats_[i].tracked = static_cast<int64_t>(target.dispatch.tracked());
}

void AlertSender::Record(size_t i, const absl::Status& status, size_t alerts, int64_t tracked) {
  absl::MutexLock lock(&mu_);
  AlertTargetStats& s = stats_[i];
  s.tracked = tracked;
  if (status.ok()) {
    if (s.failing) {
      spdlog::info("alertmanager {}: accepting alerts again after {} failed posts", s.url,
                   s.posts_failed);
    }
    s.failing = false;
    s.last_error.clear();
    ++s.posts_ok;
    s.alerts_sent += static_cast<int64_t>(alerts);
    return;
  }
  // One line when the target starts failing, not one per retry.
  if (!s.failing) {
    spdlog::warn("{}; alerts are kept and retried with back-off", status.message());
  }
  s.failing = true;
  s.last_error = std::string(status.message());
  ++s.posts_failed;
}

void AlertSender::Start() { threads_.Start(); }

void AlertSender::Stop() { threads_.Stop(); }

std::vector<AlertTargetStats> AlertSender::Stats() const {
  absl::MutexLock lock(&mu_);
  return stats_;
}

}  // namespace zfleet::controller
