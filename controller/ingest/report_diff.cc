#include "controller/ingest/report_diff.h"

#include <utility>

#include "absl/container/flat_hash_map.h"
#include "common/status_macros.h"

namespace zfleet::controller {

absl::StatusOr<ReportDiff> DiffReport(const StoredReportView& view, const v1::ReportRequest& report,
                                      absl::Time now) {
  ReportDiff diff;
  diff.host_before = view.host;
  diff.liveness.host_id = report.host_id();
  diff.liveness.last_seen = now;
  if (view.liveness.has_value()) {
    diff.liveness.missing_since = view.liveness->missing_since;
    diff.liveness.stack_attention = view.liveness->stack_attention;
  }
  diff.pools_valid = report.pools_valid();
  if (!diff.pools_valid) return diff;

  // A pool listed twice is compared the second time with what the first listing stored.
  absl::flat_hash_map<std::string, const v1::Pool*> listed;
  for (const v1::Pool& pool : report.pools()) {
    PoolDiff& d = diff.pools.emplace_back();
    d.reported = &pool;
    bool status_missing = false;
    if (auto first = listed.find(pool.name()); first != listed.end()) {
      d.previous = first->second;
    } else if (auto it = view.pools.find(pool.name()); it != view.pools.end()) {
      d.previous = it->second.snapshot.has_value() ? &*it->second.snapshot : nullptr;
      status_missing = it->second.status_missing;
    }
    ASSIGN_OR_RETURN(d.plan, PlanPoolWrite(d.previous, status_missing, pool));
    listed[pool.name()] = &pool;
    diff.reported.push_back(pool.name());
  }
  return diff;
}

}  // namespace zfleet::controller
