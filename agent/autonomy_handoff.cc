#include "agent/autonomy_handoff.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/log.h"

namespace zfleet::agent {
namespace {

// A scrub the agent started is one per pool and start time.
std::string KeyOf(const v1::AgentScrub& scrub) {
  return absl::StrCat(scrub.pool(), "@", scrub.started_at());
}

}  // namespace

AutonomyHandoff::AutonomyHandoff(PolicyStore* policies, AutonomousScrubber* scrubber)
    : policies_(policies), scrubber_(scrubber), pending_(scrubber->Pending()) {}

void AutonomyHandoff::AfterRead(const std::vector<v1::Pool>& pools, absl::Time now) {
  std::optional<v1::AgentPolicy> policy;
  absl::Time policy_at;
  absl::flat_hash_set<std::string> recorded;
  {
    absl::MutexLock lock(&mu_);
    policy.swap(policy_);
    if (policy.has_value()) policy_at = *policy_at_;
    recorded = recorded_;
  }
  if (policy.has_value()) {
    // An invalid policy is logged by the store itself; a file it cannot write only costs the
    // contact time after a restart.
    if (absl::Status s = policies_->Accept(*policy, policy_at);
        !s.ok() && !absl::IsInvalidArgument(s)) {
      spdlog::warn("cannot keep the controller's scrub policy: {}", s.message());
    }
  }
  // The controller recorded a prefix of the pending scrubs (reports carry them oldest first).
  size_t confirmed = 0;
  const std::vector<v1::AgentScrub>& pending = scrubber_->Pending();
  while (confirmed < pending.size() && recorded.contains(KeyOf(pending[confirmed]))) ++confirmed;
  if (confirmed > 0) {
    if (absl::Status s = scrubber_->ConfirmDelivered(confirmed); s.ok()) {
      absl::MutexLock lock(&mu_);
      for (const std::string& key : recorded) recorded_.erase(key);
    } else {
      spdlog::warn("cannot forget the scrubs the controller recorded: {}", s.message());
    }
  }
  // Without a contact there is no policy either (only a reply brings one): nothing starts.
  absl::StatusOr<std::vector<v1::AgentScrub>> started =
      scrubber_->MaybeScrub(pools, now, policies_->last_contact().value_or(now));
  if (!started.ok()) spdlog::warn("scrubbing alone: {}", started.status().message());
  absl::MutexLock lock(&mu_);
  pending_ = scrubber_->Pending();
}

std::vector<v1::AgentScrub> AutonomyHandoff::ToReport() const {
  absl::MutexLock lock(&mu_);
  std::vector<v1::AgentScrub> out;
  for (const v1::AgentScrub& scrub : pending_) {
    if (!recorded_.contains(KeyOf(scrub))) out.push_back(scrub);
  }
  return out;
}

void AutonomyHandoff::Accepted(const std::vector<v1::AgentScrub>& sent,
                               const v1::AgentPolicy* policy, absl::Time now) {
  absl::MutexLock lock(&mu_);
  for (const v1::AgentScrub& scrub : sent) recorded_.insert(KeyOf(scrub));
  if (policy != nullptr) {
    policy_ = *policy;
    policy_at_ = now;
  }
}

}  // namespace zfleet::agent
