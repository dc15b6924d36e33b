// Incidents as Alertmanager alerts: one alert per incident. Pure.
//
// Labels (what Alertmanager groups, routes and deduplicates by): alertname (Zfleet + the
// kind in CamelCase: ZfleetBadDisk, ZfleetDataErrors, ZfleetHostMissing…), kind, severity
// (the worst the incident reached, so it changes at most twice in its life: a label that
// changes makes another alert in Alertmanager, and the earlier one expires on its own
// endsAt), host, pool, device (bad_disk) or check (stack). Annotations: summary (the
// problem), action, command (the zfleet command that shows it), incident (the id to ack),
// acknowledged_by. startsAt is when it opened; a resolved incident carries resolved_at.
#ifndef ZFLEET_CONTROLLER_INCIDENT_ALERTS_H_
#define ZFLEET_CONTROLLER_INCIDENT_ALERTS_H_

#include <string>
#include <vector>

#include "controller/alerts/alert.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::controller {

Alert IncidentAlert(const v1::Incident& incident);
std::vector<Alert> IncidentAlerts(const std::vector<v1::Incident>& incidents);

// "bad_disk" → "ZfleetBadDisk".
std::string AlertName(const std::string& kind);

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_INCIDENT_ALERTS_H_
