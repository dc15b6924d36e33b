// Step 1 of a report's way through the controller: what the report says that differs from
// what the store holds (the host before and after, each reported pool against its stored
// snapshot). Pure: the stored view comes in, the diff goes out; step 2 (report_effects.h)
// derives the writes from it.
#ifndef ZFLEET_CONTROLLER_INGEST_REPORT_DIFF_H_
#define ZFLEET_CONTROLLER_INGEST_REPORT_DIFF_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "controller/store/report_io.h"
#include "model/host_record.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::controller {

// Borrows from the report and the stored view, which must outlive it.
struct PoolDiff {
  const v1::Pool* reported = nullptr;
  const v1::Pool* previous = nullptr;  // the stored snapshot before this report; null: new
  PoolWritePlan plan;                  // how the store keeps the reported pool

  // A new snapshot: the pool is new or its material facts changed.
  bool changed() const { return plan.snapshot == PoolWritePlan::Snapshot::kNew; }
};

struct ReportDiff {
  std::optional<HostRecord> host_before;  // nullopt: the host's first report
  // The host's liveness once the report is stored: last_seen = now, the flags as stored.
  HostLiveness liveness;
  // Only when the report's pools are valid (a failed zpool read says nothing about them):
  bool pools_valid = false;
  std::vector<PoolDiff> pools;        // in report order
  std::vector<std::string> reported;  // the names the report lists, in its order
};

// Compares `report` (received at `now`) with `view`, what the store held before it. The
// diff borrows from both. Internal if a snapshot cannot be serialized for the comparison.
absl::StatusOr<ReportDiff> DiffReport(const StoredReportView& view, const v1::ReportRequest& report,
                                      absl::Time now);

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_INGEST_REPORT_DIFF_H_
