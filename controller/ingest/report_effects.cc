#include "controller/ingest/report_effects.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "controller/events/event_detector.h"
#include "controller/events/triage.h"
#include "controller/ingest/scrub_tracking.h"
#include "controller/store/command_table.h"
#include "model/enum_names.h"
#include "model/pool_facts.h"

namespace zfleet::controller {
namespace {

void Append(std::vector<NewEvent>& out, std::vector<NewEvent> events) {
  for (NewEvent& e : events) out.push_back(std::move(e));
}

// The host's scrub runs as the report changes them, and the writes that follow.
class RunBook {
 public:
  explicit RunBook(std::vector<v1::ScrubRun> runs) : runs_(std::move(runs)) {}

  // Open runs (requested, running), oldest first.
  std::vector<v1::ScrubRun> Open() const {
    std::vector<v1::ScrubRun> open;
    for (const v1::ScrubRun& run : runs_) {
      if (IsOpen(run.state())) open.push_back(run);
    }
    return open;
  }
  // The pool's newest run, any state; nullptr when it has none.
  const v1::ScrubRun* Latest(const std::string& pool) const {
    const v1::ScrubRun* latest = nullptr;
    for (const v1::ScrubRun& run : runs_) {
      if (run.pool() == pool && (latest == nullptr || run.id() > latest->id())) latest = &run;
    }
    return latest;
  }
  // A run that already records the agent's `scrub` (RecordsAgentScrub); nullptr when none.
  const v1::ScrubRun* Recording(const v1::AgentScrub& scrub) const {
    for (const v1::ScrubRun& run : runs_) {
      if (RecordsAgentScrub(run, scrub, kAgentScrubMatchSeconds)) return &run;
    }
    return nullptr;
  }
  v1::ScrubRun* Find(int64_t id) {
    for (v1::ScrubRun& run : runs_) {
      if (run.id() == id) return &run;
    }
    return nullptr;
  }
  // Records `run` as it ends up (once per id in `updated`).
  void Update(const v1::ScrubRun& run, std::vector<v1::ScrubRun>& updated) {
    if (v1::ScrubRun* known = Find(run.id())) *known = run;
    for (v1::ScrubRun& u : updated) {
      if (u.id() == run.id()) {
        u = run;
        return;
      }
    }
    updated.push_back(run);
  }

 private:
  std::vector<v1::ScrubRun> runs_;
};

// zpool's health: whether it stopped answering, or answers again.
void DeriveZpool(const ReportDiff& diff, const v1::ReportRequest& report, absl::Time observed,
                 ReportWrite& w) {
  const std::optional<absl::Time> before =
      diff.host_before.has_value() ? diff.host_before->zpool_stuck_since : std::nullopt;
  const v1::ZpoolHealth& health = report.zpool();
  const std::optional<absl::Time> after =
      health.not_answering_since() != 0
          ? std::optional<absl::Time>(absl::FromUnixSeconds(health.not_answering_since()))
          : std::nullopt;
  if (before == after) return;
  w.zpool_stuck = ReportWrite::ZpoolStuck{after, after.has_value() ? health.detail() : ""};
  Append(w.events, DetectZpoolEvents(report.host_id(), before, after, health, observed));
}

// The host's stack checks are dated when observed; its liveness when the report arrived.
void DeriveHost(const ReportDiff& diff, const v1::ReportRequest& report,
                absl::Duration missing_after, absl::Time now, absl::Time observed, ReportWrite& w) {
  const v1::HostInfo none;
  const v1::HostInfo& before = diff.host_before.has_value() ? diff.host_before->info : none;
  Append(w.events, DetectStackEvents(report.host_id(), before.stack_checks(),
                                     report.host().stack_checks(), observed));
  DeriveZpool(diff, report, observed, w);
  bool attention = false;
  for (const v1::StackCheck& check : report.host().stack_checks()) {
    attention |= StackCheckNeedsAttention(check);
  }
  if (diff.liveness.stack_attention != attention) w.stack_attention = attention;
  if (!diff.liveness.missing_since.has_value()) return;
  LivenessResult back = DetectHostLiveness({diff.liveness}, now, missing_after);
  for (const HostLiveness& change : back.changes) {
    if (!change.missing_since.has_value()) w.clear_missing = true;
  }
  Append(w.events, std::move(back.events));
}

// An ack changes its command (the first ack only; acked at `now`, when it arrived) and the
// scrub run the command belongs to, if that run was open when the report arrived.
void DeriveAcks(const StoredReportView& view, const v1::ReportRequest& report, absl::Time now,
                absl::Time observed, RunBook& runs, ReportWrite& w) {
  std::map<std::string, CommandRecord> commands = view.acked_commands;
  absl::flat_hash_set<int64_t> open_ids;
  for (const v1::ScrubRun& run : runs.Open()) open_ids.insert(run.id());
  for (v1::CommandAck ack : report.acks()) {
    auto it = commands.find(ack.id());
    if (it == commands.end()) continue;  // not a command of this host
    // An ack without a time (journaled by an older agent) is dated by its arrival: a run
    // started "at 0" would look started in 1970 and its pool due at once.
    if (ack.executed_at() == 0) ack.set_executed_at(absl::ToUnixSeconds(now));
    CommandRecord acked = ApplyCommandAck(it->second, ack, now);
    if (acked.state != it->second.state) w.command_outcomes.push_back(acked);
    it->second = acked;
    if (acked.scrub_run_id == 0 || !open_ids.contains(acked.scrub_run_id)) continue;
    v1::ScrubRun* run = runs.Find(acked.scrub_run_id);
    if (run == nullptr) continue;
    const v1::ScrubRun before = *run;
    const v1::ScrubRun after = ApplyAck(before, acked.kind, ack);
    if (after.SerializeAsString() == before.SerializeAsString()) continue;
    runs.Update(after, w.updated_runs);
    Append(w.events, DetectScrubRunEvents(before, after, observed));
  }
}

// The pool's scan progress (stall detection) and the concerns the report resolves.
void DeriveScanWatch(const std::string& host_id, const PoolDiff& pool, absl::Time now,
                     std::map<std::string, std::optional<ScanProgress>>& progress, ReportWrite& w) {
  const v1::Scan& scan = pool.reported->scan();
  const std::string& name = pool.reported->name();
  // Counters rising in place are no new snapshot, but every rise is an occurrence of the
  // device's errors.
  if (pool.changed() || pool.plan.counters_changed) {
    const std::optional<v1::Pool> previous =
        pool.previous != nullptr ? std::optional<v1::Pool>(*pool.previous) : std::nullopt;
    Append(w.events, DetectPoolEvents(host_id, previous, *pool.reported, now));
  }
  if (pool.changed() && scan.function() == "scrub" &&
      (IsActiveScanState(scan.state()) || scan.state() == "finished")) {
    w.cleared_concerns.emplace_back(name, ScrubConcern::Kind::kOverdue);
  }
  // An unchanged snapshot without a scan has nothing to follow.
  if (!IsActiveScanState(scan.state()) && !pool.changed()) return;
  std::optional<ScanProgress>& before = progress[name];
  std::optional<ScanProgress> next = NextScanProgress(before, scan, now);
  if (!next.has_value()) {
    if (!before.has_value()) return;
  } else if (before.has_value() && before->progressed_at == next->progressed_at) {
    return;
  }
  w.scan_progress.emplace_back(name, next);
  w.cleared_concerns.emplace_back(name, ScrubConcern::Kind::kStalled);
  before = std::move(next);
}

// The scrubs the agent started on its own (report.agent_scrubs), each stored once as a run
// with trigger agent: a run that already records it (the agent sent it again, or it was
// seen as external first) is kept, an external one becomes the agent's. Returns, per pool,
// the latest agent scrub's run, so that the pool's scan is not also taken for an external
// scrub.
std::map<std::string, v1::ScrubRun> DeriveAgentScrubs(const StoredReportView& view,
                                                      const ReportDiff& diff,
                                                      const v1::ReportRequest& report,
                                                      absl::Time now, RunBook& runs,
                                                      ReportWrite& w) {
  absl::flat_hash_set<std::string> known(view.present_pools.begin(), view.present_pools.end());
  for (const auto& [name, stored] : view.pools) {
    if (stored.snapshot.has_value()) known.insert(name);
  }
  if (diff.pools_valid) known.insert(diff.reported.begin(), diff.reported.end());
  std::map<std::string, v1::ScrubRun> latest;
  std::vector<const v1::AgentScrub*> seen;
  for (const v1::AgentScrub& scrub : report.agent_scrubs()) {
    const bool repeated = std::any_of(seen.begin(), seen.end(), [&](const v1::AgentScrub* s) {
      return s->pool() == scrub.pool() &&
             std::abs(s->started_at() - scrub.started_at()) <= kAgentScrubMatchSeconds;
    });
    if (repeated) continue;
    seen.push_back(&scrub);
    std::optional<v1::ScrubRun> run;
    if (const v1::ScrubRun* stored = runs.Recording(scrub)) {
      run = *stored;
      if (TriggerOf(*run) != v1::TRIGGER_AGENT) {
        SetTrigger(*run, v1::TRIGGER_AGENT);
        runs.Update(*run, w.updated_runs);
      }
    } else if (!known.contains(scrub.pool())) {
      w.dropped_agent_scrubs.push_back(&scrub);
      continue;
    } else {
      run = AgentRun(report.host_id(), scrub);
      Append(w.events, DetectScrubRunEvents(std::nullopt, *run, now));
      w.new_runs.push_back(*run);
    }
    auto [it, inserted] = latest.emplace(scrub.pool(), *run);
    if (!inserted && run->started_at() > it->second.started_at()) it->second = *std::move(run);
  }
  return latest;
}

void DerivePoolRuns(const std::string& host_id, const PoolDiff& pool,
                    const std::vector<v1::ScrubRun>& open, const v1::ScrubRun* agent_run,
                    absl::Time now, RunBook& runs, ReportWrite& w) {
  std::vector<v1::ScrubRun> pool_runs;
  for (const v1::ScrubRun& run : open) {
    if (run.pool() == pool.reported->name()) pool_runs.push_back(run);
  }
  ScrubTrackingResult tracked = TrackScrubs(host_id, pool.previous, *pool.reported, pool_runs);
  if (tracked.external.has_value()) {
    // Before recording a scrub nobody asked for, check it is not the one whose run just
    // ended (a stop ack arrives before or with the scan that shows it), nor one the agent
    // started on its own (this report says so).
    const v1::ScrubRun* latest =
        agent_run != nullptr ? agent_run : runs.Latest(pool.reported->name());
    if (latest != nullptr) {
      tracked = TrackScrubs(host_id, pool.previous, *pool.reported, pool_runs, latest);
    }
  }
  for (const v1::ScrubRun& run : tracked.updated) {
    for (const v1::ScrubRun& old : pool_runs) {
      if (old.id() == run.id()) Append(w.events, DetectScrubRunEvents(old, run, now));
    }
    runs.Update(run, w.updated_runs);
  }
  if (tracked.external.has_value()) {
    Append(w.events, DetectScrubRunEvents(std::nullopt, *tracked.external, now));
    w.new_runs.push_back(*std::move(tracked.external));
  }
}

}  // namespace

ReportWrite DeriveReportWrite(const StoredReportView& view, const ReportDiff& diff,
                              const v1::ReportRequest& report, absl::Duration missing_after,
                              absl::Time now, absl::Time observed) {
  ReportWrite w;
  w.host_id = report.host_id();
  w.instance_id = report.instance_id();
  w.info = report.host();
  w.collect_error = report.collect_error();
  w.now = now;
  w.observed = observed;
  DeriveHost(diff, report, missing_after, now, observed, w);
  RunBook runs(view.runs);
  DeriveAcks(view, report, now, observed, runs, w);
  const std::map<std::string, v1::ScrubRun> agent_runs =
      DeriveAgentScrubs(view, diff, report, now, runs, w);
  if (!diff.pools_valid) return w;

  // Runs as the acks left them; each pool is tracked against its own.
  const std::vector<v1::ScrubRun> open = runs.Open();
  std::map<std::string, std::optional<ScanProgress>> progress = view.scan_progress;
  for (const PoolDiff& pool : diff.pools) {
    w.pools.push_back({pool.reported, pool.plan});
    DeriveScanWatch(report.host_id(), pool, observed, progress, w);
    auto agent_run = agent_runs.find(pool.reported->name());
    DerivePoolRuns(report.host_id(), pool, open,
                   agent_run == agent_runs.end() ? nullptr : &agent_run->second, observed, runs,
                   w);
  }
  Append(w.events,
         DetectVanishedPools(report.host_id(), view.present_pools, diff.reported, observed));
  w.present_pools = diff.reported;
  return w;
}

bool WritesOnlyTouch(const StoredReportView& view, const ReportWrite& write) {
  if (!view.host.has_value() || !write.stream.has_value() || write.zpool_stuck.has_value() ||
      write.stack_attention.has_value() || write.clear_missing) {
    return false;
  }
  if (!write.command_outcomes.empty() || !write.scan_progress.empty() ||
      !write.cleared_concerns.empty() || !write.updated_runs.empty() || !write.new_runs.empty() ||
      !write.dropped_agent_scrubs.empty() || !write.events.empty()) {
    return false;
  }
  for (const ReportWrite::Pool& pool : write.pools) {
    if (pool.plan.snapshot != PoolWritePlan::Snapshot::kTouch || pool.plan.write_status ||
        pool.plan.counters_changed) {
      return false;
    }
  }
  if (!write.present_pools.has_value() || write.present_pools->size() != write.pools.size()) {
    return false;
  }
  std::vector<std::string> present = *write.present_pools;
  std::sort(present.begin(), present.end());
  return present == view.present_pools;
}

}  // namespace zfleet::controller
