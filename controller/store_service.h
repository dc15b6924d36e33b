// What every service of the controller works with: the store, the one lock that serializes
// access to it, the config and the clock.
#ifndef ZFLEET_CONTROLLER_STORE_SERVICE_H_
#define ZFLEET_CONTROLLER_STORE_SERVICE_H_

#include "absl/synchronization/mutex.h"
#include "common/clock.h"
#include "controller/config/controller_config.h"
#include "controller/store/store.h"

namespace zfleet::controller {

// A base of the services (ReportProcessor, FleetQueries, EventQueries, ScheduleService),
// which inherit this constructor. Owns nothing: all four must outlive the service. Every
// store access of a service happens under `store_mu`, shared by all the services.
class StoreService {
 public:
  StoreService(Store* store, absl::Mutex* store_mu, const ControllerConfig* config,
               const Clock* clock)
      : store_(store), store_mu_(store_mu), config_(config), clock_(clock) {}

 protected:
  Store* const store_;
  absl::Mutex* const store_mu_;
  const ControllerConfig* const config_;
  const Clock* const clock_;
};

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_STORE_SERVICE_H_
