// The controller's webhook sink: POSTs every queued notification to every configured
// webhook URL, once, in the order they were queued, each URL on a thread of its own so the
// tick never waits on the network. The queue is the caller's (the controller's is in the
// store, so a restart loses nothing); a notification leaves a URL's queue only when the
// URL took it (2xx) or refused its content for good (HTTP 400, 413, 415, 422: logged and
// counted). Anything else (refused connection, timeout, 5xx, 401, 429…) keeps it at the
// head and retries after 1s, 2s, 4s… up to max_backoff: later notifications wait behind
// it, so a receiver sees an incident opened before it sees it resolved.
//
// At least once: a POST whose answer was lost, or whose success could not be recorded,
// is sent again. Every notification carries its "id" so a receiver can drop a repeat.
#ifndef ZFLEET_CONTROLLER_ALERTS_WEBHOOK_SENDER_H_
#define ZFLEET_CONTROLLER_ALERTS_WEBHOOK_SENDER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "controller/alerts/http_post.h"
#include "controller/alerts/target_threads.h"
#include "controller/config/controller_config.h"

namespace zfleet::controller {

struct QueuedNotification {
  int64_t id = 0;
  std::string body;  // a JSON object; sent with "id" added first
};

// The queue the sender takes notifications from, per URL. Implementations are thread-safe.
class NotificationQueue {
 public:
  virtual ~NotificationQueue() = default;
  // The oldest notification waiting for `url`; nullopt when none is.
  virtual absl::StatusOr<std::optional<QueuedNotification>> Next(const std::string& url) = 0;
  // `url` is done with `id` (took it, or refused it for good).
  virtual absl::Status Done(const std::string& url, int64_t id) = 0;
  // A POST of `id` to `url` failed.
  virtual absl::Status Failed(const std::string& url, int64_t id) = 0;
};

// One URL's counters, for /metrics.
struct WebhookTargetStats {
  std::string url;
  int64_t sent = 0;          // notifications the URL took
  int64_t refused = 0;       // dropped: the URL refused their content (HTTP 400, 413…)
  int64_t posts_failed = 0;  // POSTs that failed and will be retried
  bool failing = false;      // the last POST failed and its notification waits
  std::string last_error;    // its message; "" once a POST succeeds
};

struct WebhookSenderOptions {
  std::vector<HttpEndpoint> targets;  // empty: nothing is ever sent
  absl::Duration first_backoff = absl::Seconds(1);
  absl::Duration max_backoff = absl::Minutes(5);
  // How often an idle URL's thread looks for new notifications between Wake()s.
  absl::Duration poll = absl::Seconds(1);
  // POSTs per round and URL, so that Stop() is not held up by a long queue.
  int max_per_round = 100;
};

// The options of controller.toml's [webhook]. InvalidArgument for a bad URL (which
// ParseControllerConfig has already refused).
absl::StatusOr<WebhookSenderOptions> WebhookSenderOptionsFrom(const WebhookConfig& config);

// The wait before retry number `failures` (1, 2…): first × 2^(failures−1), at most `max`.
absl::Duration WebhookBackoff(int failures, absl::Duration first, absl::Duration max);

// `body` (a JSON object) with "id": `id` first. InvalidArgument when it is not an object.
absl::StatusOr<std::string> WithNotificationId(const std::string& body, int64_t id);

// Thread-safe. Start()/Stop() are idempotent; the destructor stops.
class WebhookSender {
 public:
  // POSTs one JSON body to a URL; the default is HttpPostJson to the URL itself.
  using PostFn = std::function<absl::Status(const HttpEndpoint&, const std::string& json)>;

  // `queue` and `clock` (not owned) must outlive the sender; the clock times the back-off.
  WebhookSender(WebhookSenderOptions options, NotificationQueue& queue, const Clock& clock,
                PostFn post = nullptr);
  ~WebhookSender();
  WebhookSender(const WebhookSender&) = delete;
  WebhookSender& operator=(const WebhookSender&) = delete;

  // Something was queued: the URLs' threads look now. Never blocks on the network.
  void Wake();
  // One round for every URL, in turn, on the caller's thread: unless backing off, POST
  // what waits, oldest first, until the queue is empty, a POST fails (back-off starts) or
  // max_per_round went. For tests and for callers without Start(). Logs one line when a
  // URL starts failing and one when it is back, not one per retry.
  void RunOnce();
  void Start();
  // Waits for a POST in flight (at most about 3 × the URL's timeout).
  void Stop();

  // A snapshot, one entry per URL in configuration order.
  std::vector<WebhookTargetStats> Stats() const;

 private:
  struct Target {
    explicit Target(HttpEndpoint e) : endpoint(std::move(e)) {}
    const HttpEndpoint endpoint;
    absl::Mutex round_mu;  // one round of this URL at a time (its thread and RunOnce)
    int failures ABSL_GUARDED_BY(round_mu) = 0;  // in a row
    absl::Time retry_at ABSL_GUARDED_BY(round_mu) = absl::InfinitePast();
  };

  // One round of URL `i` (RunOnce's, for one URL).
  void RunTarget(size_t i);
  // Delivers the head of URL `i`'s queue; false when the round is over.
  bool SendOne(size_t i, Target& target) ABSL_EXCLUSIVE_LOCKS_REQUIRED(target.round_mu);
  void Note(size_t i, const std::function<void(WebhookTargetStats&)>& change);

  const WebhookSenderOptions options_;
  NotificationQueue& queue_;
  const Clock& clock_;
  const PostFn post_;
  std::vector<std::unique_ptr<Target>> targets_;

  mutable absl::Mutex mu_;
  std::vector<WebhookTargetStats> stats_ ABSL_GUARDED_BY(mu_);
  TargetThreads threads_;  // last: stopped before the rest goes
};

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_ALERTS_WEBHOOK_SENDER_H_
