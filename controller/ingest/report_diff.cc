#include "controller/ingest/report_diff.h"

#include <map>
#include <utility>

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
  std::map<std::string, StoredPool> stored = view.pools;
  for (const v1::Pool& pool : report.pools()) {
    StoredPool& before = stored[pool.name()];
    PoolDiff& d = diff.pools.emplace_back();
    ASSIGN_OR_RETURN(d.plan, PlanPoolWrite(before, pool));
    d.reported = pool;
    d.previous = before.snapshot;
    before.snapshot = pool;
    before.status_missing = false;
    diff.reported.push_back(pool.name());
  }
  return diff;
}

}  // namespace zfleet::controller
