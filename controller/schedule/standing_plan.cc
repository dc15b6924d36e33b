#include "controller/schedule/standing_plan.h"

#include <algorithm>
#include <string_view>

#include "absl/container/flat_hash_map.h"

namespace zfleet::controller {

absl::Time ReplanTime(absl::Time made, const SchedulerPolicy& policy) {
  absl::Time at = made + absl::Hours(12);
  for (const ClassPolicy& c : policy.classes) {
    at = std::min(at, c.windows.NextChange(made, policy.timezone));
  }
  return at;
}

const ScrubPlan& StandingPlan::At(absl::Time now, const FleetSnapshot& fleet,
                                  const SchedulerPolicy& policy,
                                  absl::Span<const RunningScrub> running) {
  if (now < replan_at_ && now >= made_ && AHostCameBack(fleet)) {
    replan_at_ = std::min(replan_at_, made_ + kHostBackReplanGap);
  }
  if (now < replan_at_ && now >= made_) {
    if (const ScrubPlan* matched = Match(fleet)) return *matched;
  }
  made_plan_ = PlanScrubs(now, fleet, policy, running);
  silent_hosts_.clear();
  for (const HostSnapshot& h : fleet.hosts) {
    if (!h.reporting && !h.expected_back) silent_hosts_.insert(h.id);
  }
  keys_.clear();
  keys_.reserve(fleet.pools.size());
  for (const PoolSnapshot& p : fleet.pools) {
    keys_.emplace_back(p.host < fleet.hosts.size() ? fleet.hosts[p.host].id : "", p.name);
  }
  made_ = now;
  replan_at_ = ReplanTime(now, policy);
  return made_plan_;
}

bool StandingPlan::AHostCameBack(const FleetSnapshot& fleet) const {
  if (silent_hosts_.empty()) return false;
  for (const HostSnapshot& h : fleet.hosts) {
    if (h.reporting && silent_hosts_.contains(h.id)) return true;
  }
  return false;
}

const ScrubPlan* StandingPlan::Match(const FleetSnapshot& fleet) {
  auto same = [&](size_t i) {
    const PoolSnapshot& p = fleet.pools[i];
    return p.host < fleet.hosts.size() && keys_[i].first == fleet.hosts[p.host].id &&
           keys_[i].second == p.name;
  };
  bool in_order = fleet.pools.size() == keys_.size();
  for (size_t i = 0; in_order && i < fleet.pools.size(); ++i) in_order = same(i);
  if (in_order) return &made_plan_;
  current_.shortfalls = made_plan_.shortfalls;
  current_.late = made_plan_.late;
  current_.pools.assign(fleet.pools.size(), PoolPlan());
  absl::flat_hash_map<std::pair<std::string_view, std::string_view>, size_t> index;
  index.reserve(keys_.size());
  for (size_t j = 0; j < keys_.size(); ++j) index.emplace(keys_[j], j);
  for (size_t i = 0; i < fleet.pools.size(); ++i) {
    const PoolSnapshot& p = fleet.pools[i];
    if (p.host >= fleet.hosts.size()) continue;
    auto it =
        index.find(std::pair<std::string_view, std::string_view>(fleet.hosts[p.host].id, p.name));
    if (it == index.end()) return nullptr;  // a pool new since: plan again
    current_.pools[i] = made_plan_.pools[it->second];
  }
  return &current_;
}

}  // namespace zfleet::controller
