// What the CLI asks of the controller, as plain calls (the gRPC FleetService is a thin
// shell over this).
#ifndef ZFLEET_CONTROLLER_FLEET_QUERIES_H_
#define ZFLEET_CONTROLLER_FLEET_QUERIES_H_

#include <functional>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/clock.h"
#include "controller/config/controller_config.h"
#include "controller/store/store.h"
#include "controller/store_service.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::controller {

// Thread-safe. The reads (ListHosts, ListPools, GetStatus, GetPool) go to a reader, each in
// one read transaction, so they see one committed state and never wait for a report;
// RequestScrub reads and writes on the writer under `store_mu`.
class FleetQueries : public StoreService {
 public:
  using StoreService::StoreService;

  absl::StatusOr<v1::ListHostsResponse> ListHosts();
  absl::StatusOr<v1::ListPoolsResponse> ListPools();
  // Host totals, the summary of every present pool, and the pools the request lists
  // (StatusListing), sorted by host and pool: what ListHosts + ListPools would say of the
  // fleet, without the pools' snapshots. Reads the fleet a pool at a time.
  absl::StatusOr<v1::GetStatusResponse> GetStatus(const v1::GetStatusRequest& request);
  // NotFound "unknown host H" / "unknown pool H/P (pools on H: …)".
  absl::StatusOr<v1::GetPoolResponse> GetPool(const v1::GetPoolRequest& request);
  // START records a manual run that the scheduler starts when windows and caps allow
  // (`now`: the command goes out at once); a paused scrub is resumed in its own run.
  // STOP/PAUSE queue the command for the pool's agent. A queued command expires
  // kRequestLifetime after now (command_expiry.h). NotFound as GetPool;
  // FailedPrecondition when the pool's state forbids it (already scrubbing, resilvering,
  // nothing to stop or pause, a pause on a legacy zpool that cannot pause, a scrub already
  // requested), with the reason.
  absl::StatusOr<v1::RequestScrubResponse> RequestScrub(const v1::RequestScrubRequest& request);

  // Called after each accepted scrub request, so the scheduler can act at once instead of
  // at its next tick. Runs with the store lock held: it must not block.
  void set_on_scrub_requested(std::function<void()> fn) { on_scrub_requested_ = std::move(fn); }

 private:
  bool Reporting(absl::Time last_seen, absl::Time now) const;

  std::function<void()> on_scrub_requested_;
};

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_FLEET_QUERIES_H_
