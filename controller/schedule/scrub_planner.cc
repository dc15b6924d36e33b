#include "controller/schedule/scrub_planner.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <optional>
#include <queue>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/duration.h"
#include "controller/schedule/busy_profile.h"

namespace zfleet::controller {
namespace {

// Running and paused scrubs by pool: how much window time each still needs.
struct Occupant {
  size_t pool;
  // When it holds a slot from: now when running; when its window opens again when paused
  // at a window's end, since it resumes then before any pool of its host or group starts.
  absl::Time from;
  absl::Time end;  // expected end, in its class's window time from `from`
};

// The pools and running scrubs of one cap group, and its slots while the plan is placed.
struct Group {
  Group(std::string name, int cap) : name(std::move(name)), cap(cap) {}

  std::string name;
  int cap = 1;
  std::vector<size_t> pools;  // planned pools
  std::vector<Occupant> running;
  // Placement state: slot s is held by running scrubs from held_from[s] until busy_until[s];
  // free_until holds (the latest time its next pool must end by, slot) for the slots still
  // taking pools; chains[s] are the slot's pools, latest first. A slot held only from later
  // (a paused scrub) takes pools before its scrub too: those from chains[s][before[s]] on.
  std::vector<absl::Time> held_from;
  std::vector<absl::Time> busy_until;
  std::vector<size_t> before;
  std::priority_queue<std::pair<absl::Time, size_t>> free_until;
  std::vector<std::vector<size_t>> chains;
};

// A class's open stretches from a time on, read from its windows once per plan and on
// demand, so that laying out thousands of scrubs does not convert each to local time.
class OpenStretches {
 public:
  OpenStretches(const ScrubWindows& windows, absl::TimeZone tz, absl::Time from)
      : windows_(windows), tz_(tz), next_(from) {}

  // Calls add(begin, end) for each open part of a run of `length` window time from `t`.
  template <typename Add>
  void Lay(absl::Time t, absl::Duration length, Add add) {
    while (spans_.empty() || spans_.back().second <= t) {
      if (!Extend()) return;
    }
    size_t k = std::upper_bound(spans_.begin(), spans_.end(), t,
                                [](absl::Time at, const auto& span) { return at < span.second; }) -
               spans_.begin();
    while (length > absl::ZeroDuration()) {
      if (k == spans_.size() && !Extend()) return;
      auto [begin, end] = spans_[k++];
      begin = std::max(begin, t);
      if (end - begin > length) end = begin + length;
      add(begin, end);
      length -= end - begin;
    }
  }

 private:
  bool Extend() {
    if (next_ == absl::InfiniteFuture()) return false;
    absl::Time open = windows_.IsOpenAt(next_, tz_) ? next_ : windows_.NextChange(next_, tz_);
    if (open == absl::InfiniteFuture()) return false;
    next_ = windows_.NextChange(open, tz_);
    spans_.emplace_back(open, next_);
    return true;
  }

  const ScrubWindows& windows_;
  absl::TimeZone tz_;
  absl::Time next_;
  std::vector<std::pair<absl::Time, absl::Time>> spans_;
};

// How much longer than expected the plan lets each scrub run before the next one in its slots
// starts. A scrub rarely takes exactly its estimate (the pool is busier, it grew), and a plan
// whose latest starts leave no slack makes every overrun the next pool's lateness. Measured
// with zfleet-sim on the generated fleets of the planner quality tests, scrub rates varying
// by ±20%: a new fleet's overdue pool-days fell from 6.7 to 0.19 and a realistic one's from
// 108 to 102, for 1% more scrubs; 0.3 saves little more and costs 3% more scrubs.
constexpr double kDurationMargin = 0.2;

class Planner {
 public:
  Planner(absl::Time now, const FleetSnapshot& fleet, const SchedulerPolicy& policy)
      : now_(now), fleet_(fleet), policy_(policy) {}

  ScrubPlan Run(absl::Span<const RunningScrub> running);

 private:
  const ScrubWindows& windows(size_t pool) const { return policy_.For(class_[pool]).windows; }
  // How long a pool holds its slots, in its class's window time: its expected duration with
  // kDurationMargin, and a tick, since the scheduler starts the pool after it only at its
  // first tick after it ends.
  absl::Duration Held(size_t pool) const {
    return plan_.pools[pool].expected * (1 + kDurationMargin) + policy_.tick;
  }
  absl::Time SensibleLatestStart(size_t pool) const;
  absl::Time StartToEndBy(size_t pool, absl::Time end) const;
  void MakeGroups(const std::vector<Occupant>& occupants);
  void OpenSlots(Group& group) const;
  void PlacePool(size_t pool);
  void WalkChains(const Group& group);
  void FindShortfalls(const Group& group);
  std::vector<std::optional<BusyProfile>> MakeProfiles() const;
  void PlaceInGap(size_t pool, std::vector<std::optional<BusyProfile>>& profiles);

  const absl::Time now_;
  const FleetSnapshot& fleet_;
  const SchedulerPolicy& policy_;
  ScrubPlan plan_;
  std::vector<absl::Time> own_start_;  // SensibleLatestStart of each planned pool, made once
  std::vector<DiskClass> class_;       // each pool's, packed: the groups visit pools at random
  std::vector<bool> in_gaps_;          // placed into the gaps the others leave, after them
  // False when the host or label caps never let the fleet run max_concurrent scrubs.
  bool fleet_cap_binds_ = true;
  // Each class's window hours in its coming interval: every group's capacity, made once.
  std::array<double, kDiskClassCount> open_hours_{};
  std::vector<Group> groups_;                     // the fleet's first
  std::vector<std::vector<size_t>> host_groups_;  // by host: its groups other than the fleet's
};

absl::Time Planner::SensibleLatestStart(size_t pool) const {
  const PoolPlan& p = plan_.pools[pool];
  const ScrubWindows& w = windows(pool);
  if (w.IsOpenAt(p.due, policy_.timezone)) {
    // Started at its due time, a scrub that outlasts the stretch is paused at its end and
    // resumes first when the window reopens, taking a slot the pools due then need: it starts
    // early enough to finish inside the stretch when it fits.
    std::optional<absl::Time> close = w.EndOfOpenWindow(p.due, policy_.timezone);
    if (close && *close - p.due < p.expected &&
        *close - p.expected >= w.PreviousChange(p.due, policy_.timezone)) {
      return *close - p.expected;
    }
    return p.due;
  }
  auto span = w.LastOpenSpan(p.due, policy_.timezone);
  if (!span) return p.due;  // never open: it will be late whatever happens
  auto [begin, end] = *span;
  // Finish inside the stretch when the scrub fits in it; else use all of it.
  return std::max(begin, std::min(end, p.due) - p.expected);
}

absl::Time Planner::StartToEndBy(size_t pool, absl::Time end) const {
  if (end == absl::InfiniteFuture()) return end;
  // Already past: the pool should have started before `end`; how long before does not
  // matter (it starts now or is late), and walking windows back through the past would cost
  // the most exactly when the fleet is the most behind.
  if (end <= now_) return end;
  return windows(pool).RewindOpenTime(end, Held(pool), policy_.timezone);
}

void Planner::MakeGroups(const std::vector<Occupant>& occupants) {
  groups_.emplace_back("fleet", policy_.max_concurrent);
  host_groups_.assign(fleet_.hosts.size(), {});
  for (size_t h = 0; h < fleet_.hosts.size(); ++h) {
    host_groups_[h].push_back(groups_.size());
    groups_.emplace_back(absl::StrCat("host ", fleet_.hosts[h].id), policy_.max_per_host);
  }
  // Each host's label groups (one per capped key it carries), looked up once per host.
  absl::flat_hash_map<std::pair<size_t, std::string>, size_t> label_index;
  std::vector<size_t> carriers(policy_.max_per_label.size(), 0);  // hosts with each key
  std::vector<int64_t> label_capacity(policy_.max_per_label.size(), 0);
  for (size_t h = 0; h < fleet_.hosts.size(); ++h) {
    for (size_t l = 0; l < policy_.max_per_label.size(); ++l) {
      const auto& [key, cap] = policy_.max_per_label[l];
      auto it = fleet_.hosts[h].labels.find(key);
      if (it == fleet_.hosts[h].labels.end()) continue;
      ++carriers[l];
      auto [slot, inserted] = label_index.try_emplace({l, it->second}, groups_.size());
      if (inserted) {
        groups_.emplace_back(absl::StrCat(key, "=", it->second), cap);
        label_capacity[l] += cap;
      }
      host_groups_[h].push_back(slot->second);
    }
  }
  const int64_t fleet_cap = policy_.max_concurrent;
  fleet_cap_binds_ = static_cast<int64_t>(fleet_.hosts.size()) * policy_.max_per_host > fleet_cap;
  for (size_t l = 0; l < carriers.size(); ++l) {
    if (carriers[l] == fleet_.hosts.size() && label_capacity[l] <= fleet_cap) {
      fleet_cap_binds_ = false;
    }
  }
  for (size_t i = 0; i < fleet_.pools.size(); ++i) {
    if (!plan_.pools[i].planned) continue;
    groups_[0].pools.push_back(i);
    for (size_t g : host_groups_[fleet_.pools[i].host]) groups_[g].pools.push_back(i);
  }
  for (const Occupant& o : occupants) {
    groups_[0].running.push_back(o);
    for (size_t g : host_groups_[fleet_.pools[o.pool].host]) groups_[g].running.push_back(o);
  }
}

void Planner::OpenSlots(Group& group) const {
  const size_t slots = std::clamp<size_t>(group.cap, 1, group.pools.size() + group.running.size());
  // The running scrubs hold slots until their expected ends, the longest in slot 0 on. Paused
  // ones do not count toward the cap, so a group can have more than slots; each of those
  // waits for the slot that frees first.
  group.held_from.assign(slots, now_);
  group.busy_until.assign(slots, now_);
  group.before.assign(slots, SIZE_MAX);
  std::vector<Occupant> held = group.running;
  std::sort(held.begin(), held.end(),
            [](const Occupant& a, const Occupant& b) { return a.end > b.end; });
  for (size_t i = 0; i < held.size(); ++i) {
    const Occupant& o = held[i];
    if (i < slots) {
      group.held_from[i] = std::max(now_, o.from);
      group.busy_until[i] = std::max(now_, o.end);
      continue;
    }
    size_t s = std::min_element(group.busy_until.begin(), group.busy_until.end()) -
               group.busy_until.begin();
    absl::Time begin = std::max(group.busy_until[s], o.from);
    group.busy_until[s] = std::max(group.busy_until[s], begin + (o.end - o.from));
    group.held_from[s] = std::min(group.held_from[s], std::max(now_, o.from));
  }
  for (size_t s = 0; s < slots; ++s) group.free_until.push({absl::InfiniteFuture(), s});
  group.chains.resize(slots);
}

// Places one pool, backward: as late as its own latest start and, in every group it belongs
// to, the slot whose next scrub starts latest allow. A slot whose running scrub would still
// hold it then takes no more pools (while the group has another slot), and its loss can move
// the start earlier in the other groups too, so the slots are chosen until the start holds.
void Planner::PlacePool(size_t pool) {
  const std::vector<size_t>& own = host_groups_[fleet_.pools[pool].host];
  absl::InlinedVector<size_t, 4> groups = {0};
  groups.insert(groups.end(), own.begin(), own.end());
  absl::Time s = own_start_[pool];
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t g : groups) {
      Group& group = groups_[g];
      for (;;) {
        auto [until, slot] = group.free_until.top();
        absl::Time start = std::min(s, StartToEndBy(pool, until));
        // A slot whose pools already go before its paused scrub is free until then.
        absl::Time busy = group.before[slot] == SIZE_MAX ? group.busy_until[slot] : now_;
        if (start < busy && busy > now_ && group.held_from[slot] > now_) {
          // Too late to follow the paused scrub: its next pools end before it resumes.
          group.free_until.pop();
          group.free_until.push({std::min(until, group.held_from[slot]), slot});
          group.before[slot] = group.chains[slot].size();
          continue;
        }
        if (start < busy && busy > now_ && group.free_until.size() > 1) {
          group.free_until.pop();
          continue;
        }
        if (start < s) {
          s = start;
          changed = true;
        }
        break;
      }
    }
  }
  plan_.pools[pool].latest_start = s;  // each pool is placed once, in all its groups
  for (size_t g : groups) {
    Group& group = groups_[g];
    size_t slot = group.free_until.top().second;
    group.free_until.pop();
    group.free_until.push({s, slot});
    group.chains[slot].push_back(pool);
  }
}

// Forward: behind its running scrub, each slot's pools start as early as their predecessor
// lets them; a pool that cannot start by its due time will be late.
void Planner::WalkChains(const Group& group) {
  for (size_t slot = 0; slot < group.chains.size(); ++slot) {
    const std::vector<size_t>& chain = group.chains[slot];
    const size_t before = group.before[slot];
    absl::Time free = before == SIZE_MAX ? group.busy_until[slot] : now_;
    for (size_t k = chain.size(); k-- > 0;) {
      if (k + 1 == before) {
        // The paused scrub resumes behind the pools placed before it.
        absl::Time from = group.held_from[slot];
        free = std::max(free, from) + (group.busy_until[slot] - from);
      }
      PoolPlan& p = plan_.pools[chain[k]];
      const ScrubWindows& w = windows(chain[k]);
      absl::Time begin = free == absl::InfiniteFuture() || w.IsOpenAt(free, policy_.timezone)
                             ? free
                             : w.NextChange(free, policy_.timezone);
      if (begin > p.due) p.late = true;
      free = w.AdvanceOpenTime(begin, Held(chain[k]), policy_.timezone);
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
    double capacity = std::min(group.cap, count[c]) * open_hours_[c];
    if (need[c] <= capacity) continue;
    plan_.shortfalls.push_back(
        {group.name, static_cast<DiskClass>(c), cls.interval, need[c], capacity, count[c]});
  }
}

// For each group that a pool placed into gaps belongs to and whose cap can bind: the running
// scrubs, and the pools placed backward, each in its class's open stretches from its latest
// start (or now) for as long as it holds its slots.
std::vector<std::optional<BusyProfile>> Planner::MakeProfiles() const {
  std::vector<std::optional<BusyProfile>> profiles(groups_.size());
  auto open = [&](size_t g) {
    const Group& group = groups_[g];
    if (profiles[g] ||
        static_cast<size_t>(group.cap) >= group.pools.size() + group.running.size() ||
        (g == 0 && !fleet_cap_binds_)) {
      return;
    }
    profiles[g].emplace(group.cap);
  };
  for (size_t i = 0; i < in_gaps_.size(); ++i) {
    if (!in_gaps_[i]) continue;
    open(0);
    for (size_t g : host_groups_[fleet_.pools[i].host]) open(g);
  }
  auto add = [&](size_t pool, absl::Time from, absl::Time to) {
    if (profiles[0]) profiles[0]->Add(from, to);
    for (size_t g : host_groups_[fleet_.pools[pool].host]) {
      if (profiles[g]) profiles[g]->Add(from, to);
    }
  };
  for (const Occupant& o : groups_[0].running) {
    add(o.pool, std::max(now_, o.from), std::max(now_, o.end));
  }
  std::array<std::optional<OpenStretches>, kDiskClassCount> stretches;
  for (size_t i = 0; i < in_gaps_.size(); ++i) {
    const PoolPlan& p = plan_.pools[i];
    if (!p.planned || in_gaps_[i] || p.latest_start == absl::InfiniteFuture()) continue;
    // Paused while its window is closed, it holds no slot then.
    std::optional<OpenStretches>& open = stretches[static_cast<int>(class_[i])];
    if (!open) open.emplace(windows(i), policy_.timezone, now_);
    open->Lay(std::max(now_, p.latest_start), Held(i),
              [&](absl::Time from, absl::Time to) { add(i, from, to); });
  }
  for (std::optional<BusyProfile>& profile : profiles) {
    if (profile) profile->Seal();
  }
  return profiles;
}

// Places a pool of an always-open class, after the others, at the latest start before its
// own that has a free slot for its whole run in all its groups: it then runs in the hours the
// windowed classes leave free, instead of in the slots their windows need. A pool with no
// such start from now on will be late; it is counted from now.
void Planner::PlaceInGap(size_t pool, std::vector<std::optional<BusyProfile>>& profiles) {
  absl::InlinedVector<size_t, 4> groups;
  if (profiles[0]) groups.push_back(0);
  for (size_t g : host_groups_[fleet_.pools[pool].host]) {
    if (profiles[g]) groups.push_back(g);
  }
  PoolPlan& p = plan_.pools[pool];
  absl::Time s = own_start_[pool];
  if (s == absl::InfiniteFuture()) return;
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t g : groups) {
      absl::Time fit = profiles[g]->LatestFit(s, Held(pool));
      if (fit < s) {
        s = fit;
        changed = true;
      }
    }
  }
  p.latest_start = s;
  p.late = s < now_;
  absl::Time start = std::max(s, now_);
  for (size_t g : groups) profiles[g]->Insert(start, start + Held(pool));
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
    absl::Time from = r.state == RunState::kPausedByWindow && !w.IsOpenAt(now_, policy_.timezone)
                          ? std::min(w.NextChange(now_, policy_.timezone), end)
                          : now_;
    occupants.push_back({r.pool, from, end});
  }
  for (size_t i = 0; i < n; ++i) {
    const PoolSnapshot& p = fleet_.pools[i];
    if (p.host >= fleet_.hosts.size()) continue;
    PoolPlan& plan = plan_.pools[i];
    const HostSnapshot& host = fleet_.hosts[p.host];
    plan.due = DueTime(p, host, policy_);
    plan.expected = ExpectedScrubDuration(p, policy_);
    bool scanning = p.scan_state == ScanState::kScanning || p.scan_state == ScanState::kPaused;
    plan.planned = !occupied[i] && !scanning && (host.reporting || host.expected_back) &&
                   !policy_.Skips(p.state);
  }
  own_start_.assign(n, absl::InfiniteFuture());
  for (size_t i = 0; i < n; ++i) {
    if (plan_.pools[i].planned) own_start_[i] = SensibleLatestStart(i);
  }
  for (int c = 0; c < kDiskClassCount; ++c) {
    const ClassPolicy& cls = policy_.classes[c];
    open_hours_[c] = absl::ToDoubleHours(
        cls.interval - cls.windows.ClosedTimeBetween(now_, now_ + cls.interval, policy_.timezone));
  }
  MakeGroups(occupants);
  for (Group& g : groups_) {
    if (!g.pools.empty()) OpenSlots(g);
  }
  // Latest due first, so each pool is placed as late as the ones due after it leave room for.
  std::vector<std::pair<absl::Time, size_t>> order;  // (due, pool), sorted without lookups
  for (size_t i = 0; i < n; ++i) {
    if (plan_.pools[i].planned) order.emplace_back(plan_.pools[i].due, i);
  }
  std::sort(order.rbegin(), order.rend());
  // When windowed classes are planned too, the pools of always-open classes go into the gaps
  // the windowed ones leave, once those are placed: else, placed as late as they can be,
  // they take the slots of the nights and weekends that only the windowed ones can use.
  bool windowed = false;
  for (const auto& [due, pool] : order) windowed = windowed || !windows(pool).AlwaysOpen();
  in_gaps_.assign(n, false);
  for (const auto& [due, pool] : order) {
    in_gaps_[pool] = windowed && windows(pool).AlwaysOpen();
    if (!in_gaps_[pool]) PlacePool(pool);
  }
  for (const Group& g : groups_) {
    WalkChains(g);
    if (!g.pools.empty() || !g.running.empty()) FindShortfalls(g);
  }
  if (windowed) {
    std::vector<std::optional<BusyProfile>> profiles = MakeProfiles();
    for (const auto& [due, pool] : order) {
      if (in_gaps_[pool]) PlaceInGap(pool, profiles);
    }
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

namespace {

// Scrub-hours as people read them: whole hours from ten on, else enough digits that a short
// window does not read as "0".
std::string Hours(double h) {
  if (h >= 10) return absl::StrFormat("%.0f", h);
  if (h >= 1) return absl::StrFormat("%.1f", h);
  return absl::StrFormat("%.2f", h);
}

}  // namespace

std::string ShortfallText(const Shortfall& s) {
  return absl::StrFormat(
      "%s on %s needs ~%s scrub-hours every %s; its windows under the caps give %s (%d pools)",
      DiskClassName(s.disk_class), s.group, Hours(s.need_hours), FormatHumanDuration(s.interval),
      Hours(s.capacity_hours), s.pools);
}

}  // namespace zfleet::controller
