// Step 0 of a report's way through the controller: where the report stands in its agent's
// stream of observations. An agent with a state directory numbers its observations
// (stream_id, sequence) and delivers them oldest first, each until the controller answered;
// so the same observation can arrive twice (its answer was lost), and after a long outage
// many arrive late. Each is applied once, in order, and dated by when the agent saw it.
// Pure.
#ifndef ZFLEET_CONTROLLER_INGEST_REPORT_ORDER_H_
#define ZFLEET_CONTROLLER_INGEST_REPORT_ORDER_H_

#include <cstdint>
#include <optional>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "model/host_record.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::controller {

struct ReportOrder {
  // APPLIED: store what the report says. DUPLICATE: this observation was applied before:
  // keep only that the host is alive and the acks it carries. STALE: older than what is
  // stored for the host from another stream (a second agent claiming the host, an old
  // state directory): keep nothing.
  v1::ReportOutcome outcome = v1::REPORT_APPLIED;
  // When the agent saw what the report says: its observed_at, not before the last applied
  // observation of the stream and not after `now`; `now` for an agent without a stream.
  absl::Time observed;
  // What to store as the host's stream when the report is applied; nullopt: nothing.
  std::optional<HostStream> advance;
};

// Where a report says it stands in its stream.
struct ReportPosition {
  absl::string_view stream_id;
  uint64_t sequence = 0;
  int64_t report_time = 0;
  int64_t observed_at = 0;
};

// Of a v1::ReportRequest, or of its v1::ReportEnvelope (ingest/received_report.h).
template <typename Report>
ReportPosition PositionOf(const Report& report) {
  return {report.stream_id(), report.sequence(), report.report_time(), report.observed_at()};
}

// `stored`: the host's stream as stored (nullopt: a new host). `now`: when it arrived.
ReportOrder OrderReport(const std::optional<HostStream>& stored, const ReportPosition& report,
                        absl::Time now);
inline ReportOrder OrderReport(const std::optional<HostStream>& stored,
                               const v1::ReportRequest& report, absl::Time now) {
  return OrderReport(stored, PositionOf(report), now);
}

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_INGEST_REPORT_ORDER_H_
