// Step 2 of a report's way through the controller: from the diff (report_diff.h) and the
// stored view, everything the report changes, as one ReportWrite for Store::ApplyReport
// (step 3): the host's flags, the acked commands and their scrub runs, the pools' snapshots
// and scan progress, scrub runs followed or discovered, and the events all of it raises, in
// the order they are raised. Pure: no store, no clock.
#ifndef ZFLEET_CONTROLLER_INGEST_REPORT_EFFECTS_H_
#define ZFLEET_CONTROLLER_INGEST_REPORT_EFFECTS_H_

#include "absl/time/time.h"
#include "controller/ingest/report_diff.h"
#include "controller/store/report_io.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::controller {

// `missing_after`: how long a host may be silent (a host flagged missing that reports
// again is back). `now`: when the report arrived (liveness, command acks); `observed`: when
// the agent saw what it reports (snapshots, runs, events; report_order.h).
// REQUIRES: `diff` is DiffReport(view, report, now).
ReportWrite DeriveReportWrite(const StoredReportView& view, const ReportDiff& diff,
                              const v1::ReportRequest& report, absl::Duration missing_after,
                              absl::Time now, absl::Time observed);

// True when `write` (derived against `view`) changes only what a ReportTouch writes: the
// report advances its stream, raises nothing, and leaves every flag, command, run, scan and
// pool as stored, the present pools being exactly the reported ones, each unchanged.
bool WritesOnlyTouch(const StoredReportView& view, const ReportWrite& write);

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_INGEST_REPORT_EFFECTS_H_
