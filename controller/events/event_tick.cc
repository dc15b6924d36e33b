#include "controller/events/event_tick.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "controller/events/event_detector.h"
#include "controller/events/incidents.h"
#include "controller/events/raise.h"
#include "controller/events/retention.h"
#include "model/pool_facts.h"
#include "model/scrub_class.h"

namespace zfleet::controller {
namespace {

constexpr char kOverdueCheckedAt[] = "overdue_checked_at";
constexpr char kThinnedBefore[] = "history_thinned_before";
constexpr absl::Duration kOverdueEvery = absl::Hours(1);
constexpr absl::Duration kThinEvery = absl::Hours(24);

absl::Status TickLiveness(Store& store, const ControllerConfig& config, absl::Time now,
                          absl::Time watching_since, absl::flat_hash_set<std::string>& missing) {
  ASSIGN_OR_RETURN(std::vector<HostLiveness> hosts, store.hosts().ListLiveness());
  for (const HostLiveness& h : hosts) {
    if (SilentTooLong(h.last_seen, now, config.MissingAfter(), watching_since)) {
      missing.insert(h.host_id);
    }
  }
  LivenessResult result = DetectHostLiveness(hosts, now, config.MissingAfter(), watching_since);
  if (result.changes.empty()) return absl::OkStatus();
  return store.RunInTransaction([&]() -> absl::Status {
    for (const HostLiveness& change : result.changes) {
      RETURN_IF_ERROR(store.hosts().SetMissing(change.host_id, change.missing_since));
    }
    return RaiseEvents(store.events(), result.events);
  });
}

absl::Status TickStalls(Store& store, const ControllerConfig& config, absl::Time now,
                        const absl::flat_hash_set<std::string>& missing) {
  ASSIGN_OR_RETURN(std::vector<ScanProgressRecord> scans, store.scan_watch().ListProgress());
  std::vector<ScrubConcern> stalled;
  std::vector<NewEvent> events;
  for (const ScanProgressRecord& scan : scans) {
    // A silent host's scans look stalled only because nobody reports them.
    if (missing.contains(scan.host_id)) continue;
    if (auto c = DetectStall(scan, now, config.scheduler.stall_after)) {
      events.push_back(ScrubConcernEvent(*c, now));
      stalled.push_back(*std::move(c));
    }
  }
  return store.RunInTransaction([&]() -> absl::Status {
    RETURN_IF_ERROR(store.scan_watch().ReplaceConcerns(ScrubConcern::Kind::kStalled, stalled));
    return RaiseEvents(store.events(), events);
  });
}

absl::Status TickOverdue(Store& store, const ControllerConfig& config, absl::Time now,
                         const absl::flat_hash_set<std::string>& missing) {
  ASSIGN_OR_RETURN(std::optional<int64_t> checked, store.state().Get(kOverdueCheckedAt));
  if (checked.has_value() && now - absl::FromUnixSeconds(*checked) < kOverdueEvery) {
    return absl::OkStatus();
  }
  // Read from narrow columns; a snapshot is parsed only for a pool whose disk classes were
  // not stored yet (written before schema version 2 and unchanged since).
  ASSIGN_OR_RETURN(std::vector<PoolScrubState> pools, store.pools().ListScrubStates());
  const auto& skip = config.scheduler.skip_states;
  std::vector<ScrubConcern> overdue;
  std::vector<NewEvent> events;
  for (const PoolScrubState& p : pools) {
    if (missing.contains(p.host_id)) continue;
    if (std::find(skip.begin(), skip.end(), p.state) != skip.end()) continue;
    ScrubDue due;
    due.host_id = p.host_id;
    due.pool = p.pool;
    due.first_seen = p.first_seen;
    if (p.last_finished.has_value()) {
      const v1::ScrubRun& run = *p.last_finished;
      if (run.has_started_at()) {
        due.last_scrub = absl::FromUnixSeconds(run.started_at());
      } else if (run.has_ended_at()) {
        due.last_scrub = absl::FromUnixSeconds(run.ended_at());
      }
    }
    if (p.disk_classes.has_value()) {
      due.interval =
          config.scheduler.For(ShortestIntervalClass(*p.disk_classes, config.scheduler)).interval;
    } else {
      ASSIGN_OR_RETURN(std::optional<PoolRecord> record, store.pools().Get(p.host_id, p.pool));
      if (!record.has_value()) continue;
      due.interval = PoolInterval(record->pool, config.scheduler);
    }
    due.scanning = IsActiveScanState(p.scan_state);
    if (auto c = DetectScrubOverdue(due, now)) {
      events.push_back(ScrubConcernEvent(*c, now));
      overdue.push_back(*std::move(c));
    }
  }
  return store.RunInTransaction([&]() -> absl::Status {
    RETURN_IF_ERROR(store.scan_watch().ReplaceConcerns(ScrubConcern::Kind::kOverdue, overdue));
    RETURN_IF_ERROR(RaiseEvents(store.events(), events));
    return store.state().Set(kOverdueCheckedAt, absl::ToUnixSeconds(now));
  });
}

absl::Status TickRetention(Store& store, absl::Duration retention, absl::Time now) {
  ASSIGN_OR_RETURN(std::optional<int64_t> thinned, store.state().Get(kThinnedBefore));
  const absl::Time before = now - retention;
  const absl::Time from = thinned.has_value() ? absl::FromUnixSeconds(*thinned) : absl::UnixEpoch();
  if (before - from < kThinEvery) return absl::OkStatus();
  return store.RunInTransaction([&]() -> absl::Status {
    ASSIGN_OR_RETURN(int64_t deleted, store.history().ThinSnapshots(from, before));
    if (deleted > 0) spdlog::info("history: thinned {} pool snapshots", deleted);
    // ThinSnapshots works on whole days; the next run starts where this one stopped.
    const int64_t day = 86400;
    return store.state().Set(kThinnedBefore, absl::ToUnixSeconds(before) / day * day);
  });
}

}  // namespace

absl::Status OnTick(Store& store, const ControllerConfig& config, absl::Time now,
                    absl::Time watching_since) {
  absl::flat_hash_set<std::string> missing;
  absl::Status first =
      WithContext(TickLiveness(store, config, now, watching_since, missing), "host liveness");
  auto keep = [&first](absl::Status s) {
    if (first.ok() && !s.ok()) first = std::move(s);
  };
  keep(WithContext(TickStalls(store, config, now, missing), "stalled scans"));
  keep(WithContext(TickOverdue(store, config, now, missing), "overdue scrubs"));
  // After the checks above, which find what triage lists (missing hosts, scrub concerns).
  keep(WithContext(TriageWithIncidents(store, config, now, /*write=*/true, watching_since).status(),
                   "incidents"));
  keep(WithContext(TickRetention(store, config.history_retention, now), "history retention"));
  absl::StatusOr<RetentionPass> trimmed = TrimStore(store, config.retention, now);
  if (trimmed.ok()) {
    const RetentionPass& t = *trimmed;
    if (t.events + t.incidents + t.counters + t.commands + t.scrub_runs + t.audit > 0) {
      spdlog::info(
          "retention: deleted {} events, {} resolved incidents, {} counter samples, {} "
          "commands, {} scrub runs, {} audit entries{}",
          t.events, t.incidents, t.counters, t.commands, t.scrub_runs, t.audit,
          t.more ? "; more at the next tick" : "");
    }
  }
  keep(WithContext(trimmed.status(), "retention"));
  return first;
}

}  // namespace zfleet::controller
