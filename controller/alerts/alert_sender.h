// The controller's Alertmanager sink: takes the current alerts from the controller's tick
// and POSTs what is due (AlertDispatch) to every configured Alertmanager, each with its own
// state, on threads of its own, so the tick never waits on the network.
#ifndef ZFLEET_CONTROLLER_ALERTS_ALERT_SENDER_H_
#define ZFLEET_CONTROLLER_ALERTS_ALERT_SENDER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "controller/alerts/alert.h"
#include "controller/alerts/alert_dispatch.h"
#include "controller/alerts/http_post.h"
#include "controller/alerts/target_threads.h"
#include "controller/config/controller_config.h"

namespace zfleet::controller {

// One Alertmanager's counters, for /metrics.
struct AlertTargetStats {
  std::string url;
  int64_t alerts_sent = 0;  // alerts in accepted POSTs (a resend counts again)
  int64_t posts_ok = 0;
  int64_t posts_failed = 0;  // refused, timed out or answered with a non-2xx status
  bool failing = false;      // the last POST failed
  std::string last_error;    // its message; "" once a POST succeeds
  int64_t tracked = 0;       // alerts the target's dispatch state holds
};

struct AlertSenderOptions {
  std::vector<HttpEndpoint> targets;  // empty: nothing is ever sent
  DispatchPolicy policy;
  size_t max_batch = 500;  // alerts per POST; more make several POSTs
  // How often a target's thread looks for due alerts (resends, retries) between Update()s.
  absl::Duration poll = absl::Seconds(1);
};

// The options of controller.toml's [alerts]: one target per URL with the timeout, basic
// auth and (https targets only) TLS files; DispatchPolicy::ForResend(resend).
// InvalidArgument for a bad URL (which ParseControllerConfig has already refused).
absl::StatusOr<AlertSenderOptions> AlertSenderOptionsFrom(const AlertsConfig& config);

// Thread-safe. Start()/Stop() are idempotent; the destructor stops.
class AlertSender {
 public:
  // POSTs one JSON body to a target; the default is HttpPostJson to "/api/v2/alerts".
  using PostFn = std::function<absl::Status(const HttpEndpoint&, const std::string& json)>;

  // `clock` (not owned) must outlive the sender; it dates the sends (endsAt, resends,
  // back-off). `post` is replaced in tests.
  AlertSender(AlertSenderOptions options, const Clock& clock, PostFn post = nullptr);
  ~AlertSender();
  AlertSender(const AlertSender&) = delete;
  AlertSender& operator=(const AlertSender&) = delete;

  // The alerts as of now (AlertDispatch::Plan's `firing` and `resolved`, same contract);
  // replaces the previous ones and wakes the targets' threads. Never blocks on the network.
  void Update(std::vector<Alert> firing, std::vector<Alert> resolved);

  // One round for every target, in turn, on the caller's thread: plan with the latest
  // Update() and the clock, POST what is due in batches of max_batch (stopping at the first
  // failure), record the outcome. For tests and for callers without Start(). Logs one line
  // when a target starts failing and one when it is back, not one per round.
  void RunOnce();

  // Starts one thread per target running rounds after each Update() and every `poll`.
  void Start();
  // Stops the threads; waits for a POST in flight (at most about 3 × the target's timeout).
  void Stop();

  // A snapshot, one entry per target in configuration order. Never waits on a POST.
  std::vector<AlertTargetStats> Stats() const;

 private:
  struct Input {
    std::vector<Alert> firing;
    std::vector<Alert> resolved;
  };
  struct Target {
    explicit Target(HttpEndpoint e, DispatchPolicy policy)
        : endpoint(std::move(e)), dispatch(policy) {}
    const HttpEndpoint endpoint;
    absl::Mutex round_mu;  // one round of this target at a time (threads and RunOnce)
    AlertDispatch dispatch ABSL_GUARDED_BY(round_mu);
  };

  void RunTarget(size_t i);
  void Record(size_t i, const absl::Status& status, size_t alerts, int64_t tracked);

  const AlertSenderOptions options_;
  const Clock& clock_;
  const PostFn post_;
  std::vector<std::unique_ptr<Target>> targets_;

  mutable absl::Mutex mu_;
  std::shared_ptr<const Input> input_ ABSL_GUARDED_BY(mu_);
  std::vector<AlertTargetStats> stats_ ABSL_GUARDED_BY(mu_);
  TargetThreads threads_;  // last: stopped before the rest goes
};

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_ALERTS_ALERT_SENDER_H_
