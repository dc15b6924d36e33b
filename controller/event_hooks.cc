#include "controller/event_hooks.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "controller/event_detector.h"
#include "model/pool_facts.h"
#include "controller/triage.h"

namespace zfleet::controller {
namespace {

constexpr char kOverdueCheckedAt[] = "overdue_checked_at";
constexpr char kThinnedBefore[] = "history_thinned_before";
constexpr absl::Duration kOverdueEvery = absl::Hours(1);
constexpr absl::Duration kThinEvery = absl::Hours(24);

absl::Status Raise(Store& store, const std::vector<NewEvent>& events) {
  for (const NewEvent& e : events) {
    ASSIGN_OR_RETURN(std::optional<int64_t> id, store.InsertEvent(e.event, e.dedup_key));
    if (id.has_value()) {
      spdlog::info("event {} {} {}: {}", *id, e.event.severity(), e.event.kind(),
                   e.event.message());
    }
  }
  return absl::OkStatus();
}

bool Active(const v1::Scan& scan) { return scan.state() == "scanning" || scan.state() == "paused"; }

absl::Status TickLiveness(Store& store, const ControllerConfig& config, absl::Time now,
                          absl::flat_hash_set<std::string>& missing) {
  ASSIGN_OR_RETURN(std::vector<HostLiveness> hosts, store.ListHostLiveness());
  for (const HostLiveness& h : hosts) {
    if (now - h.last_seen > config.MissingAfter()) missing.insert(h.host_id);
  }
  LivenessResult result = DetectHostLiveness(hosts, now, config.MissingAfter());
  if (result.changes.empty()) return absl::OkStatus();
  return store.RunInTransaction([&]() -> absl::Status {
    for (const HostLiveness& change : result.changes) {
      RETURN_IF_ERROR(store.SetHostMissing(change.host_id, change.missing_since));
    }
    return Raise(store, result.events);
  });
}

absl::Status TickStalls(Store& store, const ControllerConfig& config, absl::Time now,
                        const absl::flat_hash_set<std::string>& missing) {
  ASSIGN_OR_RETURN(std::vector<ScanProgressRecord> scans, store.ListScanProgress());
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
    RETURN_IF_ERROR(store.ReplaceScrubConcerns(ScrubConcern::Kind::kStalled, stalled));
    return Raise(store, events);
  });
}

absl::Status TickOverdue(Store& store, const ControllerConfig& config, absl::Time now,
                         const absl::flat_hash_set<std::string>& missing) {
  ASSIGN_OR_RETURN(std::optional<int64_t> checked, store.GetControllerValue(kOverdueCheckedAt));
  if (checked.has_value() && now - absl::FromUnixSeconds(*checked) < kOverdueEvery) {
    return absl::OkStatus();
  }
  // Read from narrow columns; a snapshot is parsed only for a pool whose disk classes were
  // not stored yet (written before schema version 2 and unchanged since).
  ASSIGN_OR_RETURN(std::vector<PoolStatusRow> pools, store.ListPoolStatus());
  const auto& skip = config.scheduler.skip_states;
  std::vector<ScrubConcern> overdue;
  std::vector<NewEvent> events;
  for (const PoolStatusRow& p : pools) {
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
      due.interval = ClassesInterval(*p.disk_classes, config.scheduler);
    } else {
      ASSIGN_OR_RETURN(std::optional<PoolRecord> record, store.GetPool(p.host_id, p.pool));
      if (!record.has_value()) continue;
      due.interval = PoolInterval(record->pool, config.scheduler);
    }
    due.scanning = p.scan_state == "scanning" || p.scan_state == "paused";
    if (auto c = DetectScrubOverdue(due, now)) {
      events.push_back(ScrubConcernEvent(*c, now));
      overdue.push_back(*std::move(c));
    }
  }
  return store.RunInTransaction([&]() -> absl::Status {
    RETURN_IF_ERROR(store.ReplaceScrubConcerns(ScrubConcern::Kind::kOverdue, overdue));
    RETURN_IF_ERROR(Raise(store, events));
    return store.SetControllerValue(kOverdueCheckedAt, absl::ToUnixSeconds(now));
  });
}

absl::Status TickRetention(Store& store, const HistoryPolicy& history, absl::Time now) {
  ASSIGN_OR_RETURN(std::optional<int64_t> thinned, store.GetControllerValue(kThinnedBefore));
  const absl::Time before = now - history.retention;
  const absl::Time from = thinned.has_value() ? absl::FromUnixSeconds(*thinned) : absl::UnixEpoch();
  if (before - from < kThinEvery) return absl::OkStatus();
  return store.RunInTransaction([&]() -> absl::Status {
    ASSIGN_OR_RETURN(int64_t deleted, store.ThinSnapshots(from, before));
    if (deleted > 0) spdlog::info("history: thinned {} pool snapshots", deleted);
    // ThinSnapshots works on whole days; the next run starts where this one stopped.
    const int64_t day = 86400;
    return store.SetControllerValue(kThinnedBefore, absl::ToUnixSeconds(before) / day * day);
  });
}

}  // namespace

absl::Duration ClassesInterval(const std::vector<std::string>& classes,
                               const SchedulerPolicy& policy) {
  std::optional<absl::Duration> shortest;
  for (const std::string& c : classes) {
    const absl::Duration d = policy.For(DiskClassOrUnknown(c)).interval;
    if (!shortest.has_value() || d < *shortest) shortest = d;
  }
  return shortest.value_or(policy.For(DiskClass::kUnknown).interval);
}

absl::Duration PoolInterval(const v1::Pool& pool, const SchedulerPolicy& policy) {
  return ClassesInterval(
      absl::StrSplit(ComputePoolFacts(pool).disk_classes, ',', absl::SkipEmpty()), policy);
}

absl::Status OnHostReported(Store& store, const ControllerConfig& config,
                            const std::string& host_id, const std::optional<HostRecord>& before,
                            const v1::HostInfo& after, absl::Time now) {
  const v1::HostInfo empty;
  RETURN_IF_ERROR(Raise(
      store, DetectStackEvents(host_id, (before.has_value() ? before->info : empty).stack_checks(),
                               after.stack_checks(), now)));
  ASSIGN_OR_RETURN(std::optional<HostLiveness> liveness, store.GetHostLiveness(host_id));
  if (!liveness.has_value()) return absl::NotFoundError(absl::StrCat("unknown host ", host_id));
  bool attention = false;
  for (const v1::StackCheck& check : after.stack_checks()) {
    attention |= StackCheckNeedsAttention(check);
  }
  if (liveness->stack_attention != attention) {
    RETURN_IF_ERROR(store.SetHostStackAttention(host_id, attention));
  }
  if (!liveness->missing_since.has_value()) return absl::OkStatus();
  LivenessResult result = DetectHostLiveness({*liveness}, now, config.MissingAfter());
  for (const HostLiveness& change : result.changes) {
    RETURN_IF_ERROR(store.SetHostMissing(change.host_id, change.missing_since));
  }
  return Raise(store, result.events);
}

absl::Status OnPoolStored(Store& store, const std::string& host_id, const PoolWrite& write,
                          const v1::Pool& after, absl::Time now) {
  const v1::Scan& scan = after.scan();
  if (write.changed) {
    RETURN_IF_ERROR(Raise(store, DetectPoolEvents(host_id, write.previous, after, now)));
    if (scan.function() == "scrub" && (Active(scan) || scan.state() == "finished")) {
      RETURN_IF_ERROR(store.ClearScrubConcern(host_id, after.name(), ScrubConcern::Kind::kOverdue));
    }
  }
  // An unchanged snapshot without a scan has nothing to follow: no store access at all.
  if (!Active(scan) && !write.changed) return absl::OkStatus();
  ASSIGN_OR_RETURN(std::optional<ScanProgress> before,
                   store.GetScanProgress(host_id, after.name()));
  std::optional<ScanProgress> next = NextScanProgress(before, scan, now);
  if (!next.has_value()) {
    if (!before.has_value()) return absl::OkStatus();
    RETURN_IF_ERROR(store.SetScanProgress(host_id, after.name(), std::nullopt));
    return store.ClearScrubConcern(host_id, after.name(), ScrubConcern::Kind::kStalled);
  }
  if (before.has_value() && before->progressed_at == next->progressed_at) return absl::OkStatus();
  RETURN_IF_ERROR(store.SetScanProgress(host_id, after.name(), next));
  return store.ClearScrubConcern(host_id, after.name(), ScrubConcern::Kind::kStalled);
}

absl::Status OnPoolsReported(Store& store, const std::string& host_id,
                             const std::vector<std::string>& reported, absl::Time now) {
  ASSIGN_OR_RETURN(std::vector<std::string> stored, store.ListPresentPoolNames(host_id));
  return Raise(store, DetectVanishedPools(host_id, stored, reported, now));
}

absl::Status OnScrubRunUpdated(Store& store, const std::optional<v1::ScrubRun>& before,
                               const v1::ScrubRun& after, absl::Time now) {
  return Raise(store, DetectScrubRunEvents(before, after, now));
}

absl::Status OnTick(Store& store, const ControllerConfig& config, const HistoryPolicy& history,
                    absl::Time now) {
  absl::flat_hash_set<std::string> missing;
  absl::Status first = WithContext(TickLiveness(store, config, now, missing), "host liveness");
  auto keep = [&first](absl::Status s) {
    if (first.ok() && !s.ok()) first = std::move(s);
  };
  keep(WithContext(TickStalls(store, config, now, missing), "stalled scans"));
  keep(WithContext(TickOverdue(store, config, now, missing), "overdue scrubs"));
  keep(WithContext(TickRetention(store, history, now), "history retention"));
  return first;
}

}  // namespace zfleet::controller
