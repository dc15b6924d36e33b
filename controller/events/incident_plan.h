// Incidents from triage: which to open, update and resolve so that the open incidents are
// exactly the conditions triage finds now. Pure: the caller reads and writes the store
// (incidents.h).
//
// An item opens an incident for its condition (kind, host, pool, subject) when none is
// open. An open incident whose item changed severity or value (e.g. 1 permanent error,
// then 23) is updated: the latest wording replaces the earlier one; its wording alone
// changing ("no progress for 2h5m", then 2h6m) is not an update. An open incident with no
// item resolves, unless triage holds it under its host's root cause (the host is missing,
// or its zpool does not answer): its state is unknown, not cleared.
#ifndef ZFLEET_CONTROLLER_EVENTS_INCIDENT_PLAN_H_
#define ZFLEET_CONTROLLER_EVENTS_INCIDENT_PLAN_H_

#include <cstdint>
#include <utility>
#include <vector>

#include "controller/events/triage.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::controller {

struct IncidentPlan {
  std::vector<v1::TriageItem> open;                        // new incidents
  std::vector<std::pair<int64_t, v1::TriageItem>> update;  // incident id, what it is now
  std::vector<int64_t> resolve;                            // incident ids
};

// `open`: the open incidents (IncidentTable::ListOpen). Listed and held items count alike:
// a held item keeps or opens its incident.
IncidentPlan PlanIncidents(const std::vector<v1::Incident>& open, const Triage& triage);

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_EVENTS_INCIDENT_PLAN_H_
