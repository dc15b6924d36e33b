// What one Alertmanager has been sent and what is due to it next: the policy of the alert
// sink, without I/O or a clock (the caller passes `now` and reports how each POST went).
#ifndef ZFLEET_CONTROLLER_ALERTS_ALERT_DISPATCH_H_
#define ZFLEET_CONTROLLER_ALERTS_ALERT_DISPATCH_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "controller/alerts/alert.h"

namespace zfleet::controller {

struct DispatchPolicy {
  // An unchanged alert is sent again this long after it was last delivered: Alertmanager
  // forgets a firing alert at its endsAt, and a restarted Alertmanager knows nothing.
  absl::Duration resend_every = absl::Minutes(1);
  // A firing alert's endsAt is this far past the send (AlertmanagerJson): if zfleet goes
  // quiet, Alertmanager resolves its alerts by itself. Several resends long, so one lost
  // POST does not resolve anything.
  absl::Duration expire_after = absl::Minutes(4);
  // A resolved alert is sent (again on resends) this long after its resolved_at, then
  // forgotten. Longer than expire_after: by then Alertmanager has let it go anyway.
  absl::Duration resolved_for = absl::Minutes(15);
  // Wait after a failed POST; doubles per failure in a row, up to resend_every.
  absl::Duration first_backoff = absl::Seconds(1);

  // The defaults above around `resend`: expire_after = 4 × resend.
  static DispatchPolicy ForResend(absl::Duration resend);
};

// Per-target state: the last content delivered of each alert, and the back-off. Not
// thread-safe: one owner calls Plan(), POSTs the result, then MarkSent()/MarkFailed().
//
// Memory holds only the alerts of the last input and those resolved (or vanished) within
// resolved_for.
class AlertDispatch {
 public:
  explicit AlertDispatch(DispatchPolicy policy = {}) : policy_(policy) {}

  // Takes this round's input and returns what to POST now, ordered by key:
  //  - an alert not delivered yet, or whose labels, annotations, times or resolved state
  //    differ from what was delivered: at once;
  //  - an unchanged one: once its last delivery is resend_every old;
  //  - an alert that left the input without being resolved: resolved at `now`, until that is
  //    delivered once (one never delivered is dropped: Alertmanager does not know it);
  //  - nothing while backing off after a failed POST (MarkFailed).
  // `firing`: the alerts firing now; their resolved_at is ignored. `resolved`: alerts that
  // cleared recently, resolved_at set (others are ignored); those resolved more than
  // resolved_for before `now` are ignored. A key in both lists counts as resolved (unless
  // ignored as too old).
  // REQUIRES: keys unique within each list.
  std::vector<Alert> Plan(const std::vector<Alert>& firing, const std::vector<Alert>& resolved,
                          absl::Time now);
  // Alertmanager accepted `sent` (alerts as Plan returned them) at `now`; ends any back-off.
  void MarkSent(const std::vector<Alert>& sent, absl::Time now);
  // A POST failed at `now`: nothing is marked delivered, so what was due stays due; Plan
  // returns nothing for 1 s, then 2 s, 4 s… (first_backoff doubling, at most resend_every).
  void MarkFailed(absl::Time now);

  // Alerts tracked (for tests and /metrics).
  size_t tracked() const { return entries_.size(); }
  // Failed POSTs since the last delivery.
  int failures() const { return failures_; }
  // Plan returns nothing before this time.
  absl::Time retry_at() const { return retry_at_; }

 private:
  struct Entry {
    Alert alert;                // what Alertmanager should have
    std::optional<Alert> sent;  // what it was last given, when
    absl::Time sent_at;
    bool vanished = false;  // left the input while firing: alert is its resolution
  };

  const DispatchPolicy policy_;
  std::map<std::string, Entry> entries_;
  int failures_ = 0;
  absl::Duration backoff_ = absl::ZeroDuration();
  absl::Time retry_at_ = absl::InfinitePast();
};

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_ALERTS_ALERT_DISPATCH_H_
