#include "agent/autonomy/autonomous_scrubber.h"

#include <cstdlib>
#include <utility>

#include "absl/strings/str_cat.h"
#include "agent/autonomy/state_json.h"
#include "common/durable_file.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "model/pool_facts.h"
#include "model/scrub_class.h"

namespace zfleet::agent {
namespace {

constexpr char kFileName[] = "agent_scrubs.json";
// The agent's clock when it ran `zpool scrub` and zpool's own start time of that scrub.
constexpr int64_t kSameScrubSeconds = 60;

// "45m", "26h", "8d": how long, roughly, for a log line.
std::string Rough(absl::Duration d) {
  if (d < absl::Hours(1)) return absl::StrCat(absl::ToInt64Minutes(d), "m");
  if (d < absl::Hours(48)) return absl::StrCat(absl::ToInt64Hours(d), "h");
  return absl::StrCat(absl::ToInt64Hours(d) / 24, "d");
}

// True when `scan` is the scrub `scrub` started. zpool versions that print no start time
// (legacy) are matched by the newest scrub of the pool only: a scan under way, or one that
// ended after it started.
bool ScanShows(const v1::Scan& scan, const v1::AgentScrub& scrub, bool newest_of_pool) {
  if (scan.function() != "scrub") return false;
  if (scan.has_start_time()) {
    return std::abs(scan.start_time() - scrub.started_at()) <= kSameScrubSeconds;
  }
  if (!newest_of_pool) return false;
  return IsActiveScanState(scan.state()) ||
         (scan.has_end_time() && scan.end_time() + 1 >= scrub.started_at());
}

// What of a scan is worth a file write: its kind, state and times, not its progress.
bool SameScanState(const v1::Scan& a, const v1::Scan& b) {
  return a.function() == b.function() && a.state() == b.state() &&
         a.has_start_time() == b.has_start_time() && a.start_time() == b.start_time() &&
         a.has_end_time() == b.has_end_time() && a.end_time() == b.end_time();
}

const v1::Pool* FindPool(const std::vector<v1::Pool>& pools, const std::string& name) {
  for (const v1::Pool& pool : pools) {
    if (pool.name() == name) return &pool;
  }
  return nullptr;
}

}  // namespace

absl::StatusOr<AutonomousScrubber> AutonomousScrubber::Open(AutonomyDeps deps,
                                                            const std::string& state_dir) {
  AutonomousScrubber scrubber(std::move(deps),
                              state_dir.empty() ? "" : absl::StrCat(state_dir, "/", kFileName));
  if (scrubber.path_.empty()) return scrubber;
  absl::StatusOr<std::string> text = ReadWholeFile(scrubber.path_);
  if (absl::IsNotFound(text.status())) return scrubber;
  if (!text.ok()) return text.status();
  // The file is a ReportRequest holding only agent_scrubs, in protobuf JSON.
  v1::ReportRequest saved;
  if (absl::Status s = ParseStateJson(*text, &saved); !s.ok()) {
    spdlog::warn(
        "ignoring {} ({}): the scrubs it held will reach the controller as external "
        "ones",
        scrubber.path_, s.message());
    return scrubber;
  }
  scrubber.pending_.assign(saved.agent_scrubs().begin(), saved.agent_scrubs().end());
  return scrubber;
}

bool AutonomousScrubber::NewestOfPool(size_t i) const {
  for (size_t j = i + 1; j < pending_.size(); ++j) {
    if (pending_[j].pool() == pending_[i].pool()) return false;
  }
  return true;
}

bool AutonomousScrubber::Follow(const std::vector<v1::Pool>& pools) {
  bool changed = false;
  for (size_t i = 0; i < pending_.size(); ++i) {
    v1::AgentScrub& scrub = pending_[i];
    if (!scrub.error().empty()) continue;
    const v1::Pool* pool = FindPool(pools, scrub.pool());
    if (pool == nullptr || !ScanShows(pool->scan(), scrub, NewestOfPool(i))) continue;
    if (scrub.paused_at_window_end() && pool->scan().state() != "paused") {
      scrub.set_paused_at_window_end(false);  // resumed, stopped or ended since
      changed = true;
    }
    if (scrub.has_last_scan() && SameScanState(scrub.last_scan(), pool->scan())) continue;
    *scrub.mutable_last_scan() = pool->scan();
    changed = true;
  }
  return changed;
}

absl::StatusOr<int> AutonomousScrubber::ApplyWindows(const std::vector<v1::Pool>& pools,
                                                     const AutonomyPolicy& policy, absl::Time now,
                                                     absl::Duration away) {
  const ScrubCadence& cadence = policy.cadence;
  int running = 0;
  for (const v1::Pool& pool : pools) {
    running += pool.scan().function() == "scrub" && pool.scan().state() == "scanning";
  }
  int resumed = 0;
  for (size_t i = 0; i < pending_.size(); ++i) {
    v1::AgentScrub& scrub = pending_[i];
    const v1::Pool* pool = FindPool(pools, scrub.pool());
    if (!scrub.error().empty() || pool == nullptr ||
        !ScanShows(pool->scan(), scrub, NewestOfPool(i))) {
      continue;
    }
    const bool open = cadence.WindowOpen(PoolScrubClass(*pool, cadence), now);
    const std::string& state = pool->scan().state();
    if (state == "scanning" && !open && cadence.at_window_end != WindowEndAction::kContinue) {
      const bool pause = cadence.at_window_end == WindowEndAction::kPause;
      const absl::Status s =
          deps_.zpool->Scrub(scrub.pool(), pause ? v1::SCRUB_PAUSE : v1::SCRUB_STOP);
      if (s.code() == absl::StatusCode::kUnimplemented) continue;  // cannot pause: continues
      if (!s.ok()) {
        spdlog::warn("could not {} the scrub of {} at its window's end: {}",
                     pause ? "pause" : "stop", scrub.pool(), s.message());
        continue;
      }
      spdlog::info("controller unreachable for {}: {} my scrub of {}, its window closed",
                   Rough(away), pause ? "pausing" : "stopping", scrub.pool());
      scrub.set_paused_at_window_end(pause);
      --running;
    } else if (state == "paused" && scrub.paused_at_window_end() && open &&
               running < policy.max_per_host) {
      // `zpool scrub` on a paused scrub resumes it.
      if (const absl::Status s = deps_.zpool->Scrub(scrub.pool(), v1::SCRUB_START); !s.ok()) {
        spdlog::warn("could not resume the scrub of {}: {}", scrub.pool(), s.message());
        continue;
      }
      spdlog::info("controller unreachable for {}: resuming my scrub of {}, its window is open",
                   Rough(away), scrub.pool());
      scrub.set_paused_at_window_end(false);
      ++running;
      ++resumed;
    } else {
      continue;
    }
    RETURN_IF_ERROR(Persist());
  }
  return resumed;
}

PlanHost AutonomousScrubber::HostFor(const std::vector<v1::Pool>& pools, absl::Time now) const {
  PlanHost host;
  host.host_id = deps_.host_id;
  if (deps_.load_reader) host.load1 = deps_.load_reader();
  for (const v1::AgentScrub& scrub : pending_) {
    if (absl::FromUnixSeconds(scrub.started_at()) + kRetryAfter <= now) continue;
    host.held.insert(scrub.pool());
    if (!scrub.error().empty() || scrub.has_last_scan()) continue;
    // Started, but the pools were read before zpool showed it.
    const v1::Pool* pool = FindPool(pools, scrub.pool());
    if (pool == nullptr || !ScanShows(pool->scan(), scrub, /*newest_of_pool=*/true)) {
      ++host.starting;
    }
  }
  return host;
}

v1::AgentScrub AutonomousScrubber::Start(const PlannedScrub& planned, absl::Time now,
                                         absl::Duration away) {
  const std::string last =
      planned.last_scrub ? absl::StrCat("last scrub ", Rough(now - *planned.last_scrub), " ago")
                         : "never scrubbed";
  spdlog::info("controller unreachable for {}: starting scrub of {} on my own (class {}, {})",
               Rough(away), planned.pool, DiskClassName(planned.disk_class), last);
  v1::AgentScrub scrub;
  scrub.set_pool(planned.pool);
  scrub.set_started_at(absl::ToUnixSeconds(now));
  if (absl::Status s = deps_.zpool->Scrub(planned.pool, v1::SCRUB_START); !s.ok()) {
    spdlog::warn("could not start the scrub of {}: {}", planned.pool, s.message());
    scrub.set_error(std::string(s.message()));
  }
  return scrub;
}

absl::StatusOr<std::vector<v1::AgentScrub>> AutonomousScrubber::MaybeScrub(
    const std::vector<v1::Pool>& pools, absl::Time now, absl::Time last_contact) {
  std::vector<v1::AgentScrub> started;
  if (Follow(pools)) RETURN_IF_ERROR(Persist());
  const AutonomyPolicy* policy = deps_.policies->policy();
  if (policy == nullptr || policy->autonomous_after <= absl::ZeroDuration()) return started;
  const absl::Duration away = now - last_contact;
  if (away <= policy->autonomous_after) return started;
  ASSIGN_OR_RETURN(const int resumed, ApplyWindows(pools, *policy, now, away));
  PlanHost host = HostFor(pools, now);
  host.starting += resumed;
  for (const PlannedScrub& planned : PlanAutonomousScrubs(*policy, pools, now, host)) {
    pending_.push_back(Start(planned, now, away));
    started.push_back(pending_.back());
    RETURN_IF_ERROR(Persist());
  }
  return started;
}

absl::Status AutonomousScrubber::ConfirmDelivered(size_t count) {
  if (count == 0) return absl::OkStatus();
  pending_.erase(pending_.begin(),
                 pending_.begin() + static_cast<long>(std::min(count, pending_.size())));
  return Persist();
}

absl::Status AutonomousScrubber::Persist() const {
  if (path_.empty()) return absl::OkStatus();
  v1::ReportRequest saved;
  for (const v1::AgentScrub& scrub : pending_) *saved.add_agent_scrubs() = scrub;
  ASSIGN_OR_RETURN(std::string json, StateJson(saved));
  return WriteFileAtomically(path_, json + "\n", 0600);
}

}  // namespace zfleet::agent
