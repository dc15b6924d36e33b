// The scheduler inside the running controller: builds the fleet snapshot from the store,
// asks the pure scheduler (scheduler.h) what to do, and turns its actions into agent
// commands and scrub runs. Also answers `zfleet schedule` with the same snapshot.
#ifndef ZFLEET_CONTROLLER_SCHEDULE_SERVICE_H_
#define ZFLEET_CONTROLLER_SCHEDULE_SERVICE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/clock.h"
#include "controller/config/controller_config.h"
#include "controller/schedule/scheduler.h"
#include "controller/schedule/standing_plan.h"
#include "controller/store/store.h"
#include "controller/store_service.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::controller {

// Thread-safe: store access under `store_mu`, shared with the other services.
class ScheduleService : public StoreService {
 public:
  using StoreService::StoreService;

  // Fails the commands that expired unanswered (command_expiry.h), then evaluates the
  // schedule now and queues the commands it decides, each expiring at the end of the window
  // it is meant for (a class always open, a pause or a stop: in kRequestLifetime). Returns
  // the store's error; nothing is half-applied (one transaction each).
  absl::Status Tick();

  // The schedule as it stands, without acting on it.
  absl::StatusOr<v1::GetScheduleResponse> GetSchedule();

 private:
  struct Inputs;
  absl::StatusOr<Inputs> Gather(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(store_mu_);
  absl::Status Apply(const Inputs& in, const Decision& decision, absl::Time now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(store_mu_);

  // What Tick acts on and GetSchedule shows: the same plan (standing_plan.h).
  StandingPlan plan_ ABSL_GUARDED_BY(store_mu_);
};

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_SCHEDULE_SERVICE_H_
