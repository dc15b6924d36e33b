// The audit trail and the fleet-wide administration writes, as plain calls (the gRPC
// FleetService is a thin shell over this; it decides who may call them).
#ifndef ZFLEET_CONTROLLER_ADMIN_SERVICE_H_
#define ZFLEET_CONTROLLER_ADMIN_SERVICE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "controller/store_service.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::controller {

// Thread-safe: ListAudit reads on a reader (store_service.h), the writes go to the writer
// under `store_mu`, shared with the other services. Store errors come back as Internal.
class AdminService : public StoreService {
 public:
  using StoreService::StoreService;

  // Appends `entry` with its time set to now.
  absl::Status Record(v1::AuditEntry entry);
  // Newest first. InvalidArgument for a negative limit; 0 means 1000, capped at 10000.
  absl::StatusOr<v1::ListAuditResponse> ListAudit(const v1::ListAuditRequest& request);
  // Store::ForgetHost. InvalidArgument for an empty or malformed host id; NotFound
  // "unknown host H".
  absl::StatusOr<v1::ForgetHostResponse> ForgetHost(const v1::ForgetHostRequest& request);
  // Store::CancelRequestedRuns with the message "canceled by `by`". NotFound for an
  // unknown host (a host id of "" means the whole fleet).
  absl::StatusOr<v1::CancelQueuedResponse> CancelQueued(const v1::CancelQueuedRequest& request,
                                                        const std::string& by);
};

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_ADMIN_SERVICE_H_
