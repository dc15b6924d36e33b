// Handles one agent report. First it is checked against the report limits
// (model/report_limits.h: size, counts, duplicate pool names, UTF-8) and its identity
// fields, before anything is read or stored. Then: read what the store holds of the host
// (Store::ReadReportView); place the report in its agent's stream of observations
// (ingest/report_order.h: applied, a duplicate that only says the host is alive and carries
// acks, or stale and dropped) and date it by when the agent saw it; derive what it changes
// (ingest/: a pure diff, then the writes and events it implies); and apply all of it in one
// transaction (Store::ApplyReport). Answers with the outcome, the AgentPolicy the agent
// follows while it cannot reach the controller (agent_policy.h) and, once the agent has no
// backlog, the host's pending commands. The reply is sent only
// after the report's transaction commits, so nothing acknowledged to an agent is lost by a
// controller crash.
#ifndef ZFLEET_CONTROLLER_REPORT_PROCESSOR_H_
#define ZFLEET_CONTROLLER_REPORT_PROCESSOR_H_

#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/clock.h"
#include "controller/config/controller_config.h"
#include "controller/store/store.h"
#include "controller/store_service.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::controller {

// Validates a report's identity fields: InvalidArgument naming the bad field.
absl::Status ValidateReport(const v1::ReportRequest& report);

// Thread-safe: all store access happens under `store_mu`, shared with the other services.
class ReportProcessor : public StoreService {
 public:
  using StoreService::StoreService;

  // Returns InvalidArgument for a malformed report or one over the report limits (nothing of
  // it is read or stored), ResourceExhausted "controller database disk is full (PATH)" when
  // the disk has no room for it (counted and logged by Store::health()), Internal for
  // another store failure; after either, the agent sends it again and nothing of it was
  // kept.
  absl::StatusOr<v1::ReportResponse> Process(const v1::ReportRequest& report);

 private:
  absl::StatusOr<v1::ReportResponse> Reply(const v1::ReportRequest& report, absl::Time now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(store_mu_);
};

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_REPORT_PROCESSOR_H_
