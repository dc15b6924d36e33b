#include "controller/alerts/alert_dispatch.h"

#include <algorithm>
#include <set>

namespace zfleet::controller {

DispatchPolicy DispatchPolicy::ForResend(absl::Duration resend) {
  DispatchPolicy p;
  p.resend_every = resend;
  p.expire_after = 4 * resend;
  // Resolutions must outlive the firing alerts' endsAt, or a lost one could leave an alert
  // firing in Alertmanager until then for nothing.
  p.resolved_for = std::max(p.resolved_for, 2 * p.expire_after);
  return p;
}

std::vector<Alert> AlertDispatch::Plan(const std::vector<Alert>& firing,
                                       const std::vector<Alert>& resolved, absl::Time now) {
  std::set<std::string> seen;
  for (const Alert& in : firing) {
    Entry& e = entries_[in.key];
    e.alert = in;
    e.alert.resolved_at.reset();
    e.vanished = false;
    seen.insert(in.key);
  }
  for (const Alert& in : resolved) {
    if (!in.resolved_at || *in.resolved_at + policy_.resolved_for <= now) continue;
    Entry& e = entries_[in.key];
    e.alert = in;
    e.vanished = false;
    seen.insert(in.key);
  }
  for (auto it = entries_.begin(); it != entries_.end();) {
    Entry& e = it->second;
    if (!seen.contains(it->first) && !e.alert.resolved_at) {
      if (!e.sent) {
        it = entries_.erase(it);
        continue;
      }
      e.alert.resolved_at = now;
      e.vanished = true;
    }
    if (e.alert.resolved_at && *e.alert.resolved_at + policy_.resolved_for <= now) {
      it = entries_.erase(it);
      continue;
    }
    ++it;
  }

  std::vector<Alert> due;
  if (now < retry_at_) return due;
  for (const auto& [key, e] : entries_) {
    if (!e.sent || *e.sent != e.alert || now - e.sent_at >= policy_.resend_every) {
      due.push_back(e.alert);
    }
  }
  return due;
}

void AlertDispatch::MarkSent(const std::vector<Alert>& sent, absl::Time now) {
  for (const Alert& a : sent) {
    auto it = entries_.find(a.key);
    if (it == entries_.end()) continue;
    if (it->second.vanished && a.resolved_at) {
      entries_.erase(it);
      continue;
    }
    it->second.sent = a;
    it->second.sent_at = now;
  }
  failures_ = 0;
  backoff_ = absl::ZeroDuration();
  retry_at_ = absl::InfinitePast();
}

void AlertDispatch::MarkFailed(absl::Time now) {
  ++failures_;
  backoff_ = backoff_ == absl::ZeroDuration() ? policy_.first_backoff : 2 * backoff_;
  backoff_ = std::min(backoff_, policy_.resend_every);
  retry_at_ = now + backoff_;
}

}  // namespace zfleet::controller
