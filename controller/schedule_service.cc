#include "controller/schedule_service.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "controller/command_expiry.h"
#include "controller/command_id.h"
#include "controller/events/event_detector.h"
#include "controller/schedule/scrub_planner.h"
#include "model/enum_names.h"
#include "schedule_policy/scrub_cadence.h"

namespace zfleet::controller {

// What a run paused by the scheduler says to people (ScrubRun.pause says it to code).
constexpr char kPausedAtWindowEnd[] = "paused at window end";

namespace {

// Runs looked at per pool for its scrub history (the finished ones among them).
constexpr int kHistoryRuns = 50;

using PoolKey = std::pair<std::string, std::string>;  // (host id, pool name)

// A pool's open run as the scheduler saw it: what Apply compares with the store's.
struct OpenRun {
  int64_t id = 0;  // 0: none
  v1::ScrubRunState state = v1::SCRUB_RUN_STATE_UNSPECIFIED;
  v1::ScrubPause pause = v1::PAUSE_NONE;

  friend bool operator==(const OpenRun& a, const OpenRun& b) {
    return a.id == b.id && a.state == b.state && a.pause == b.pause;
  }
};

OpenRun OpenRunOf(const v1::ScrubRun& run) { return {run.id(), run.state(), run.pause()}; }

// The open run of `pool` among a host's open runs (oldest first): the newest, as Gather
// takes it.
OpenRun OpenRunOf(const std::vector<v1::ScrubRun>& open, const std::string& pool) {
  OpenRun found;
  for (const v1::ScrubRun& run : open) {
    if (run.pool() == pool) found = OpenRunOf(run);
  }
  return found;
}

}  // namespace

// Everything one decision needs, with store identities beside the scheduler's indexes.
struct ScheduleService::Inputs {
  FleetSnapshot fleet;
  std::vector<RunningScrub> running;
  std::vector<ManualRequest> manual;
  std::vector<std::string> host_ids;  // by host index
  std::vector<OpenRun> open_run;      // by pool index
  std::vector<bool> command_pending;  // by pool index
};

namespace {

std::string PhaseStatus(PoolPhase phase) {
  switch (phase) {
    case PoolPhase::kNotDue:
      return "ok";
    case PoolPhase::kWaiting:
      return "waiting";
    case PoolPhase::kStarting:
      return "due";
    case PoolPhase::kRunning:
      return "running";
    case PoolPhase::kPaused:
      return "paused";
  }
  return "ok";
}

// A scrub the agent started on its own followed the policy's cadence, so once the controller
// is back it is treated as a scheduled one (paused or stopped at its window's end).
ScrubTrigger ToScheduler(v1::ScrubTrigger trigger) {
  if (trigger == v1::TRIGGER_MANUAL) return ScrubTrigger::kManual;
  if (trigger == v1::TRIGGER_EXTERNAL) return ScrubTrigger::kExternal;
  return ScrubTrigger::kScheduled;
}

v1::ScrubTrigger ToWire(ScrubTrigger trigger) {
  switch (trigger) {
    case ScrubTrigger::kManual:
      return v1::TRIGGER_MANUAL;
    case ScrubTrigger::kExternal:
      return v1::TRIGGER_EXTERNAL;
    case ScrubTrigger::kScheduled:
      return v1::TRIGGER_SCHEDULED;
  }
  return v1::TRIGGER_SCHEDULED;
}

// A start or resume is meant for the window open now and expires when it closes (a host
// away until then must not scrub outside it); a pause or stop at a window's end, or a start
// for a class that is always open, gets the lifetime of a person's request.
absl::Time CommandExpiry(ActionKind kind, DiskClass disk_class, const SchedulerPolicy& policy,
                         absl::Time now) {
  if (kind == ActionKind::kStart || kind == ActionKind::kResume) {
    if (std::optional<absl::Time> end =
            policy.For(disk_class).windows.EndOfOpenWindow(now, policy.timezone)) {
      return *end;
    }
  }
  return now + kRequestLifetime;
}

}  // namespace

absl::StatusOr<ScheduleService::Inputs> ScheduleService::Gather(Store& store,
                                                                absl::Time now) const {
  Inputs in;
  ASSIGN_OR_RETURN(std::vector<HostRecord> hosts, store.hosts().List());
  absl::flat_hash_map<std::string, size_t> host_index;
  for (const HostRecord& h : hosts) {
    HostSnapshot snap;
    snap.id = h.host_id;
    for (const auto& [k, v] : h.info.labels()) snap.labels[k] = v;
    snap.load1 = h.info.has_load1() ? h.info.load1() : -1;
    snap.reporting = now - h.last_seen <= config_->MissingAfter();
    snap.expected_back = !snap.reporting &&
                         !SilentTooLong(h.last_seen, now, config_->MissingAfter(), watching_since_);
    snap.can_pause = h.info.zpool_generation() != "legacy";
    host_index[h.host_id] = in.fleet.hosts.size();
    in.fleet.hosts.push_back(std::move(snap));
    in.host_ids.push_back(h.host_id);
  }
  // The fleet's pending commands, open runs and run history in one query each, grouped by
  // pool here.
  ASSIGN_OR_RETURN(std::vector<CommandRecord> pending, store.commands().PendingAll(now));
  absl::flat_hash_set<PoolKey> command_pending;
  for (const CommandRecord& c : pending) command_pending.insert({c.host_id, c.pool});
  ASSIGN_OR_RETURN(std::vector<v1::ScrubRun> open, store.scrub_runs().OpenAll());
  absl::flat_hash_map<PoolKey, std::vector<v1::ScrubRun>> open_by_pool;  // oldest first
  for (v1::ScrubRun& run : open) {
    open_by_pool[{run.host_id(), run.pool()}].push_back(std::move(run));
  }
  ASSIGN_OR_RETURN(std::vector<v1::ScrubRun> finished_runs,
                   store.scrub_runs().FinishedAmongNewest(kHistoryRuns));
  absl::flat_hash_map<PoolKey, std::vector<v1::ScrubRun>> finished_by_pool;  // newest first
  for (v1::ScrubRun& run : finished_runs) {
    finished_by_pool[{run.host_id(), run.pool()}].push_back(std::move(run));
  }
  // When each scan last progressed, as the report path records it (scan_progress table).
  ASSIGN_OR_RETURN(std::vector<ScanProgressRecord> scans, store.scan_watch().ListProgress());
  absl::flat_hash_map<PoolKey, absl::Time> progressed_at;
  for (const auto& scan : scans) {
    progressed_at[{scan.host_id, scan.pool}] = scan.progress.progressed_at;
  }
  const std::vector<v1::ScrubRun> none;
  // One pool at a time, from narrow columns: parsing every pool's snapshot took most of a
  // core at 400,000 pools, and holding them far more memory than the little kept of each.
  RETURN_IF_ERROR(store.pool_status().ForEachPoolSchedule([&](const PoolScheduleRow& p)
                                                              -> absl::Status {
    auto hit = host_index.find(p.host_id);
    if (hit == host_index.end()) return absl::OkStatus();
    const PoolKey key(p.host_id, p.pool);
    const size_t index = in.fleet.pools.size();
    PoolSnapshot snap;
    snap.host = hit->second;
    snap.name = p.pool;
    snap.disk_class = ShortestIntervalClass(p.disk_classes, config_->scheduler);
    snap.state = p.state;
    snap.scan_function = ParseScanFunction(p.scan_function);
    snap.scan_state = ParseScanState(p.scan_state);
    snap.percent_done = p.percent_done;
    snap.first_seen = p.first_seen;
    // A scrub reads what is allocated; the whole size only when that is unknown.
    if (p.allocated_bytes.has_value()) {
      snap.size_bytes = static_cast<double>(*p.allocated_bytes);
    } else if (p.size_bytes.has_value()) {
      snap.size_bytes = static_cast<double>(*p.size_bytes);
    }
    auto runs_of = [&](const auto& by_pool) -> const std::vector<v1::ScrubRun>& {
      auto it = by_pool.find(key);
      return it == by_pool.end() ? none : it->second;
    };
    std::vector<FinishedScrub> finished;  // newest first
    bool newest = true;
    for (const auto& run : runs_of(finished_by_pool)) {
      if (newest) {
        if (run.has_started_at()) snap.last_scrub_start = absl::FromUnixSeconds(run.started_at());
        if (run.has_ended_at()) snap.last_scrub_end = absl::FromUnixSeconds(run.ended_at());
        newest = false;
      }
      if (run.has_started_at() && run.has_ended_at()) {
        const bool windowed =
            run.trigger() == v1::TRIGGER_SCHEDULED || run.trigger() == v1::TRIGGER_AGENT;
        finished.push_back({absl::FromUnixSeconds(run.started_at()),
                            absl::FromUnixSeconds(run.ended_at()), windowed});
      }
    }
    if (auto took = ExpectedFromHistory(finished, snap.disk_class, config_->scheduler)) {
      snap.expected_duration = *took;
    }
    const bool pending = command_pending.contains(key);
    in.command_pending.push_back(pending);
    in.open_run.emplace_back();
    for (const auto& run : runs_of(open_by_pool)) {
      in.open_run[index] = OpenRunOf(run);
      if (run.state() == v1::RUN_REQUESTED && !pending && run.trigger() == v1::TRIGGER_MANUAL) {
        in.manual.push_back({index, false, absl::FromUnixSeconds(run.requested_at())});
        continue;
      }
      RunningScrub r;
      r.pool = index;
      r.trigger = ToScheduler(run.trigger());
      r.started =
          absl::FromUnixSeconds(run.has_started_at() ? run.started_at() : run.requested_at());
      r.state = RunState::kRunning;
      if (snap.scan_state == ScanState::kPaused) {
        r.state = run.pause() == v1::PAUSE_WINDOW_END ? RunState::kPausedByWindow
                  : run.pause() == v1::PAUSE_YIELD    ? RunState::kYielded
                                                      : RunState::kPausedByOperator;
      }
      auto at = progressed_at.find(key);
      r.last_progress = at == progressed_at.end() ? r.started : std::max(at->second, r.started);
      in.running.push_back(r);
    }
    in.fleet.pools.push_back(std::move(snap));
    return absl::OkStatus();
  }));
  return in;
}

absl::Status ScheduleService::Apply(const Inputs& in, const Decision& decision, absl::Time now) {
  // What the store holds now of each host acted on, read inside the transaction.
  struct HostNow {
    std::vector<CommandRecord> pending;
    std::vector<v1::ScrubRun> open;  // oldest first; kept in step with Apply's updates
  };
  absl::flat_hash_map<std::string, HostNow> current;
  auto host_now = [&](const std::string& host) -> absl::StatusOr<HostNow*> {
    auto [it, inserted] = current.try_emplace(host);
    if (inserted) {
      ASSIGN_OR_RETURN(it->second.pending, store_->commands().Pending(host, now));
      ASSIGN_OR_RETURN(it->second.open, store_->scrub_runs().Open(host));
    }
    return &it->second;
  };
  return store_->RunInTransaction([&]() -> absl::Status {
    // A yield's pauses come right before the start they make room for (scheduler.h): when
    // one of them is not sent, neither is that start, which would pass the caps.
    bool yield_held = false;
    for (const Action& action : decision.actions) {
      const bool held_start = yield_held && !action.yield && action.kind == ActionKind::kStart;
      if (!action.yield) yield_held = false;
      if (action.pool >= in.fleet.pools.size() || in.command_pending[action.pool]) {
        yield_held = yield_held || action.yield;
        continue;
      }
      const PoolSnapshot& pool = in.fleet.pools[action.pool];
      const std::string& host = in.host_ids[pool.host];
      if (held_start) {
        spdlog::info(
            "scheduler: start {}/{} left to the next tick: a scrub whose slot it needs "
            "was not paused",
            host, pool.name);
        continue;
      }
      // The decision was made on a snapshot read beside the writer: a pool that got a
      // command, or whose open run changed, since then is decided again at the next tick.
      HostNow* stored = nullptr;
      ASSIGN_OR_RETURN(stored, host_now(host));
      const bool commanded =
          std::any_of(stored->pending.begin(), stored->pending.end(),
                      [&](const CommandRecord& c) { return c.pool == pool.name; });
      if (commanded || OpenRunOf(stored->open, pool.name) != in.open_run[action.pool]) {
        spdlog::info(
            "scheduler: {} {}/{} left to the next tick: the pool changed since it was read",
            ActionKindName(action.kind), host, pool.name);
        yield_held = yield_held || action.yield;
        continue;
      }
      CommandRecord command;
      command.id = NewCommandId();
      command.host_id = host;
      command.pool = pool.name;
      command.created_at = now;
      command.expires_at = CommandExpiry(action.kind, pool.disk_class, config_->scheduler, now);
      command.scrub_run_id = in.open_run[action.pool].id;
      switch (action.kind) {
        case ActionKind::kStart:
          command.kind = v1::SCRUB_START;
          if (action.trigger != ScrubTrigger::kManual || command.scrub_run_id == 0) {
            v1::ScrubRun run;
            run.set_host_id(host);
            run.set_pool(pool.name);
            SetTrigger(run, ToWire(action.trigger));
            SetRunState(run, v1::RUN_REQUESTED);
            run.set_requested_at(absl::ToUnixSeconds(now));
            run.set_message(action.reason);
            ASSIGN_OR_RETURN(command.scrub_run_id, store_->scrub_runs().Insert(run));
          }
          break;
        case ActionKind::kResume:
          command.kind = v1::SCRUB_START;  // `zpool scrub` resumes a paused scrub
          break;
        case ActionKind::kPause:
          command.kind = v1::SCRUB_PAUSE;
          break;
        case ActionKind::kStop:
          command.kind = v1::SCRUB_STOP;
          break;
      }
      // A pause says why from when it is sent (scrub_tracking.h). A resume leaves that until
      // a report shows the scan running: if it fails, the scheduler resumes it again.
      if (command.scrub_run_id != 0 && action.kind == ActionKind::kPause) {
        for (v1::ScrubRun& run : stored->open) {
          if (run.id() != command.scrub_run_id) continue;
          if (action.yield) {
            run.set_pause(v1::PAUSE_YIELD);
            run.set_message(absl::StrCat("paused ", action.reason));
          } else {
            run.set_pause(v1::PAUSE_WINDOW_END);
            run.set_message(kPausedAtWindowEnd);
          }
          RETURN_IF_ERROR(store_->scrub_runs().Update(run));
        }
      }
      RETURN_IF_ERROR(store_->commands().Insert(command));
      spdlog::info("scheduler: {} {}/{} ({})", ActionKindName(action.kind), host, pool.name,
                   action.reason);
    }
    return absl::OkStatus();
  });
}

absl::Status ScheduleService::Tick() {
  const absl::Time now = clock_->Now();
  {
    absl::MutexLock lock(store_mu_);
    // First, at the same `now`: a manual run whose command expired unswept would look like
    // a request still waiting for the scheduler, which would then start it after all.
    RETURN_IF_ERROR(ExpireCommands(*store_, now).status());
  }
  // Read after that commit, so the snapshot has the expiries.
  Inputs in;
  RETURN_IF_ERROR(Read([&](Store& store) -> absl::Status {
    ASSIGN_OR_RETURN(in, Gather(store, now));
    return absl::OkStatus();
  }));
  Decision decision;
  {
    absl::MutexLock lock(&plan_mu_);
    DecideOptions options;
    options.explain = false;
    options.plan = &plan_.At(now, in.fleet, config_->scheduler, in.running);
    decision = Decide(now, in.fleet, config_->scheduler, in.running, in.manual, options);
  }
  absl::MutexLock lock(store_mu_);
  return Apply(in, decision, now);
}

absl::StatusOr<v1::GetScheduleResponse> ScheduleService::GetSchedule() {
  const absl::Time now = clock_->Now();
  Inputs in;
  RETURN_IF_ERROR(Read([&](Store& store) -> absl::Status {
    ASSIGN_OR_RETURN(in, Gather(store, now));
    return absl::OkStatus();
  }));
  absl::MutexLock lock(&plan_mu_);
  const ScrubPlan& plan = plan_.At(now, in.fleet, config_->scheduler, in.running);
  DecideOptions options;
  options.plan = &plan;
  Decision decision = Decide(now, in.fleet, config_->scheduler, in.running, in.manual, options);
  v1::GetScheduleResponse response;
  response.set_evaluated_at(absl::ToUnixSeconds(now));
  for (const Shortfall& s : plan.shortfalls) {
    v1::ScheduleShortfall* out = response.add_shortfalls();
    out->set_group(s.group);
    out->set_class_(std::string(DiskClassName(s.disk_class)));
    out->set_interval_seconds(absl::ToInt64Seconds(s.interval));
    out->set_need_hours(s.need_hours);
    out->set_capacity_hours(s.capacity_hours);
    out->set_pools(s.pools);
    out->set_text(ShortfallText(s));
  }
  for (const PoolRow& row : decision.rows) {
    const PoolSnapshot& pool = in.fleet.pools[row.pool];
    v1::ScheduleRow* out = response.add_rows();
    out->set_host_id(in.host_ids[pool.host]);
    out->set_pool(pool.name);
    out->set_class_(std::string(DiskClassName(row.disk_class)));
    if (row.last_scrub.has_value()) out->set_last_scrub_end(absl::ToUnixSeconds(*row.last_scrub));
    out->set_next_due(absl::ToUnixSeconds(row.next_due));
    out->set_status(PhaseStatus(row.phase));
    out->set_reason(row.reason);
    out->set_overdue(row.next_due < now && row.phase != PoolPhase::kRunning);
    if (row.start_by.has_value() && *row.start_by != absl::InfinitePast() &&
        *row.start_by != absl::InfiniteFuture()) {
      out->set_start_by(absl::ToUnixSeconds(*row.start_by));
    }
    out->set_late(row.late);
    if (row.estimated_duration > absl::ZeroDuration()) {
      out->set_expected_seconds(absl::ToInt64Seconds(row.estimated_duration));
    }
  }
  return response;
}

}  // namespace zfleet::controller
