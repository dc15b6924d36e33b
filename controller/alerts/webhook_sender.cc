#include "controller/alerts/webhook_sender.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "nlohmann/json.hpp"

namespace zfleet::controller {
namespace {

absl::Status DefaultPost(const HttpEndpoint& endpoint, const std::string& json) {
  // The URL itself is the receiver's address; "/" when it names no path.
  return HttpPostJson(endpoint, endpoint.parsed.path.empty() ? "/" : "", json);
}

}  // namespace

absl::StatusOr<WebhookSenderOptions> WebhookSenderOptionsFrom(const WebhookConfig& config) {
  WebhookSenderOptions options;
  options.max_backoff = config.max_backoff;
  for (const std::string& url : config.urls) {
    absl::StatusOr<HttpEndpoint> endpoint = MakeHttpEndpoint("webhook", url, config);
    if (!endpoint.ok()) return endpoint.status();
    options.targets.push_back(*std::move(endpoint));
  }
  return options;
}

absl::Duration WebhookBackoff(int failures, absl::Duration first, absl::Duration max) {
  absl::Duration wait = first;
  for (int i = 1; i < failures && wait < max; ++i) wait *= 2;
  return std::min(wait, max);
}

absl::StatusOr<std::string> WithNotificationId(const std::string& body, int64_t id) {
  using Json = nlohmann::ordered_json;
  Json parsed = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object()) {
    return absl::InvalidArgumentError(absl::StrCat("notification ", id, " is not a JSON object"));
  }
  Json doc;
  doc["id"] = id;
  for (auto& [key, value] : parsed.items()) {
    if (key != "id") doc[key] = std::move(value);
  }
  return doc.dump(-1, ' ', false, Json::error_handler_t::replace);
}

WebhookSender::WebhookSender(WebhookSenderOptions options, NotificationQueue& queue,
                             const Clock& clock, PostFn post)
    : options_(std::move(options)),
      queue_(queue),
      clock_(clock),
      post_(post ? std::move(post) : PostFn(DefaultPost)),
      threads_(options_.targets.size(), options_.poll, [this](size_t i) { RunTarget(i); }) {
  for (const HttpEndpoint& endpoint : options_.targets) {
    targets_.push_back(std::make_unique<Target>(endpoint));
    WebhookTargetStats stats;
    stats.url = endpoint.url;
    stats_.push_back(std::move(stats));
  }
}

WebhookSender::~WebhookSender() { Stop(); }

void WebhookSender::Wake() { threads_.Wake(); }

void WebhookSender::RunOnce() {
  for (size_t i = 0; i < targets_.size(); ++i) RunTarget(i);
}

void WebhookSender::Note(size_t i, const std::function<void(WebhookTargetStats&)>& change) {
  absl::MutexLock lock(&mu_);
  change(stats_[i]);
}

void WebhookSender::RunTarget(size_t i) {
  Target& target = *targets_[i];
  absl::MutexLock round(&target.round_mu);
  if (clock_.Now() < target.retry_at) return;
  for (int n = 0; n < options_.max_per_round && !threads_.stopping(); ++n) {
    if (!SendOne(i, target)) break;
  }
}

bool WebhookSender::SendOne(size_t i, Target& target) {
  const std::string& url = target.endpoint.url;
  absl::StatusOr<std::optional<QueuedNotification>> next = queue_.Next(url);
  if (!next.ok()) {
    spdlog::error("webhook {}: reading its queue: {}", url, next.status().message());
    return false;
  }
  if (!next->has_value()) return false;
  const QueuedNotification& n = **next;
  absl::StatusOr<std::string> body = WithNotificationId(n.body, n.id);
  const absl::Status status = body.ok() ? post_(target.endpoint, *body) : body.status();
  if (status.ok() || absl::IsInvalidArgument(status)) {
    if (!status.ok()) {
      spdlog::error("{}; notification {} dropped", status.message(), n.id);
    }
    if (absl::Status done = queue_.Done(url, n.id); !done.ok()) {
      // It stays queued and goes again: at least once.
      spdlog::error("webhook {}: recording notification {}: {}", url, n.id, done.message());
      return false;
    }
    const int failures = std::exchange(target.failures, 0);
    target.retry_at = absl::InfinitePast();
    Note(i, [&](WebhookTargetStats& s) {
      if (status.ok() && s.failing) {
        spdlog::info("webhook {}: taking notifications again after {} failed posts", url, failures);
      }
      if (status.ok()) {
        s.failing = false;
        s.last_error.clear();
      }
      ++(status.ok() ? s.sent : s.refused);
    });
    return true;
  }
  if (absl::Status failed = queue_.Failed(url, n.id); !failed.ok()) {
    spdlog::error("webhook {}: counting a failed post: {}", url, failed.message());
  }
  ++target.failures;
  const absl::Duration wait =
      WebhookBackoff(target.failures, options_.first_backoff, options_.max_backoff);
  target.retry_at = clock_.Now() + wait;
  Note(i, [&](WebhookTargetStats& s) {
    // One line when the URL starts failing, not one per retry.
    if (!s.failing) {
      spdlog::warn("{}; notifications are kept and retried with back-off", status.message());
    }
    s.failing = true;
    s.last_error = std::string(status.message());
    ++s.posts_failed;
  });
  return false;
}

void WebhookSender::Start() { threads_.Start(); }

void WebhookSender::Stop() { threads_.Stop(); }

std::vector<WebhookTargetStats> WebhookSender::Stats() const {
  absl::MutexLock lock(&mu_);
  return stats_;
}

}  // namespace zfleet::controller
