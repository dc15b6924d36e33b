// Step 0 of a report's way through the controller: where the report stands in its agent's
// stream of observations. An agent with a state directory numbers its observations
// (stream_id, sequence) and delivers them oldest first, each until the controller answered;
// so the same observation can arrive twice (its answer was lost), and after a long outage
// many arrive late. Each is applied once, in order, and dated by when the agent saw it.
// Pure.
#ifndef ZFLEET_CONTROLLER_INGEST_REPORT_ORDER_H_
#define ZFLEET_CONTROLLER_INGEST_REPORT_ORDER_H_

#include <optional>

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

// `stored`: the host's stream as stored (nullopt: a new host). `now`: when it arrived.
ReportOrder OrderReport(const std::optional<HostStream>& stored, const v1::ReportRequest& report,
                        absl::Time now);

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_INGEST_REPORT_ORDER_H_
