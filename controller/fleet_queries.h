// What the CLI asks of the controller, as plain calls (the gRPC FleetService is a thin
// shell over this).
#ifndef ZFLEET_CONTROLLER_FLEET_QUERIES_H_
#define ZFLEET_CONTROLLER_FLEET_QUERIES_H_

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/clock.h"
#include "controller/controller_config.h"
#include "controller/store.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::controller {

// Thread-safe: store access happens under `store_mu`, shared with the report processor.
class FleetQueries {
 public:
  FleetQueries(Store* store, absl::Mutex* store_mu, const ControllerConfig* config,
               const Clock* clock)
      : store_(store), store_mu_(store_mu), config_(config), clock_(clock) {}

  absl::StatusOr<v1::ListHostsResponse> ListHosts();
  absl::StatusOr<v1::ListPoolsResponse> ListPools();
  // NotFound "unknown host H" / "unknown pool H/P (pools on H: …)".
  absl::StatusOr<v1::GetPoolResponse> GetPool(const v1::GetPoolRequest& request);
  // Queues a command for the pool's agent. NotFound as GetPool; FailedPrecondition when the
  // pool's state forbids it (already scrubbing, resilvering, nothing to stop or pause, a
  // scrub already requested), with the reason.
  absl::StatusOr<v1::RequestScrubResponse> RequestScrub(const v1::RequestScrubRequest& request);

 private:
  absl::StatusOr<PoolRecord> FindPool(const std::string& host_id, const std::string& pool)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(store_mu_);
  bool Reporting(absl::Time last_seen, absl::Time now) const;

  Store* store_;
  absl::Mutex* store_mu_;
  const ControllerConfig* config_;
  const Clock* clock_;
};

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_FLEET_QUERIES_H_
