#include "tools/sim/simulator.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <queue>
#include <tuple>

#include "controller/schedule/scheduler_rules.h"
#include "controller/schedule/scrub_planner.h"
#include "controller/schedule/standing_plan.h"

namespace zfleet::controller {
namespace {

uint64_t SplitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

struct Event {
  absl::Time at;
  size_t pool;
  uint64_t epoch;
  bool operator>(const Event& o) const {
    return std::tie(at, pool, epoch) > std::tie(o.at, o.pool, o.epoch);
  }
};
using EventQueue = std::priority_queue<Event, std::vector<Event>, std::greater<Event>>;

bool BySegmentOrder(const SimSegment& a, const SimSegment& b) {
  return std::tie(a.scrub_id, a.start) < std::tie(b.scrub_id, b.start);
}

// The scheduler on a virtual clock. One instance per run.
class SchedulerSim {
 public:
  SchedulerSim(const SimFleet& fleet, const SchedulerPolicy& policy, const SimOptions& options)
      : base_policy_(policy),
        policy_(PolicyAt(policy, options, options.start)),
        outage_edge_(NextOutageEdge(options, options.start)),
        options_(options),
        fleet_(SimSnapshot(fleet, options)),
        running_pos_(fleet_.pools.size(), -1),
        sims_(fleet_.pools.size()) {
    for (size_t i = 0; i < fleet_.pools.size(); ++i) PushCandidate(i);
  }

  SimRun Run();

 private:
  struct PoolSim {
    int64_t scrub_id = 0;
    int64_t nth = 0;  // scrubs started so far
    absl::Time first_start;
    absl::Time segment_start;
    absl::Duration total;      // the running scrub's scan time
    absl::Duration remaining;  // of it, at segment_start
    uint64_t epoch = 0;  // bumped whenever a pending completion becomes stale
    bool candidate = false;
  };

  absl::Time NextTick(absl::Time at) const {
    absl::Duration rem;
    int64_t k = absl::IDivDuration(at - options_.start, policy_.tick, &rem);
    if (rem > absl::ZeroDuration()) ++k;
    return options_.start + policy_.tick * k;
  }
  void PushCandidate(size_t pool) {
    const PoolSnapshot& p = fleet_.pools[pool];
    absl::Time due = DueTime(p, fleet_.hosts[p.host], policy_);
    due_.push({EarlyStartTime(due, p.disk_class, policy_), pool, 0});
  }
  void CloseSegment(size_t pool, absl::Time end) {
    PoolSim& s = sims_[pool];
    run_.segments.push_back(
        {s.scrub_id, pool, s.segment_start, end, false, running_[running_pos_[pool]].trigger});
  }
  void RemoveRunning(size_t pool) {
    int pos = running_pos_[pool];
    running_pos_[running_.back().pool] = pos;
    running_[pos] = running_.back();
    running_.pop_back();
    running_pos_[pool] = -1;
  }
  void Complete(size_t pool, absl::Time at);
  void Apply(const Action& a, absl::Time now);
  void Replan(absl::Time now);

  const SchedulerPolicy& base_policy_;
  SchedulerPolicy policy_;  // base_policy_ with the outages in force
  absl::Time outage_edge_;  // when policy_ changes next
  const SimOptions& options_;
  FleetSnapshot fleet_;
  std::vector<RunningScrub> running_;
  std::vector<int> running_pos_;  // pool → index into running_, -1 when not running
  std::vector<PoolSim> sims_;
  std::vector<size_t> candidates_;  // due or early, not running
  EventQueue completions_;
  EventQueue due_;      // when a pool becomes a start candidate: its early start time
  EventQueue planned_;  // or its planned start, by the current plan (made anew each time)
  ScrubPlan plan_;
  absl::Time replan_at_ = absl::InfinitePast();
  int64_t next_id_ = 0;
  SimRun run_;
};

void SchedulerSim::Complete(size_t pool, absl::Time at) {
  CloseSegment(pool, at);
  PoolSnapshot& p = fleet_.pools[pool];
  p.last_scrub_start = sims_[pool].first_start;
  p.last_scrub_end = at;
  p.scan_state = ScanState::kFinished;
  RemoveRunning(pool);
  PushCandidate(pool);
}

void SchedulerSim::Apply(const Action& a, absl::Time now) {
  PoolSim& s = sims_[a.pool];
  PoolSnapshot& p = fleet_.pools[a.pool];
  switch (a.kind) {
    case ActionKind::kStart:
      s.scrub_id = ++next_id_;
      ++run_.scrubs;
      s.first_start = s.segment_start = now;
      s.total = s.remaining = SimScrubDuration(p, a.pool, s.nth++, options_);
      p.percent_done = 0;
      running_.push_back({a.pool, a.trigger, RunState::kRunning, now, absl::InfiniteFuture()});
      running_pos_[a.pool] = static_cast<int>(running_.size()) - 1;
      completions_.push({now + s.remaining, a.pool, ++s.epoch});
      p.scan_function = ScanFunction::kScrub;
      p.scan_state = ScanState::kScanning;
      break;
    case ActionKind::kPause:
      CloseSegment(a.pool, now);
      s.remaining -= now - s.segment_start;
      ++s.epoch;
      running_[running_pos_[a.pool]].state =
          a.yield ? RunState::kYielded : RunState::kPausedByWindow;
      run_.yields += a.yield ? 1 : 0;
      p.scan_state = ScanState::kPaused;
      break;
    case ActionKind::kResume:
      s.segment_start = now;
      running_[running_pos_[a.pool]].state = RunState::kRunning;
      completions_.push({now + s.remaining, a.pool, ++s.epoch});
      p.scan_state = ScanState::kScanning;
      break;
    case ActionKind::kStop:
      CloseSegment(a.pool, now);
      ++s.epoch;
      RemoveRunning(a.pool);
      p.scan_state = ScanState::kCanceled;
      PushCandidate(a.pool);
      break;
  }
}

// The plan is made when the controller's is (standing_plan.h: ReplanTime) and at outage
// edges; in between, a pool's planned start stays valid until it starts or its due time
// moves (scheduler.cc checks that the plan is for the pool's current due time). The pools
// never change, so the plan is used by index, without StandingPlan's matching.
void SchedulerSim::Replan(absl::Time now) {
  // The planner reads how far each running scrub has come, as zpool status tells the
  // controller; without it every running scrub would look as if it had just started.
  for (const RunningScrub& r : running_) {
    const PoolSim& s = sims_[r.pool];
    absl::Duration left = s.remaining;
    if (r.state == RunState::kRunning) left -= now - s.segment_start;
    fleet_.pools[r.pool].percent_done =
        s.total > absl::ZeroDuration()
            ? 100 * (1 - absl::FDivDuration(std::max(left, absl::ZeroDuration()), s.total))
            : 0;
  }
  plan_ = PlanScrubs(now, fleet_, policy_, running_);
  replan_at_ = ReplanTime(now, policy_);
  std::vector<Event> starts;
  for (size_t i = 0; i < plan_.pools.size(); ++i) {
    const PoolPlan& p = plan_.pools[i];
    if (!p.planned || p.latest_start == absl::InfiniteFuture()) continue;
    absl::Duration half = policy_.For(fleet_.pools[i].disk_class).interval / 2;
    // A tick ahead: Decide starts a pool whose planned start comes before the next tick.
    starts.push_back({std::max(p.latest_start, p.due - half) - policy_.tick, i, 0});
  }
  planned_ = EventQueue(std::greater<Event>(), std::move(starts));
}

SimRun SchedulerSim::Run() {
  const absl::Time end = options_.end();
  // The hosts and their labels never change during a run.
  const HostLabelIndex host_labels = IndexHostLabels(fleet_, policy_);
  DecideOptions decide_options{/*explain=*/false, &candidates_, &plan_, &host_labels};
  absl::Time t = options_.start;
  absl::Time wake = t;
  bool dirty = true;
  while (t < end) {
    while (!completions_.empty() && completions_.top().at <= t) {
      Event e = completions_.top();
      completions_.pop();
      if (e.epoch != sims_[e.pool].epoch) continue;
      Complete(e.pool, e.at);
      dirty = true;
    }
    if (t >= outage_edge_) {
      policy_ = PolicyAt(base_policy_, options_, t);
      outage_edge_ = NextOutageEdge(options_, t);
      replan_at_ = t;
    }
    if (t >= replan_at_) {
      Replan(t);
      dirty = true;
    }
    for (EventQueue* q : {&due_, &planned_}) {
      while (!q->empty() && q->top().at <= t) {
        size_t pool = q->top().pool;
        q->pop();
        if (!sims_[pool].candidate) candidates_.push_back(pool);
        sims_[pool].candidate = true;
        dirty = true;
      }
    }
    if (dirty || t >= wake || options_.every_tick) {
      Decision d = Decide(t, fleet_, policy_, running_, {}, decide_options);
      ++run_.decisions;
      for (const Action& a : d.actions) Apply(a, t);
      if (!d.actions.empty()) {
        auto started = [this](size_t pool) {
          if (running_pos_[pool] < 0) return false;
          sims_[pool].candidate = false;
          return true;
        };
        candidates_.erase(std::remove_if(candidates_.begin(), candidates_.end(), started),
                          candidates_.end());
      }
      dirty = !d.actions.empty();
      wake = d.wake_at;
    }
    while (!completions_.empty() &&
           completions_.top().epoch != sims_[completions_.top().pool].epoch) {
      completions_.pop();
    }
    absl::Time next = dirty || options_.every_tick ? t + policy_.tick : std::min(wake, end);
    if (!completions_.empty()) next = std::min(next, completions_.top().at);
    if (!due_.empty()) next = std::min(next, due_.top().at);
    if (!planned_.empty()) next = std::min(next, planned_.top().at);
    next = std::min({next, replan_at_, outage_edge_});
    t = NextTick(std::max(next, t + policy_.tick));
  }
  for (const RunningScrub& r : running_) {
    if (r.state != RunState::kRunning) continue;
    run_.segments.push_back(
        {sims_[r.pool].scrub_id, r.pool, sims_[r.pool].segment_start, end, true, r.trigger});
  }
  std::sort(run_.segments.begin(), run_.segments.end(), BySegmentOrder);
  return std::move(run_);
}

// Local times at 02:00 on the Sundays in [start, end); `first_only` keeps the first Sunday
// of each month.
std::vector<absl::Time> CronTimes(absl::Time start, absl::Time end, absl::TimeZone tz,
                                  bool first_only) {
  std::vector<absl::Time> times;
  absl::CivilDay last = absl::CivilDay(tz.At(end).cs);
  for (absl::CivilDay d = absl::CivilDay(tz.At(start).cs); d <= last; ++d) {
    if (absl::GetWeekday(d) != absl::Weekday::sunday || (first_only && d.day() > 7)) continue;
    absl::Time at = absl::FromCivil(absl::CivilSecond(d.year(), d.month(), d.day(), 2), tz);
    if (at >= start && at < end) times.push_back(at);
  }
  return times;
}

}  // namespace

FleetSnapshot SimSnapshot(const SimFleet& fleet, const SimOptions& options) {
  FleetSnapshot snap;
  snap.hosts.reserve(fleet.hosts.size());
  snap.pools.reserve(fleet.PoolCount());
  for (const SimHost& h : fleet.hosts) {
    snap.hosts.push_back({h.name, h.labels, h.load, /*reporting=*/true, h.can_pause});
    for (const SimPool& sp : h.pools) {
      PoolSnapshot p;
      p.host = snap.hosts.size() - 1;
      p.name = sp.name;
      p.disk_class = sp.disk_class;
      p.state = sp.state;
      p.first_seen = options.start;
      p.size_bytes = sp.size_bytes;
      p.scan_bytes_per_s = sp.scan_bytes_per_s;
      if (sp.last_scrub_age_days) {
        absl::Time started = options.start - absl::Hours(24) * *sp.last_scrub_age_days;
        p.last_scrub_start = started;
        p.last_scrub_end =
            std::min(options.start, started + absl::Seconds(sp.size_bytes / sp.scan_bytes_per_s));
        p.scan_function = ScanFunction::kScrub;
        p.scan_state = ScanState::kFinished;
      }
      snap.pools.push_back(std::move(p));
    }
  }
  return snap;
}

absl::Duration SimScrubDuration(const PoolSnapshot& pool, size_t pool_index, int64_t nth,
                                const SimOptions& options) {
  double rate = pool.scan_bytes_per_s;
  if (options.jitter > 0) {
    uint64_t r = SplitMix64(options.seed ^
                            SplitMix64(pool_index * 0x100000001b3ull + static_cast<uint64_t>(nth)));
    double u = static_cast<double>(r >> 11) / static_cast<double>(uint64_t{1} << 53);
    rate *= 1 + options.jitter * (2 * u - 1);
  }
  double seconds = rate > 0 ? std::ceil(pool.size_bytes / rate) : 1;
  return absl::Seconds(std::max<double>(1, seconds));
}

SimRun RunScheduler(const SimFleet& fleet, const SchedulerPolicy& policy,
                    const SimOptions& options) {
  return SchedulerSim(fleet, policy, options).Run();
}

SimRun RunCronBaseline(const SimFleet& fleet, const SchedulerPolicy& policy,
                       const SimOptions& options) {
  const absl::Time end = options.end();
  const std::vector<absl::Time> weekly = CronTimes(options.start, end, policy.timezone, false);
  const std::vector<absl::Time> monthly = CronTimes(options.start, end, policy.timezone, true);
  FleetSnapshot snap = SimSnapshot(fleet, options);
  SimRun run;
  for (size_t i = 0; i < snap.pools.size(); ++i) {
    const PoolSnapshot& p = snap.pools[i];
    bool is_weekly = policy.For(p.disk_class).interval < absl::Hours(24 * 28);
    absl::Time busy_until = absl::InfinitePast();
    int64_t nth = 0;
    for (absl::Time at : is_weekly ? weekly : monthly) {
      if (at < busy_until) continue;
      busy_until = at + SimScrubDuration(p, i, nth++, options);
      run.segments.push_back(
          {0, i, at, std::min(busy_until, end), busy_until > end, ScrubTrigger::kScheduled});
    }
  }
  std::sort(run.segments.begin(), run.segments.end(), [](const SimSegment& a, const SimSegment& b) {
    return std::tie(a.start, a.pool) < std::tie(b.start, b.pool);
  });
  for (SimSegment& s : run.segments) s.scrub_id = ++run.scrubs;
  return run;
}

std::vector<std::pair<absl::Time, absl::Time>> SimOpenSpans(const SchedulerPolicy& policy,
                                                            const SimOptions& options, DiskClass c,
                                                            absl::Time from, absl::Time to,
                                                            size_t max_spans) {
  std::vector<std::pair<absl::Time, absl::Time>> spans;
  const ScrubWindows& w = policy.For(c).windows;
  for (absl::Time cur = from; cur < to && spans.size() < max_spans;) {
    absl::Time next = std::min(w.NextChange(cur, policy.timezone), to);
    if (w.IsOpenAt(cur, policy.timezone)) spans.emplace_back(cur, next);
    cur = next;
  }
  for (const SimOutage& o : options.outages) {
    if (o.disk_class != c || o.to <= o.from) continue;
    std::vector<std::pair<absl::Time, absl::Time>> kept;
    for (const auto& [a, b] : spans) {
      if (o.from > a) kept.emplace_back(a, std::min(b, o.from));
      if (o.to < b) kept.emplace_back(std::max(a, o.to), b);
    }
    kept.erase(std::remove_if(kept.begin(), kept.end(),
                              [](const auto& span) { return span.second <= span.first; }),
               kept.end());
    spans = std::move(kept);
  }
  return spans;
}

SchedulerPolicy PolicyAt(const SchedulerPolicy& policy, const SimOptions& options, absl::Time t) {
  SchedulerPolicy at = policy;
  for (const SimOutage& o : options.outages) {
    if (o.from <= t && t < o.to)
      at.classes[static_cast<int>(o.disk_class)].windows = ScrubWindows::Never();
  }
  return at;
}

absl::Time NextOutageEdge(const SimOptions& options, absl::Time t) {
  absl::Time next = absl::InfiniteFuture();
  for (const SimOutage& o : options.outages) {
    if (o.from > t) next = std::min(next, o.from);
    if (o.to > t) next = std::min(next, o.to);
  }
  return next;
}

absl::Time ComingMondayUtc(absl::Time now) {
  absl::CivilDay day = absl::ToCivilDay(now, absl::UTCTimeZone()) + 1;
  while (absl::GetWeekday(day) != absl::Weekday::monday) ++day;
  return absl::FromCivil(day, absl::UTCTimeZone());
}

}  // namespace zfleet::controller
