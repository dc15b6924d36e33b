#include "tools/sim/overdue_bound.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <string>
#include <tuple>
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

// Sums and counts over the ranks of the durations of one class set (a Fenwick tree), so
// that "how many of the needing pools, shortest first, fit in H hours" is a log-time walk.
class ShortestFirst {
 public:
  void Reset(size_t n) {
    count_.assign(n + 1, 0);
    hours_.assign(n + 1, 0);
  }
  void Add(size_t rank, double hours) {
    for (size_t i = rank + 1; i < count_.size(); i += i & (~i + 1)) {
      ++count_[i];
      hours_[i] += hours;
    }
  }
  // The most added durations whose sum stays within `budget` (the shortest ones).
  int64_t Fitting(double budget) const {
    size_t pos = 0;
    int64_t fit = 0;
    size_t step = 1;
    while (step * 2 < count_.size()) step *= 2;
    for (; step > 0; step /= 2) {
      if (pos + step < count_.size() && hours_[pos + step] <= budget) {
        pos += step;
        budget -= hours_[pos];
        fit += count_[pos];
      }
    }
    return fit;
  }

 private:
  std::vector<int64_t> count_;
  std::vector<double> hours_;
};

// Pools of one class sharing a cap, in the order they start needing a scrub.
struct ClassSet {
  std::vector<std::pair<absl::Time, double>> pools;  // (needs_from, min_hours), sorted
  std::vector<size_t> rank;                          // of each pool's min_hours
  ShortestFirst needing;                             // the pools needing by now
  size_t added = 0;
};

struct CapSet {
  int cap = 1;
  // The most scrubs of one class that can be started and unfinished (running or paused) in
  // the set at once; see overdue_bound.h.
  int64_t in_flight = 1;
  std::array<ClassSet, kDiskClassCount> classes;
};

// Window time and open stretches of one class over the span of one step.
struct Supply {
  double open_hours = 0;
  double run_hours = 0;  // time a scrub may run in: open_hours, or all of it when scrubs go on
  int stretches = 0;
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
  set.classes[p.cls].pools.emplace_back(p.needs_from, p.min_hours);
}

void Finish(CapSet& set) {
  for (ClassSet& c : set.classes) {
    std::sort(c.pools.begin(), c.pools.end());
    std::vector<size_t> by_hours(c.pools.size());
    for (size_t i = 0; i < by_hours.size(); ++i) by_hours[i] = i;
    std::sort(by_hours.begin(), by_hours.end(), [&c](size_t a, size_t b) {
      return std::tie(c.pools[a].second, a) < std::tie(c.pools[b].second, b);
    });
    c.rank.assign(c.pools.size(), 0);
    for (size_t r = 0; r < by_hours.size(); ++r) c.rank[by_hours[r]] = r;
    c.needing.Reset(c.pools.size());
  }
}

// Pools of the set that are overdue at every moment of the step starting at `t`; steps
// come in time order.
int64_t SetBound(CapSet& set, absl::Time t, const std::array<Supply, kDiskClassCount>& s,
                 WindowEndAction at_window_end) {
  int64_t overdue = 0;
  for (int c = 0; c < kDiskClassCount; ++c) {
    ClassSet& cs = set.classes[c];
    while (cs.added < cs.pools.size() && cs.pools[cs.added].first <= t) {
      cs.needing.Add(cs.rank[cs.added], cs.pools[cs.added].second);
      ++cs.added;
    }
    const int64_t need = static_cast<int64_t>(cs.added);
    if (need == 0) continue;
    int64_t starts = 0;
    if (s[c].open_hours > 0) {
      // Needing pools that start and finish in the span, then those still unfinished at
      // its end (a stopped scrub frees its slot: a set's worth per open stretch).
      starts = cs.needing.Fitting(set.cap * s[c].run_hours);
      starts += at_window_end == WindowEndAction::kStop
                    ? int64_t{set.cap} * std::max(1, s[c].stretches)
                    : set.in_flight;
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
  const int64_t host_cap = policy.max_per_host;
  const size_t keys = policy.max_per_label.size();
  std::vector<CapSet> hosts;
  std::vector<std::vector<CapSet>> labels(keys);
  CapSet fleet_set;
  fleet_set.cap = policy.max_concurrent;
  std::vector<absl::Time> never;  // needs_from of pools that never start, sorted
  size_t flat = 0;
  for (const SimHost& h : fleet.hosts) {
    CapSet host_set;
    host_set.cap = policy.max_per_host;
    host_set.in_flight = host_cap;  // see overdue_bound.h
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
  // Label values: hosts grouped by the value of each capped key. In flight in a value: its
  // cap when it is the only capped key, else what its hosts can hold.
  // fleet_in_flight: the fleet's cap without keys, else what the groups of the best key and
  // the hosts without that key can hold; never more than all hosts can.
  int64_t fleet_in_flight = host_cap * static_cast<int64_t>(fleet.hosts.size());
  if (keys == 0) fleet_in_flight = std::min<int64_t>(fleet_in_flight, policy.max_concurrent);
  for (size_t l = 0; l < keys; ++l) {
    const auto& [key, cap] = policy.max_per_label[l];
    std::map<std::string, size_t> value_index;
    int64_t key_in_flight = 0;
    flat = 0;
    for (const SimHost& h : fleet.hosts) {
      auto it = h.labels.find(key);
      if (it == h.labels.end()) key_in_flight += host_cap;
      bool counted = false;  // this host's share of its value's in-flight scrubs
      for (size_t p = 0; p < h.pools.size(); ++p, ++flat) {
        if (it == h.labels.end() || !pools[flat].startable) continue;
        auto [slot, inserted] = value_index.try_emplace(it->second, labels[l].size());
        if (inserted) {
          labels[l].emplace_back();
          labels[l].back().cap = cap;
          labels[l].back().in_flight = 0;
        }
        CapSet& set = labels[l][slot->second];
        if (!counted) set.in_flight += host_cap;
        counted = true;
        AddToSet(pools[flat], set);
      }
    }
    for (CapSet& set : labels[l]) {
      if (keys == 1) set.in_flight = std::min<int64_t>(set.in_flight, cap);
      key_in_flight += set.in_flight;
      Finish(set);
    }
    fleet_in_flight = std::min(fleet_in_flight, key_in_flight);
  }
  fleet_set.in_flight = fleet_in_flight;
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
    }
    int64_t never_overdue = std::upper_bound(never.begin(), never.end(), t) - never.begin();
    const WindowEndAction end_action = policy.at_window_end;
    int64_t best = SetBound(fleet_set, t, supply, end_action);
    int64_t by_hosts = 0;
    for (CapSet& set : hosts) by_hosts += SetBound(set, t, supply, end_action);
    best = std::max(best, by_hosts);
    for (auto& family : labels) {
      int64_t by_label = 0;
      for (CapSet& set : family) by_label += SetBound(set, t, supply, end_action);
      best = std::max(best, by_label);
    }
    pool_hours += static_cast<double>(best + never_overdue) *
                  absl::ToDoubleHours(std::min(kStep, options.end() - t));
  }
  return pool_hours / 24;
}

}  // namespace zfleet::controller
