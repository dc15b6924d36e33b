#include "controller/schedule/scrub_planner.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <queue>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/duration.h"

namespace zfleet::controller {
namespace {

// Running and paused scrubs by pool: how much window time each still needs.
struct Occupant {
  size_t pool;
  absl::Time end;  // expected end, in its class's window time from now
};

// The pools and running scrubs of one cap group.
struct Group {
  std::string name;
  int cap = 1;
  std::vector<size_t> pools;  // planned pools
  std::vector<Occupant> running;
};

class Planner {
 public:
  Planner(absl::Time now, const FleetSnapshot& fleet, const SchedulerPolicy& policy)
      : now_(now), fleet_(fleet), policy_(policy) {}

  ScrubPlan Run(absl::Span<const RunningScrub> running);

 private:
  const ScrubWindows& windows(size_t pool) const { return policy_.For(class_[pool]).windows; }
  absl::Time SensibleLatestStart(size_t pool) const;
  std::vector<Group> MakeGroups(const std::vector<Occupant>& occupants) const;
  void PlaceGroup(const Group& group);
  void FindShortfalls(const Group& group);

  const absl::Time now_;
  const FleetSnapshot& fleet_;
  const SchedulerPolicy& policy_;
  ScrubPlan plan_;
  std::vector<absl::Time> own_start_;  // SensibleLatestStart of each planned pool, made once
  std::vector<DiskClass> class_;       // each pool's, packed: the groups visit pools at random
};

absl::Time Planner::SensibleLatestStart(size_t pool) const {
  const PoolPlan& p = plan_.pools[pool];
  const ScrubWindows& w = windows(pool);
  if (w.IsOpenAt(p.due, policy_.timezone)) return p.due;
  auto span = w.LastOpenSpan(p.due, policy_.timezone);
  if (!span) return p.due;  // never open: it will be late whatever happens
  auto [begin, end] = *span;
  // Finish inside the stretch when the scrub fits in it; else use all of it.
  return std::max(begin, std::min(end, p.due) - p.expected);
}

std::vector<Group> Planner::MakeGroups(const std::vector<Occupant>& occupants) const {
  std::vector<Group> groups;
  Group fleet_group{"fleet", policy_.max_concurrent, {}, {}};
  std::vector<Group> hosts(fleet_.hosts.size());
  for (size_t h = 0; h < fleet_.hosts.size(); ++h) {
    hosts[h] = {absl::StrCat("host ", fleet_.hosts[h].id), policy_.max_per_host, {}, {}};
  }
  // Each host's label groups (one per capped key it carries), looked up once per host.
  std::vector<Group> labels;
  absl::flat_hash_map<std::pair<size_t, std::string>, size_t> label_index;
  std::vector<std::vector<size_t>> host_labels(fleet_.hosts.size());
  for (size_t h = 0; h < fleet_.hosts.size(); ++h) {
    for (size_t l = 0; l < policy_.max_per_label.size(); ++l) {
      const auto& [key, cap] = policy_.max_per_label[l];
      auto it = fleet_.hosts[h].labels.find(key);
      if (it == fleet_.hosts[h].labels.end()) continue;
      auto [slot, inserted] = label_index.try_emplace({l, it->second}, labels.size());
      if (inserted) labels.push_back({absl::StrCat(key, "=", it->second), cap, {}, {}});
      host_labels[h].push_back(slot->second);
    }
  }
  for (size_t i = 0; i < fleet_.pools.size(); ++i) {
    if (!plan_.pools[i].planned) continue;
    size_t host = fleet_.pools[i].host;
    fleet_group.pools.push_back(i);
    hosts[host].pools.push_back(i);
    for (size_t g : host_labels[host]) labels[g].pools.push_back(i);
  }
  for (const Occupant& o : occupants) {
    size_t host = fleet_.pools[o.pool].host;
    fleet_group.running.push_back(o);
    hosts[host].running.push_back(o);
    for (size_t g : host_labels[host]) labels[g].running.push_back(o);
  }
  groups.push_back(std::move(fleet_group));
  for (Group& g : hosts) {
    if (!g.pools.empty() || !g.running.empty()) groups.push_back(std::move(g));
  }
  for (Group& g : labels) groups.push_back(std::move(g));
  return groups;
}

void Planner::PlaceGroup(const Group& group) {
  if (group.pools.empty()) return;
  const size_t slots = std::clamp<size_t>(group.cap, 1, group.pools.size() + group.running.size());
  // The running scrubs hold slots until their expected ends, the longest in slot 0 on.
  std::vector<absl::Time> busy_until(slots, now_);
  {
    std::vector<absl::Time> ends;
    for (const Occupant& o : group.running) ends.push_back(o.end);
    std::sort(ends.rbegin(), ends.rend());
    for (size_t s = 0; s < slots && s < ends.size(); ++s) busy_until[s] = std::max(now_, ends[s]);
  }
  // Backward: latest due first, each into the slot whose next scrub starts latest, so long
  // as the slot is free by then; a slot whose running scrub would still hold it takes no
  // more (while another slot can).
  std::vector<std::pair<absl::Time, size_t>> order;  // (due, pool), sorted without lookups
  order.reserve(group.pools.size());
  for (size_t pool : group.pools) order.emplace_back(plan_.pools[pool].due, pool);
  std::sort(order.rbegin(), order.rend());
  using Slot = std::pair<absl::Time, size_t>;  // (free until, slot)
  std::priority_queue<Slot> free_until;
  for (size_t s = 0; s < slots; ++s) free_until.push({absl::InfiniteFuture(), s});
  std::vector<std::vector<size_t>> chains(slots);  // each slot's pools, latest first
  for (const auto& [due, pool] : order) {
    for (;;) {
      auto [until, slot] = free_until.top();
      free_until.pop();
      absl::Time s = own_start_[pool];
      if (until <= now_) {
        // The slot is already over-full: this pool should have started before `until`; how
        // long before does not matter (it starts now or is late), and walking windows back
        // through the past would cost the most exactly when the fleet is the most behind.
        s = std::min(s, until);
      } else if (until != absl::InfiniteFuture()) {
        s = std::min(
            s, windows(pool).RewindOpenTime(until, plan_.pools[pool].expected, policy_.timezone));
      }
      if (s < busy_until[slot] && busy_until[slot] > now_ && !free_until.empty()) continue;
      PoolPlan& p = plan_.pools[pool];
      p.latest_start = std::min(p.latest_start, s);
      chains[slot].push_back(pool);
      free_until.push({s, slot});
      break;
    }
  }
  // Forward: behind its running scrub, each slot's pools start as early as their predecessor
  // lets them; a pool that cannot start by its due time will be late.
  for (size_t slot = 0; slot < slots; ++slot) {
    absl::Time free = busy_until[slot];
    for (auto it = chains[slot].rbegin(); it != chains[slot].rend(); ++it) {
      PoolPlan& p = plan_.pools[*it];
      const ScrubWindows& w = windows(*it);
      absl::Time begin = free == absl::InfiniteFuture() || w.IsOpenAt(free, policy_.timezone)
                             ? free
                             : w.NextChange(free, policy_.timezone);
      if (begin > p.due) p.late = true;
      free = w.AdvanceOpenTime(begin, p.expected, policy_.timezone);
    }
  }
}

void Planner::FindShortfalls(const Group& group) {
  // Every pool of the group needs one scrub per interval of its class, the running ones too.
  std::array<double, kDiskClassCount> need{};
  std::array<int, kDiskClassCount> count{};
  auto add = [&](size_t pool) {
    int c = static_cast<int>(class_[pool]);
    need[c] += absl::ToDoubleHours(plan_.pools[pool].expected);
    ++count[c];
  };
  for (size_t pool : group.pools) add(pool);
  for (const Occupant& o : group.running) add(o.pool);
  for (int c = 0; c < kDiskClassCount; ++c) {
    if (count[c] == 0) continue;
    const ClassPolicy& cls = policy_.classes[c];
    double open = absl::ToDoubleHours(
        cls.interval - cls.windows.ClosedTimeBetween(now_, now_ + cls.interval, policy_.timezone));
    double capacity = std::min(group.cap, count[c]) * open;
    if (need[c] <= capacity) continue;
    plan_.shortfalls.push_back(
        {group.name, static_cast<DiskClass>(c), cls.interval, need[c], capacity, count[c]});
  }
}

ScrubPlan Planner::Run(absl::Span<const RunningScrub> running) {
  const size_t n = fleet_.pools.size();
  plan_.pools.resize(n);
  class_.resize(n);
  for (size_t i = 0; i < n; ++i) class_[i] = fleet_.pools[i].disk_class;
  std::vector<bool> occupied(n, false);  // running or paused
  std::vector<Occupant> occupants;
  for (const RunningScrub& r : running) {
    if (r.pool >= n || fleet_.pools[r.pool].host >= fleet_.hosts.size() || occupied[r.pool]) {
      continue;
    }
    occupied[r.pool] = true;
    if (r.state == RunState::kPausedByOperator) continue;  // holds no slot, needs no start
    const PoolSnapshot& p = fleet_.pools[r.pool];
    double left = 1 - std::clamp(p.percent_done, 0.0, 100.0) / 100;
    absl::Duration remaining = ExpectedScrubDuration(p, policy_) * left;
    const ScrubWindows& w = policy_.For(p.disk_class).windows;
    // A scheduled scrub runs in window time; others run through closed windows.
    absl::Time end = r.trigger == ScrubTrigger::kScheduled
                         ? w.AdvanceOpenTime(now_, remaining, policy_.timezone)
                         : now_ + remaining;
    occupants.push_back({r.pool, end});
  }
  for (size_t i = 0; i < n; ++i) {
    const PoolSnapshot& p = fleet_.pools[i];
    if (p.host >= fleet_.hosts.size()) continue;
    PoolPlan& plan = plan_.pools[i];
    const HostSnapshot& host = fleet_.hosts[p.host];
    plan.due = DueTime(p, host, policy_);
    plan.expected = ExpectedScrubDuration(p, policy_);
    bool scanning = p.scan_state == ScanState::kScanning || p.scan_state == ScanState::kPaused;
    plan.planned = !occupied[i] && !scanning && host.reporting && !policy_.Skips(p.state);
  }
  own_start_.assign(n, absl::InfiniteFuture());
  for (size_t i = 0; i < n; ++i) {
    if (plan_.pools[i].planned) own_start_[i] = SensibleLatestStart(i);
  }
  for (const Group& g : MakeGroups(occupants)) {
    PlaceGroup(g);
    FindShortfalls(g);
  }
  for (PoolPlan& p : plan_.pools) {
    if (!p.planned) continue;
    if (p.due <= now_) p.late = true;
    plan_.late += p.late ? 1 : 0;
  }
  return std::move(plan_);
}

}  // namespace

absl::Duration ExpectedScrubDuration(const PoolSnapshot& pool, const SchedulerPolicy& policy) {
  if (pool.expected_duration > absl::ZeroDuration()) return pool.expected_duration;
  if (pool.size_bytes <= 0) return absl::Hours(1);
  double rate = pool.scan_bytes_per_s > 0 ? pool.scan_bytes_per_s
                                          : policy.For(pool.disk_class).scrub_bytes_per_s;
  return absl::Seconds(std::ceil(pool.size_bytes / std::max(rate, 1.0)));
}

ScrubPlan PlanScrubs(absl::Time now, const FleetSnapshot& fleet, const SchedulerPolicy& policy,
                     absl::Span<const RunningScrub> running) {
  return Planner(now, fleet, policy).Run(running);
}

std::optional<absl::Duration> ExpectedFromHistory(absl::Span<const FinishedScrub> newest_first,
                                                  DiskClass disk_class,
                                                  const SchedulerPolicy& policy) {
  constexpr size_t kRuns = 3;
  const ScrubWindows& windows = policy.For(disk_class).windows;
  std::vector<absl::Duration> took;
  for (const FinishedScrub& run : newest_first) {
    if (took.size() == kRuns) break;
    if (run.ended < run.started) continue;
    absl::Duration d = run.ended - run.started;
    if (run.windowed && policy.at_window_end == WindowEndAction::kPause) {
      d -= windows.ClosedTimeBetween(run.started, run.ended, policy.timezone);
    }
    took.push_back(d);
  }
  if (took.empty()) return std::nullopt;
  std::sort(took.begin(), took.end());
  return took[(took.size() - 1) / 2];
}

std::string ShortfallText(const Shortfall& s) {
  return absl::StrFormat(
      "%s on %s needs ~%.0f scrub-hours every %s; its windows under the caps give %.0f (%d "
      "pools)",
      DiskClassName(s.disk_class), s.group, s.need_hours, FormatHumanDuration(s.interval),
      s.capacity_hours, s.pools);
}

}  // namespace zfleet::controller
