// Triage and incidents over the store: reads what triage needs, brings the incidents in
// line with it (incident_plan.h) and returns the triage with each item's incident.
//
// Thread-compatible, like Store: callers hold the controller's store mutex.
#ifndef ZFLEET_CONTROLLER_EVENTS_INCIDENTS_H_
#define ZFLEET_CONTROLLER_EVENTS_INCIDENTS_H_

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "controller/config/controller_config.h"
#include "controller/events/triage.h"
#include "controller/store/store.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::controller {

// Pools and hosts needing attention, their disks' recent counters and the scrub concerns.
absl::StatusOr<TriageInput> ReadTriageInput(Store& store, const ControllerConfig& config,
                                            absl::Time now, absl::Time watching_since);

// Triage at `now`. With `write`, opens, updates and resolves incidents, each change with its
// webhook notification (one transaction, REQUIRES: none open), and logs each opened and
// resolved one. Each listed item carries its
// open incident's id and acknowledgement (0 and "" when it has none, e.g. without `write`
// before the tick opened it); a root cause carries how many open incidents it holds.
// Returns the store's error; nothing is written then. `watching_since`: when the controller
// started (TriageInput).
absl::StatusOr<v1::TriageResponse> TriageWithIncidents(
    Store& store, const ControllerConfig& config, absl::Time now, bool write,
    absl::Time watching_since = absl::InfinitePast());

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_EVENTS_INCIDENTS_H_
