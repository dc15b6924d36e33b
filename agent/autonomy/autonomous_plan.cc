#include "agent/autonomy/autonomous_plan.h"

#include <algorithm>
#include <tuple>

#include "model/pool_facts.h"
#include "model/scrub_class.h"

namespace zfleet::agent {
namespace {

// The pool's last completed scrub: the later of what the controller stored (`known`, may be
// null) and what the pool's scan shows (a finished scrub). `history` gets both times.
void LastCompletedScrub(const v1::PoolCadence* known, const v1::Pool& pool,
                        PoolScrubHistory& history) {
  if (known != nullptr) {
    if (known->has_last_scrub_start()) {
      history.last_scrub_start = absl::FromUnixSeconds(known->last_scrub_start());
    }
    if (known->has_last_scrub_end()) {
      history.last_scrub_end = absl::FromUnixSeconds(known->last_scrub_end());
    }
  }
  const v1::Scan& scan = pool.scan();
  if (scan.function() != "scrub" || scan.state() != "finished") return;
  std::optional<absl::Time> start;
  std::optional<absl::Time> end;
  if (scan.has_start_time()) start = absl::FromUnixSeconds(scan.start_time());
  if (scan.has_end_time()) end = absl::FromUnixSeconds(scan.end_time());
  const std::optional<absl::Time> seen = start ? start : end;
  const std::optional<absl::Time> stored =
      history.last_scrub_start ? history.last_scrub_start : history.last_scrub_end;
  if (seen.has_value() && (!stored.has_value() || *seen > *stored)) {
    history.last_scrub_start = start;
    history.last_scrub_end = end;
  }
}

}  // namespace

std::vector<PlannedScrub> PlanAutonomousScrubs(const AutonomyPolicy& policy,
                                               const std::vector<v1::Pool>& pools, absl::Time now,
                                               const PlanHost& host) {
  int running = host.starting;
  for (const v1::Pool& pool : pools) {
    running += pool.scan().function() == "scrub" && pool.scan().state() == "scanning";
  }
  std::vector<PlannedScrub> plan;
  if (host.load1.has_value() && *host.load1 > policy.load_threshold) return plan;
  const ScrubCadence& cadence = policy.cadence;
  for (const v1::Pool& pool : pools) {
    if (IsActiveScanState(pool.scan().state()) || cadence.Skips(pool.state()) ||
        host.held.contains(pool.name())) {
      continue;
    }
    const DiskClass disk_class = PoolScrubClass(pool, cadence);
    if (!cadence.WindowOpen(disk_class, now)) continue;
    auto known = policy.pools.find(pool.name());
    PoolScrubHistory history{host.host_id, pool.name(), std::nullopt, std::nullopt, policy.contact};
    if (known != policy.pools.end()) {
      history.first_seen = absl::FromUnixSeconds(known->second.first_seen());
    }
    LastCompletedScrub(known == policy.pools.end() ? nullptr : &known->second, pool, history);
    const absl::Time due = ScrubDueTime(history, cadence.For(disk_class).interval);
    if (due > now) continue;
    plan.push_back({pool.name(), disk_class,
                    history.last_scrub_start ? history.last_scrub_start : history.last_scrub_end,
                    due});
  }
  std::sort(plan.begin(), plan.end(), [](const PlannedScrub& a, const PlannedScrub& b) {
    return std::tie(a.due, a.pool) < std::tie(b.due, b.pool);
  });
  plan.resize(std::min<size_t>(plan.size(), std::max(0, policy.max_per_host - running)));
  return plan;
}

}  // namespace zfleet::agent
