#include "tools/sim/overdue_bound.h"

#include <algorithm>
#include <array>
#include <bit>
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
  // How many added durations have a rank below `rank`.
  int64_t CountBelow(size_t rank) const {
    int64_t n = 0;
    for (size_t i = std::min(rank, count_.size() - 1); i > 0; i -= i & (~i + 1)) n += count_[i];
    return n;
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

// Pools of one group of classes sharing a cap, in the order they start needing a scrub.
struct ClassSet {
  std::vector<std::pair<absl::Time, double>> pools;  // (needs_from, min_hours), sorted
  std::vector<size_t> rank;                          // of each pool's min_hours
  std::vector<double> by_rank;                       // the min_hours, shortest first
  ShortestFirst needing;                             // the pools needing by now
  size_t added = 0;
};

// The classes present in the fleet, one bit each. The bound is taken for each class and for
// groups of them (a mask): scrubs of several classes share a cap, and a window or a slot one
// of them uses is not there for the others.
struct ClassBits {
  std::array<int, kDiskClassCount> bit{};  // of each present class; -1 when absent
  std::vector<int> classes;                // the class of each bit
  std::vector<uint32_t> masks;             // the groups looked at
  std::vector<absl::Duration> longest;     // of each group: its classes' longest interval
  absl::Duration widest;                   // the longest interval of all
  uint32_t all = 0;
  // Every group when there are few classes; else each class alone and all of them together.
  static constexpr size_t kAllGroupsUpTo = 4;
};

struct CapSet {
  int cap = 1;
  // The most scrubs of one class that can be started and unfinished (running or paused) in
  // the set at once; see overdue_bound.h.
  int64_t in_flight = 1;
  std::vector<ClassSet> groups;  // by index into ClassBits::masks
};

// Window time and open stretches of one group of classes over the span of one step.
struct Supply {
  double open_hours = 0;  // when at least one of them may scrub
  double run_hours = 0;   // time a scrub may run in: open_hours, or all of it when scrubs go on
  int stretches = 0;      // of each class, added up
  int closing = 0;        // classes whose window closes inside the span: scrubs pause there
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

ClassBits MakeClassBits(const std::vector<BoundPool>& pools, const SchedulerPolicy& policy) {
  ClassBits b;
  b.bit.fill(-1);
  for (const BoundPool& p : pools) {
    if (b.bit[p.cls] >= 0) continue;
    b.bit[p.cls] = static_cast<int>(b.classes.size());
    b.classes.push_back(p.cls);
  }
  const size_t n = b.classes.size();
  b.all = (1u << n) - 1;
  if (n <= ClassBits::kAllGroupsUpTo) {
    for (uint32_t m = 1; m <= b.all; ++m) b.masks.push_back(m);
  } else {
    for (size_t i = 0; i < n; ++i) b.masks.push_back(1u << i);
    b.masks.push_back(b.all);
  }
  for (uint32_t m : b.masks) {
    absl::Duration longest;
    for (size_t i = 0; i < n; ++i) {
      if (m & (1u << i)) longest = std::max(longest, policy.classes[b.classes[i]].interval);
    }
    b.longest.push_back(longest);
    b.widest = std::max(b.widest, longest);
  }
  return b;
}

void AddToSet(const BoundPool& p, const ClassBits& bits, CapSet& set) {
  set.groups.resize(bits.masks.size());
  const uint32_t own = 1u << bits.bit[p.cls];
  for (size_t k = 0; k < bits.masks.size(); ++k) {
    if (bits.masks[k] & own) set.groups[k].pools.emplace_back(p.needs_from, p.min_hours);
  }
}

void Finish(CapSet& set) {
  for (ClassSet& c : set.groups) {
    std::sort(c.pools.begin(), c.pools.end());
    std::vector<size_t> by_hours(c.pools.size());
    for (size_t i = 0; i < by_hours.size(); ++i) by_hours[i] = i;
    std::sort(by_hours.begin(), by_hours.end(), [&c](size_t a, size_t b) {
      return std::tie(c.pools[a].second, a) < std::tie(c.pools[b].second, b);
    });
    c.rank.assign(c.pools.size(), 0);
    c.by_rank.resize(c.pools.size());
    for (size_t r = 0; r < by_hours.size(); ++r) {
      c.rank[by_hours[r]] = r;
      c.by_rank[r] = c.pools[by_hours[r]].second;
    }
    c.needing.Reset(c.pools.size());
  }
}

// Pools of one group of classes of the set that are overdue at every moment of the step
// starting at `t`; steps come in time order.
int64_t GroupBound(const CapSet& set, ClassSet& cs, int classes, absl::Time t, const Supply& s,
                   WindowEndAction at_window_end) {
  while (cs.added < cs.pools.size() && cs.pools[cs.added].first <= t) {
    cs.needing.Add(cs.rank[cs.added], cs.pools[cs.added].second);
    ++cs.added;
  }
  const int64_t need = static_cast<int64_t>(cs.added);
  if (need == 0 || s.open_hours <= 0) return need;
  // Needing pools that start and finish in the span (none longer than the time there is to
  // run in, however many slots are free), then those still unfinished at its end: at most the
  // cap running, and those paused at a window's end inside the span (a stopped scrub frees
  // its slot: a set's worth per open stretch).
  const size_t too_long =
      std::upper_bound(cs.by_rank.begin(), cs.by_rank.end(), s.run_hours) - cs.by_rank.begin();
  int64_t starts =
      std::min(cs.needing.Fitting(set.cap * s.run_hours), cs.needing.CountBelow(too_long));
  if (at_window_end == WindowEndAction::kStop) {
    starts += int64_t{set.cap} * std::max(1, s.stretches);
  } else {
    starts += std::min(set.in_flight * classes, set.cap + set.in_flight * s.closing);
  }
  return std::max<int64_t>(0, need - starts);
}

// The set's bound at `t`: the best way to split its classes into groups, each group's bound
// added up (the groups' pools do not overlap).
struct SetBounder {
  const ClassBits& bits;
  const std::vector<Supply>& supply;  // by index into bits.masks, for the step
  WindowEndAction at_window_end;
  std::vector<int64_t> group;  // scratch, by mask: made once, not per set and step
  std::vector<int64_t> best;

  int64_t operator()(CapSet& set, absl::Time t);
};

int64_t SetBounder::operator()(CapSet& set, absl::Time t) {
  if (set.groups.empty()) return 0;
  group.resize(bits.all + 1);
  best.resize(bits.all + 1);
  for (size_t k = 0; k < bits.masks.size(); ++k) {
    const uint32_t m = bits.masks[k];
    group[m] = GroupBound(set, set.groups[k], std::popcount(m), t, supply[k], at_window_end);
  }
  if (bits.classes.size() > ClassBits::kAllGroupsUpTo) {
    int64_t singles = 0;
    for (size_t i = 0; i < bits.classes.size(); ++i) singles += group[1u << i];
    return std::max(singles, group[bits.all]);
  }
  // best[m]: the best split of the classes of m; each split takes m's lowest class with some
  // of the others.
  best[0] = 0;
  for (uint32_t m = 1; m <= bits.all; ++m) {
    best[m] = 0;
    const uint32_t low = m & (~m + 1);
    for (uint32_t part = m; part != 0; part = (part - 1) & m) {
      if (part & low) best[m] = std::max(best[m], group[part] + best[m & ~part]);
    }
  }
  return best[bits.all];
}

}  // namespace

double OverdueLowerBound(const SimFleet& fleet, const SchedulerPolicy& policy,
                         const SimOptions& options) {
  std::vector<BoundPool> pools = BoundPools(fleet, policy, options);
  const ClassBits bits = MakeClassBits(pools, policy);
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
      AddToSet(b, bits, host_set);
      AddToSet(b, bits, fleet_set);
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
        AddToSet(pools[flat], bits, set);
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

  // Scrubs that are not paused at a window's end finish in closed time too.
  bool run_outside = policy.at_window_end == WindowEndAction::kContinue;
  for (const SimHost& h : fleet.hosts) run_outside |= !h.can_pause;
  const bool pauses = policy.at_window_end == WindowEndAction::kPause;
  double pool_hours = 0;
  using Span = std::pair<absl::Time, absl::Time>;
  std::vector<std::vector<Span>> open(bits.classes.size());
  std::vector<Supply> supply(bits.masks.size());
  std::vector<Span> spans;  // of one group, for one step
  SetBounder bound{bits, supply, policy.at_window_end, {}, {}};
  for (absl::Time t = options.start; t < options.end(); t += kStep) {
    // Starts that keep a pool on time somewhere in [t, t + step) lie in (t − interval,
    // t + step], and never before the simulation's start; for a group of classes, in the
    // longest of their spans.
    const absl::Time to = t + kStep;
    const absl::Time widest = std::max(options.start, t - bits.widest);
    for (size_t i = 0; i < bits.classes.size(); ++i) {
      open[i] = SimOpenSpans(policy, options, static_cast<DiskClass>(bits.classes[i]), widest, to);
    }
    for (size_t k = 0; k < bits.masks.size(); ++k) {
      const uint32_t m = bits.masks[k];
      const absl::Time begin = std::max(options.start, t - bits.longest[k]);
      Supply& s = supply[k];
      s = Supply{};
      spans.clear();
      for (size_t i = 0; i < bits.classes.size(); ++i) {
        if (!(m & (1u << i))) continue;
        bool closes = false;
        for (auto [a, b] : open[i]) {
          if (b <= begin) continue;
          spans.emplace_back(std::max(a, begin), b);
          ++s.stretches;
          closes |= b < to;
        }
        s.closing += pauses && closes ? 1 : 0;
      }
      std::sort(spans.begin(), spans.end());
      absl::Time covered = begin;  // the union of the classes' open stretches
      for (auto [a, b] : spans) {
        if (b <= covered) continue;
        s.open_hours += absl::ToDoubleHours(b - std::max(a, covered));
        covered = b;
      }
      s.run_hours = run_outside ? absl::ToDoubleHours(to - begin) : s.open_hours;
    }
    int64_t never_overdue = std::upper_bound(never.begin(), never.end(), t) - never.begin();
    int64_t best = bound(fleet_set, t);
    int64_t by_hosts = 0;
    for (CapSet& set : hosts) by_hosts += bound(set, t);
    best = std::max(best, by_hosts);
    for (auto& family : labels) {
      int64_t by_label = 0;
      for (CapSet& set : family) by_label += bound(set, t);
      best = std::max(best, by_label);
    }
    pool_hours += static_cast<double>(best + never_overdue) *
                  absl::ToDoubleHours(std::min(kStep, options.end() - t));
  }
  return pool_hours / 24;
}

}  // namespace zfleet::controller
