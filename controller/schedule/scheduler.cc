#include "controller/schedule/scheduler.h"

#include <algorithm>
#include <array>
#include <tuple>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "controller/schedule/scheduler_rules.h"
#include "controller/schedule/scrub_planner.h"

namespace zfleet::controller {
namespace {

// Start candidates by group, in priority order: resumes, manual requests, due and planned
// pools (one rank, by urgency), early pools.
enum class Group : uint8_t { kResume, kManual, kDue, kPlanned, kEarly };

Group Rank(Group g) { return g == Group::kPlanned ? Group::kDue : g; }

struct Candidate {
  Group group;
  absl::Time key;  // resume/early: due time; due/planned: urgency; manual: request time
  size_t pool;
  bool now = false;
  absl::Time due = absl::InfiniteFuture();  // breaks ties of `key`: the earlier due first
};

// What the explanation of one pool needs beyond the snapshot.
struct Draft {
  PoolPhase phase = PoolPhase::kNotDue;
  BlockReason reason;
  bool operator_paused = false;
  bool yielded = false;  // paused by this decision for a due pool
};

// The running scrubs that may pause for a due pool (scheduler.h, "Yield"), each list the one
// due last first: all of them, by host, and by capped label value (CapCounter's counter).
struct YieldCandidates {
  std::vector<size_t> all;
  size_t all_head = 0;  // all[0, all_head) have yielded
  absl::flat_hash_map<size_t, std::vector<size_t>> by_host;
  absl::flat_hash_map<int, std::vector<size_t>> by_label;
  absl::flat_hash_set<size_t> yielded;
  size_t left() const { return all.size() - yielded.size(); }
};

class Decider {
 public:
  Decider(absl::Time now, const FleetSnapshot& fleet, const SchedulerPolicy& policy,
          const DecideOptions& options)
      : now_(now),
        fleet_(fleet),
        policy_(policy),
        options_(options),
        caps_(fleet, policy, options.host_labels) {
    for (int c = 0; c < kDiskClassCount; ++c) {
      open_[c] = policy.classes[c].windows.IsOpenAt(now, policy.timezone);
    }
    if (explain()) drafts_.resize(fleet.pools.size());
  }

  Decision Run(absl::Span<const RunningScrub> running, absl::Span<const ManualRequest> manual);

 private:
  bool explain() const { return options_.explain && options_.candidates == nullptr; }
  const PoolSnapshot& pool(size_t i) const { return fleet_.pools[i]; }
  const HostSnapshot& host_of(size_t i) const { return fleet_.hosts[fleet_.pools[i].host]; }
  bool open(size_t i) const { return open_[static_cast<int>(pool(i).disk_class)]; }
  void Touch(size_t i) { relevant_[static_cast<int>(pool(i).disk_class)] = true; }
  void SetDraft(size_t i, PoolPhase phase, BlockReason reason = {}) {
    if (explain()) drafts_[i] = Draft{phase, reason, false};
  }
  const PoolPlan* plan_for(size_t i) const {
    return i < plan_->pools.size() && plan_->pools[i].planned ? &plan_->pools[i] : nullptr;
  }

  void HandleRunning(absl::Span<const RunningScrub> running);
  void CollectManual(absl::Span<const ManualRequest> manual);
  // How urgent a due pool, or one whose planned start has come, is (sooner first): its due
  // time, or now + its expected duration when that is later. Among pools already overdue the
  // shortest scrub goes first, since every hour one of them holds a slot the others wait (the
  // modified-due-date rule, for the least total lateness); but never later than a quarter
  // interval after its due time, so that a long scrub cannot be passed over for ever.
  absl::Time Urgency(size_t i, absl::Time due) const;
  // Whether running scrub `r` may pause so that a due pool sharing its caps starts.
  bool MayYield(const RunningScrub& r) const;
  void IndexYieldCandidates(std::vector<std::pair<absl::Time, size_t>> by_due);
  // Pauses scrubs that hold the caps due pool `i` needs, when that frees every one of them;
  // false, pausing nothing, when it does not.
  bool TryYield(size_t i);
  void ConsiderPool(size_t i);
  void Evaluate(const Candidate& c);
  void BuildRows();

  const absl::Time now_;
  const FleetSnapshot& fleet_;
  const SchedulerPolicy& policy_;
  const DecideOptions& options_;
  CapCounter caps_;
  std::array<bool, kDiskClassCount> open_{};
  std::array<bool, kDiskClassCount> relevant_{};  // whose next window change matters
  absl::flat_hash_map<size_t, const RunningScrub*> running_;
  absl::flat_hash_map<size_t, Candidate> manual_;
  std::vector<Candidate> candidates_;
  YieldCandidates yield_;
  std::vector<Draft> drafts_;
  ScrubPlan own_plan_;
  const ScrubPlan* plan_ = nullptr;
  Decision decision_;
};

Decision Decider::Run(absl::Span<const RunningScrub> running,
                      absl::Span<const ManualRequest> manual) {
  plan_ = options_.plan;
  if (plan_ == nullptr) {
    own_plan_ = PlanScrubs(now_, fleet_, policy_, running);
    plan_ = &own_plan_;
  }
  HandleRunning(running);
  CollectManual(manual);
  bool any_now = std::any_of(manual_.begin(), manual_.end(),
                             [](const auto& entry) { return entry.second.now; });
  if (!explain() && !any_now && caps_.fleet() >= policy_.max_concurrent && yield_.left() == 0) {
    // The fleet is full and no scrub yields: nothing starts or resumes whatever the time, so
    // only the window ends of running scrubs (already handled) matter until a scrub ends.
  } else if (options_.candidates != nullptr) {
    std::vector<bool> seen(fleet_.pools.size());  // a bit per pool: cheaper than a hash set
    for (size_t i : *options_.candidates) {
      if (i < fleet_.pools.size() && !seen[i] && fleet_.pools[i].host < fleet_.hosts.size()) {
        seen[i] = true;
        ConsiderPool(i);
      }
    }
  } else {
    for (size_t i = 0; i < fleet_.pools.size(); ++i) {
      if (fleet_.pools[i].host < fleet_.hosts.size()) ConsiderPool(i);
    }
  }
  for (const auto& [pool, c] : manual_) candidates_.push_back(c);
  auto after = [](const Candidate& a, const Candidate& b) {
    return std::make_tuple(Rank(a.group), a.key, a.due, a.pool) >
           std::make_tuple(Rank(b.group), b.key, b.due, b.pool);
  };
  if (explain()) {
    std::sort(candidates_.begin(), candidates_.end(),
              [&after](const auto& a, const auto& b) { return after(b, a); });
    for (const Candidate& c : candidates_) Evaluate(c);
  } else {
    // Without rows, only starts matter: pop in priority order and stop once the fleet is
    // full, since then only `--now` requests (which sort earlier) could still start.
    std::make_heap(candidates_.begin(), candidates_.end(), after);
    while (!candidates_.empty()) {
      std::pop_heap(candidates_.begin(), candidates_.end(), after);
      Candidate c = candidates_.back();
      candidates_.pop_back();
      if (c.group >= Group::kDue && caps_.fleet() >= policy_.max_concurrent && yield_.left() == 0) {
        break;
      }
      Evaluate(c);
    }
  }
  for (int c = 0; c < kDiskClassCount; ++c) {
    if (!relevant_[c]) continue;
    decision_.wake_at =
        std::min(decision_.wake_at, policy_.classes[c].windows.NextChange(now_, policy_.timezone));
  }
  if (explain()) BuildRows();
  return std::move(decision_);
}

void Decider::HandleRunning(absl::Span<const RunningScrub> running) {
  running_.reserve(running.size());
  std::vector<const RunningScrub*> unique;
  unique.reserve(running.size());
  std::vector<std::pair<absl::Time, size_t>> may_yield;  // (due, pool)
  for (const RunningScrub& r : running) {
    if (r.pool >= fleet_.pools.size() || pool(r.pool).host >= fleet_.hosts.size()) continue;
    if (!running_.emplace(r.pool, &r).second) continue;  // the first entry for a pool wins
    unique.push_back(&r);
    if (r.state == RunState::kRunning) caps_.Add(pool(r.pool).host, +1);
  }
  for (const RunningScrub* entry : unique) {
    const RunningScrub& r = *entry;
    const HostSnapshot& host = host_of(r.pool);
    if (r.state == RunState::kYielded) {
      // Resumes when a slot is free, ranked among the due pools by its own due time.
      Touch(r.pool);
      absl::Time due = DueTime(pool(r.pool), host, policy_);
      candidates_.push_back({Group::kDue, due, r.pool, false, due});
      continue;
    }
    if (r.state == RunState::kPausedByWindow) {
      Touch(r.pool);
      candidates_.push_back({Group::kResume, DueTime(pool(r.pool), host, policy_), r.pool});
      continue;
    }
    if (r.state == RunState::kPausedByOperator) {
      SetDraft(r.pool, PoolPhase::kPaused);
      if (explain()) drafts_[r.pool].operator_paused = true;
      continue;
    }
    if (now_ - r.last_progress >= policy_.stall_after) decision_.stalled.push_back(r.pool);
    SetDraft(r.pool, PoolPhase::kRunning);
    if (r.trigger != ScrubTrigger::kScheduled) continue;
    Touch(r.pool);
    if (open(r.pool) || !host.reporting) {
      if (MayYield(r)) may_yield.emplace_back(DueTime(pool(r.pool), host, policy_), r.pool);
      continue;
    }
    ActionKind kind;
    if (policy_.at_window_end == WindowEndAction::kStop) {
      kind = ActionKind::kStop;
    } else if (policy_.at_window_end == WindowEndAction::kPause && host.can_pause) {
      kind = ActionKind::kPause;
    } else {
      continue;
    }
    decision_.actions.push_back({kind, r.pool, r.trigger, "window closed"});
    caps_.Add(pool(r.pool).host, -1);
    SetDraft(r.pool, kind == ActionKind::kPause ? PoolPhase::kPaused : PoolPhase::kWaiting,
             {Blocker::kWindowClosed});
  }
  if (!may_yield.empty()) IndexYieldCandidates(std::move(may_yield));
}

bool Decider::MayYield(const RunningScrub& r) const {
  // Not due yet, even by the next tick: it started ahead of its cadence, so pausing it makes
  // nothing late. Only where the policy pauses scrubs at all.
  const HostSnapshot& host = host_of(r.pool);
  return policy_.at_window_end == WindowEndAction::kPause && r.state == RunState::kRunning &&
         r.trigger == ScrubTrigger::kScheduled && host.reporting && host.can_pause &&
         open(r.pool) && DueTime(pool(r.pool), host, policy_) > now_ + policy_.tick;
}

void Decider::IndexYieldCandidates(std::vector<std::pair<absl::Time, size_t>> by_due) {
  std::sort(by_due.rbegin(), by_due.rend());
  for (const auto& [due, i] : by_due) {
    yield_.all.push_back(i);
    yield_.by_host[pool(i).host].push_back(i);
    for (size_t l = 0; l < policy_.max_per_label.size(); ++l) {
      int counter = caps_.LabelCounter(pool(i).host, l);
      if (counter >= 0) yield_.by_label[counter].push_back(i);
    }
  }
}

bool Decider::TryYield(size_t i) {
  if (yield_.left() == 0) return false;
  const size_t host = pool(i).host;
  absl::InlinedVector<size_t, 3> chosen;
  auto free = [&](size_t v) {
    return !yield_.yielded.contains(v) &&
           std::find(chosen.begin(), chosen.end(), v) == chosen.end();
  };
  auto first_free = [&](const std::vector<size_t>& list, size_t from) -> size_t {
    for (size_t k = from; k < list.size(); ++k) {
      if (free(list[k])) return list[k];
    }
    return SIZE_MAX;
  };
  // Each pass frees a slot of the cap that blocks, or gives up: it ends. The most local cap
  // first, so that one scrub on the host (or in the rack) frees the fleet's slot too.
  BlockReason blocked = caps_.CheckLocalFirst(host);
  while (!blocked.ok()) {
    size_t victim = SIZE_MAX;
    if (blocked.blocker == Blocker::kCapFleet) {
      victim = first_free(yield_.all, yield_.all_head);
    } else if (blocked.blocker == Blocker::kCapHost) {
      auto it = yield_.by_host.find(host);
      if (it != yield_.by_host.end()) victim = first_free(it->second, 0);
    } else if (blocked.blocker == Blocker::kCapLabel) {
      auto it = yield_.by_label.find(caps_.LabelCounter(host, blocked.label));
      if (it != yield_.by_label.end()) victim = first_free(it->second, 0);
    }
    if (victim == SIZE_MAX) break;
    chosen.push_back(victim);
    caps_.Add(pool(victim).host, -1);
    blocked = caps_.CheckLocalFirst(host);
  }
  if (!blocked.ok()) {
    for (size_t v : chosen) caps_.Add(pool(v).host, +1);
    return false;
  }
  const std::string reason = absl::StrCat("for ", host_of(i).id, "/", pool(i).name, ", due");
  for (size_t v : chosen) {
    yield_.yielded.insert(v);
    decision_.actions.push_back({ActionKind::kPause, v, running_.at(v)->trigger, reason, true});
    SetDraft(v, PoolPhase::kPaused);
    if (explain()) drafts_[v].yielded = true;
  }
  while (yield_.all_head < yield_.all.size() &&
         yield_.yielded.contains(yield_.all[yield_.all_head])) {
    ++yield_.all_head;
  }
  return true;
}

void Decider::CollectManual(absl::Span<const ManualRequest> manual) {
  for (const ManualRequest& m : manual) {
    if (m.pool >= fleet_.pools.size() || pool(m.pool).host >= fleet_.hosts.size()) continue;
    if (running_.contains(m.pool)) continue;  // already scrubbing: satisfied
    Candidate c{Group::kManual, m.requested, m.pool, m.now};
    auto [it, inserted] = manual_.emplace(m.pool, c);
    if (!inserted) {
      it->second.now = it->second.now || m.now;
      it->second.key = std::min(it->second.key, m.requested);
    }
    Touch(m.pool);
  }
}

absl::Time Decider::Urgency(size_t i, absl::Time due) const {
  const absl::Duration interval = policy_.For(pool(i).disk_class).interval;
  return std::min(std::max(due, now_ + ExpectedScrubDuration(pool(i), policy_)),
                  due + interval / 4);
}

void Decider::ConsiderPool(size_t i) {
  if (running_.contains(i) || manual_.contains(i)) return;
  if (!explain()) {
    // Without rows only starts matter. A pool that a rule other than the caps keeps from
    // starting now is kept all through this decision, and the caps only fill while it starts
    // pools, so neither its due time nor its rank matters: on an overloaded fleet that is
    // most of the due pools. Only a window opening (a change of time) can let it start.
    // Cheapest first: the window needs only the pool's class, a cap only its host's index.
    if (!open(i)) {
      Touch(i);
      return;
    }
    // A due pool the caps keep out may still start by a yield (TryYield).
    if (!caps_.Check(pool(i).host).ok() &&
        (yield_.left() == 0 || DueTime(pool(i), host_of(i), policy_) > now_)) {
      return;
    }
    if (!PoolBlocker(pool(i), host_of(i), true, policy_, Bypass::kNothing).ok()) return;
  }
  absl::Time due = DueTime(pool(i), host_of(i), policy_);
  if (due <= now_) {
    Touch(i);
    candidates_.push_back({Group::kDue, Urgency(i, due), i, false, due});
    return;
  }
  if (const PoolPlan* plan = plan_for(i); plan != nullptr && plan->due == due) {
    // Bounded: never more than half an interval ahead of the cadence. Due before the next
    // tick counts as now: waiting for that tick would make it late.
    absl::Time at =
        std::max(plan->latest_start, due - policy_.For(pool(i).disk_class).interval / 2);
    if (at < now_ + policy_.tick) {
      Touch(i);
      candidates_.push_back({Group::kPlanned, Urgency(i, due), i, false, due});
      decision_.wake_at = std::min(decision_.wake_at, due);
      return;
    }
    decision_.wake_at = std::min(decision_.wake_at, at);
  }
  absl::Time early = EarlyStartTime(due, pool(i).disk_class, policy_);
  if (early <= now_) {
    Touch(i);
    candidates_.push_back({Group::kEarly, due, i});
    decision_.wake_at = std::min(decision_.wake_at, due);
    return;
  }
  decision_.wake_at = std::min(decision_.wake_at, early);
}

void Decider::Evaluate(const Candidate& c) {
  const PoolSnapshot& p = pool(c.pool);
  const HostSnapshot& host = host_of(c.pool);
  BlockReason reason;
  // A yielded scrub ranks among the due pools but resumes like one paused at a window end.
  const bool resume = c.group == Group::kResume || running_.contains(c.pool);
  if (resume) {
    if (!host.reporting) {
      reason = {Blocker::kHostNotReporting};
    } else if (!open(c.pool)) {
      reason = {Blocker::kWindowClosed};
    }
  } else {
    reason = PoolBlocker(p, host, open(c.pool), policy_, c.now ? Bypass::kNow : Bypass::kNothing);
  }
  if (reason.ok() && !c.now) reason = caps_.Check(p.host);
  if (!reason.ok() && !resume && c.group == Group::kDue && c.due <= now_ &&
      (reason.blocker == Blocker::kCapFleet || reason.blocker == Blocker::kCapHost ||
       reason.blocker == Blocker::kCapLabel) &&
      TryYield(c.pool)) {
    reason = {};
  }
  if (reason.ok() && c.group == Group::kEarly && caps_.fleet() + 1 > policy_.EarlyCapacity()) {
    return;  // not due: waits silently for idle capacity
  }
  if (!reason.ok()) {
    if (c.group >= Group::kPlanned) return;  // not due, so nothing to explain
    SetDraft(c.pool, resume ? PoolPhase::kPaused : PoolPhase::kWaiting, reason);
    return;
  }
  caps_.Add(p.host, +1);
  SetDraft(c.pool, PoolPhase::kStarting);
  if (resume && c.group != Group::kResume) {
    decision_.actions.push_back(
        {ActionKind::kResume, c.pool, running_.at(c.pool)->trigger, "slot free"});
    return;
  }
  switch (c.group) {
    case Group::kResume:
      decision_.actions.push_back(
          {ActionKind::kResume, c.pool, running_.at(c.pool)->trigger, "window open"});
      break;
    case Group::kManual:
      decision_.actions.push_back(
          {ActionKind::kStart, c.pool, ScrubTrigger::kManual, c.now ? "manual --now" : "manual"});
      break;
    case Group::kDue:
      decision_.actions.push_back({ActionKind::kStart, c.pool, ScrubTrigger::kScheduled, "due"});
      break;
    case Group::kPlanned:
      decision_.actions.push_back(
          {ActionKind::kStart, c.pool, ScrubTrigger::kScheduled, "planned"});
      break;
    case Group::kEarly:
      decision_.actions.push_back({ActionKind::kStart, c.pool, ScrubTrigger::kScheduled, "early"});
      break;
  }
}

void Decider::BuildRows() {
  decision_.rows.reserve(fleet_.pools.size());
  for (size_t i = 0; i < fleet_.pools.size(); ++i) {
    const PoolSnapshot& p = pool(i);
    if (p.host >= fleet_.hosts.size()) continue;
    const HostSnapshot& host = host_of(i);
    const Draft& d = drafts_[i];
    PoolRow row;
    row.pool = i;
    row.disk_class = p.disk_class;
    row.last_scrub = p.last_scrub_end ? p.last_scrub_end : p.last_scrub_start;
    row.next_due = DueTime(p, host, policy_);
    row.phase = d.phase;
    if (d.phase == PoolPhase::kPaused) {
      auto run = running_.find(i);
      const bool yielded =
          d.yielded || (run != running_.end() && run->second->state == RunState::kYielded);
      row.reason = d.operator_paused ? "paused by operator"
                   : d.reason.ok()   ? (yielded ? "yielded to a due pool" : "window closed")
                                     : BlockReasonText(d.reason, p, host, policy_);
      // Why it was paused first: a cap alone reads as if it had never started.
      if (yielded && !d.reason.ok()) row.reason = "yielded to a due pool; " + row.reason;
    } else if (d.phase == PoolPhase::kWaiting) {
      row.reason = BlockReasonText(d.reason, p, host, policy_);
    }
    row.estimated_duration = ExpectedScrubDuration(p, policy_);
    if (const PoolPlan* plan = plan_for(i); plan != nullptr && d.phase != PoolPhase::kStarting) {
      row.start_by = plan->latest_start;
      row.late = plan->late;
    }
    decision_.rows.push_back(std::move(row));
  }
}

}  // namespace

Decision Decide(absl::Time now, const FleetSnapshot& fleet, const SchedulerPolicy& policy,
                absl::Span<const RunningScrub> running, absl::Span<const ManualRequest> manual,
                const DecideOptions& options) {
  return Decider(now, fleet, policy, options).Run(running, manual);
}

ScanFunction ParseScanFunction(absl::string_view s) {
  if (s == "scrub") return ScanFunction::kScrub;
  if (s == "resilver") return ScanFunction::kResilver;
  return ScanFunction::kNone;
}

ScanState ParseScanState(absl::string_view s) {
  if (s == "scanning") return ScanState::kScanning;
  if (s == "finished") return ScanState::kFinished;
  if (s == "canceled") return ScanState::kCanceled;
  if (s == "paused") return ScanState::kPaused;
  return ScanState::kNone;
}

absl::string_view ScrubTriggerName(ScrubTrigger t) {
  switch (t) {
    case ScrubTrigger::kScheduled:
      return "scheduled";
    case ScrubTrigger::kManual:
      return "manual";
    case ScrubTrigger::kExternal:
      return "external";
  }
  return "scheduled";
}

absl::string_view ActionKindName(ActionKind k) {
  switch (k) {
    case ActionKind::kStart:
      return "start";
    case ActionKind::kPause:
      return "pause";
    case ActionKind::kResume:
      return "resume";
    case ActionKind::kStop:
      return "stop";
  }
  return "start";
}

absl::string_view PoolPhaseName(PoolPhase p) {
  switch (p) {
    case PoolPhase::kNotDue:
      return "not due";
    case PoolPhase::kWaiting:
      return "waiting";
    case PoolPhase::kStarting:
      return "starting";
    case PoolPhase::kRunning:
      return "running";
    case PoolPhase::kPaused:
      return "paused";
  }
  return "not due";
}

}  // namespace zfleet::controller
