#include "tools/sim/overdue_bound.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace zfleet::controller {
namespace {

constexpr absl::Duration kStep = absl::Hours(1);

// One pool as the bound sees it.
struct BoundPool {
  int cls = 0;
  absl::Time needs_from;  // overdue from then on unless it starts
  double min_hours = 0;   // its shortest possible scrub (the fastest jitter)
  bool startable = true;
};

// Pools of one class sharing a cap.
struct ClassSet {
  std::vector<absl::Time> needs_from;  // sorted
  std::vector<double> prefix_hours;    // prefix sums of min_hours, shortest first
};

struct CapSet {
  int cap = 1;
  std::array<ClassSet, kDiskClassCount> classes;
};

// Window time and open stretches of one class over the span of one step.
struct Supply {
  double open_hours = 0;
  double run_hours = 0;  // time a scrub may run in: open_hours, or all of it when scrubs go on
  int stretches = 0;
  // Starts beyond the ones that finish, per slot: 2 when an unfinished scrub keeps its slot
  // (paused ones resume first; continued ones run on), else one per open stretch.
  int unfinished_per_slot = 2;
};

std::vector<BoundPool> BoundPools(const SimFleet& fleet, const SchedulerPolicy& policy,
                                  const SimOptions& options) {
  std::vector<BoundPool> pools;
  for (const SimHost& h : fleet.hosts) {
    bool host_ok = h.load <= policy.load_threshold;
    for (const SimPool& p : h.pools) {
      BoundPool b;
      b.cls = static_cast<int>(p.disk_class);
      // As sim_metrics.h counts it: from the last scrub's start, or the simulation's start.
      absl::Time anchor = options.start;
      if (p.last_scrub_age_days) anchor -= absl::Hours(24) * *p.last_scrub_age_days;
      b.needs_from = anchor + policy.For(p.disk_class).interval;
      double fastest = p.scan_bytes_per_s * (1 + options.jitter);
      b.min_hours = std::max(1.0, std::ceil(p.size_bytes / fastest)) / 3600;
      b.startable = host_ok && !policy.Skips(p.state);
      pools.push_back(b);
    }
  }
  return pools;
}

void AddToSet(const BoundPool& p, CapSet& set) {
  ClassSet& c = set.classes[p.cls];
  c.needs_from.push_back(p.needs_from);
  c.prefix_hours.push_back(p.min_hours);
}

void Finish(CapSet& set) {
  for (ClassSet& c : set.classes) {
    std::sort(c.needs_from.begin(), c.needs_from.end());
    std::sort(c.prefix_hours.begin(), c.prefix_hours.end());
    for (size_t i = 1; i < c.prefix_hours.size(); ++i) c.prefix_hours[i] += c.prefix_hours[i - 1];
  }
}

// Pools of the set that are overdue at every moment of the step starting at `t`.
int64_t SetBound(const CapSet& set, absl::Time t, const std::array<Supply, kDiskClassCount>& s) {
  int64_t overdue = 0;
  for (int c = 0; c < kDiskClassCount; ++c) {
    const ClassSet& cs = set.classes[c];
    if (cs.needs_from.empty()) continue;
    int64_t need =
        std::upper_bound(cs.needs_from.begin(), cs.needs_from.end(), t) - cs.needs_from.begin();
    if (need == 0) continue;
    int64_t starts = 0;
    if (s[c].open_hours > 0) {
      double slot_hours = set.cap * s[c].run_hours;
      int64_t finished =
          std::upper_bound(cs.prefix_hours.begin(), cs.prefix_hours.end(), slot_hours) -
          cs.prefix_hours.begin();
      starts = int64_t{set.cap} * s[c].unfinished_per_slot + finished;
    }
    overdue += std::max<int64_t>(0, need - starts);
  }
  return overdue;
}

}  // namespace

double OverdueLowerBound(const SimFleet& fleet, const SchedulerPolicy& policy,
                         const SimOptions& options) {
  std::vector<BoundPool> pools = BoundPools(fleet, policy, options);
  // The families: single pools that never start; hosts; each capped label key's values;
  // the fleet. Pools that never start are counted in every family, outside the cap sets.
  std::vector<CapSet> hosts;
  std::vector<std::vector<CapSet>> labels(policy.max_per_label.size());
  CapSet fleet_set;
  fleet_set.cap = policy.max_concurrent;
  std::vector<absl::Time> never;  // needs_from of pools that never start, sorted
  size_t flat = 0;
  for (const SimHost& h : fleet.hosts) {
    CapSet host_set;
    host_set.cap = policy.max_per_host;
    for (size_t p = 0; p < h.pools.size(); ++p, ++flat) {
      const BoundPool& b = pools[flat];
      if (!b.startable) {
        never.push_back(b.needs_from);
        continue;
      }
      AddToSet(b, host_set);
      AddToSet(b, fleet_set);
    }
    Finish(host_set);
    hosts.push_back(std::move(host_set));
  }
  // Label values: hosts grouped by the value of each capped key.
  for (size_t l = 0; l < policy.max_per_label.size(); ++l) {
    const auto& [key, cap] = policy.max_per_label[l];
    std::map<std::string, size_t> value_index;
    flat = 0;
    for (const SimHost& h : fleet.hosts) {
      auto it = h.labels.find(key);
      for (size_t p = 0; p < h.pools.size(); ++p, ++flat) {
        if (it == h.labels.end() || !pools[flat].startable) continue;
        auto [slot, inserted] = value_index.try_emplace(it->second, labels[l].size());
        if (inserted) {
          labels[l].emplace_back();
          labels[l].back().cap = cap;
        }
        AddToSet(pools[flat], labels[l][slot->second]);
      }
    }
    for (CapSet& set : labels[l]) Finish(set);
  }
  Finish(fleet_set);
  std::sort(never.begin(), never.end());

  std::array<bool, kDiskClassCount> present{};
  for (const BoundPool& b : pools) present[b.cls] = true;
  // Scrubs that are not paused at a window's end finish in closed time too.
  bool run_outside = policy.at_window_end == WindowEndAction::kContinue;
  for (const SimHost& h : fleet.hosts) run_outside |= !h.can_pause;
  double pool_hours = 0;
  for (absl::Time t = options.start; t < options.end(); t += kStep) {
    // Starts that keep a pool on time somewhere in [t, t + step) lie in (t − interval,
    // t + step], and never before the simulation's start.
    std::array<Supply, kDiskClassCount> supply{};
    for (int c = 0; c < kDiskClassCount; ++c) {
      if (!present[c]) continue;
      absl::Time from = std::max(options.start, t - policy.classes[c].interval);
      for (const auto& [a, b] :
           SimOpenSpans(policy, options, static_cast<DiskClass>(c), from, t + kStep)) {
        supply[c].open_hours += absl::ToDoubleHours(b - a);
        ++supply[c].stretches;
      }
      supply[c].run_hours =
          run_outside ? absl::ToDoubleHours(t + kStep - from) : supply[c].open_hours;
      if (policy.at_window_end == WindowEndAction::kStop) {
        supply[c].unfinished_per_slot = std::max(2, supply[c].stretches);
      }
    }
    int64_t never_overdue = std::upper_bound(never.begin(), never.end(), t) - never.begin();
    int64_t best = SetBound(fleet_set, t, supply);
    int64_t by_hosts = 0;
    for (const CapSet& set : hosts) by_hosts += SetBound(set, t, supply);
    best = std::max(best, by_hosts);
    for (const auto& family : labels) {
      int64_t by_label = 0;
      for (const CapSet& set : family) by_label += SetBound(set, t, supply);
      best = std::max(best, by_label);
    }
    pool_hours += static_cast<double>(best + never_overdue) *
                  absl::ToDoubleHours(std::min(kStep, options.end() - t));
  }
  return pool_hours / 24;
}

}  // namespace zfleet::controller
