// The body of Alertmanager's API v2 `POST /api/v2/alerts` for a batch of alerts. Pure.
#ifndef ZFLEET_CONTROLLER_ALERTS_ALERTMANAGER_JSON_H_
#define ZFLEET_CONTROLLER_ALERTS_ALERTMANAGER_JSON_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "controller/alerts/alert.h"

namespace zfleet::controller {

// "2026-11-21T09:48:23.250Z": RFC 3339 in UTC, milliseconds.
std::string FormatAlertTime(absl::Time t);

// A JSON array, one object per alert in order: {labels, annotations, startsAt, endsAt,
// generatorURL (only when set)}. Labels and annotations with an empty value are left out
// (Alertmanager treats empty as absent). A firing alert ends at `now + expire_after`, as
// Prometheus sends them: should zfleet stop sending, Alertmanager resolves it by itself. A
// resolved one ends at its resolved_at. endsAt is never before startsAt: Alertmanager
// refuses such an alert with HTTP 400, and the batch would be retried for ever.
std::string AlertmanagerJson(const std::vector<Alert>& alerts, absl::Time now,
                             absl::Duration expire_after);

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_ALERTS_ALERTMANAGER_JSON_H_
