#include "controller/ingest/report_order.h"

#include <algorithm>
#include <string>

namespace zfleet::controller {

ReportOrder OrderReport(const std::optional<HostStream>& stored, const ReportPosition& report,
                        absl::Time now) {
  ReportOrder order;
  order.observed = now;
  if (report.stream_id.empty()) return order;  // an agent that numbers nothing: as received
  const int64_t claimed = report.observed_at != 0 ? report.observed_at : report.report_time;
  absl::Time observed = std::min(absl::FromUnixSeconds(claimed), now);
  const bool known = stored.has_value() && !stored->stream_id.empty();
  if (known && stored->stream_id == report.stream_id) {
    if (report.sequence <= stored->last_sequence) {
      order.outcome = v1::REPORT_DUPLICATE;
      order.observed = std::min(stored->last_observed, now);
      return order;
    }
    // The agent's clock may step back; the stream's order is the truth.
    observed = std::max(observed, std::min(stored->last_observed, now));
  } else if (known && observed < stored->last_observed) {
    order.outcome = v1::REPORT_STALE;
    return order;
  }
  order.observed = observed;
  order.advance = HostStream{std::string(report.stream_id), report.sequence, observed};
  return order;
}

}  // namespace zfleet::controller
