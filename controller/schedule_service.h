// The scheduler inside the running controller: builds the fleet snapshot from the store,
// asks the pure scheduler (scheduler.h) what to do, and turns its actions into agent
// commands and scrub runs. Also answers `zfleet schedule` with the same snapshot.
//
// The snapshot is read in bulk (a few queries for the whole fleet, none per host or pool)
// on a reader (store_service.h), so a tick over a large fleet does not hold up the reports.
// Only the decisions are written under the writer's lock, and each is first checked there
// against what the store holds now: an action on a pool that got a pending command or
// whose open run changed since the snapshot (a person's request, an agent's report) is
// left for the next tick, which decides on the new state.
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

// Thread-safe: the writes under `store_mu`, shared with the other services; the plan under a
// lock of its own, never held while waiting for the store.
class ScheduleService : public StoreService {
 public:
  using StoreService::StoreService;

  // When the controller started: a host's silence counts from then at the earliest, as for
  // the liveness events (SilentTooLong), so that after a restart its hosts are planned as
  // reporting until they have had missing_after to report (HostSnapshot::expected_back).
  // Nothing starts on one before it reports. Call before Tick.
  void set_watching_since(absl::Time since) { watching_since_ = since; }

  // Fails the commands that expired unanswered (command_expiry.h), then evaluates the
  // schedule now and queues the commands it decides, each expiring at the end of the window
  // it is meant for (a class always open, a pause or a stop: in kRequestLifetime), but for
  // the pools that moved since they were read (above). Returns the store's error; nothing
  // is half-applied (one transaction each).
  absl::Status Tick();

  // The schedule as it stands, without acting on it.
  absl::StatusOr<v1::GetScheduleResponse> GetSchedule();

 private:
  struct Inputs;
  // The fleet as `store` holds it at `now`, in a few bulk reads: run it inside one read
  // transaction (or under the writer's lock) so they agree.
  absl::StatusOr<Inputs> Gather(Store& store, absl::Time now) const;
  // Queues `decision`'s actions in one transaction, each checked against the store first.
  absl::Status Apply(const Inputs& in, const Decision& decision, absl::Time now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(store_mu_);

  absl::Time watching_since_ = absl::InfinitePast();
  absl::Mutex plan_mu_;
  // What Tick acts on and GetSchedule shows: the same plan (standing_plan.h).
  StandingPlan plan_ ABSL_GUARDED_BY(plan_mu_);
};

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_SCHEDULE_SERVICE_H_
