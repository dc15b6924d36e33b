// Incidents as webhook notifications ([webhook]): what happened to an incident (opened,
// updated, acknowledged, resolved) as one JSON document, queued for every webhook URL in
// the store (notification_table.h) inside the caller's transaction, so the notification
// exists exactly when the change does.
//
// The body (the sender adds "id", the notification's number, first):
//   {"event": "opened", "at": "2026-12-03T05:00:00Z",
//    "summary": "CRITICAL st-01/tank /dev/sdb: /dev/sdb is FAULTED",
//    "command": "zfleet pool st-01/tank",
//    "incident": {"id": 12, "kind": "bad_disk", "severity": "critical",
//                 "worst_severity": "critical", "host": "st-01", "pool": "tank",
//                 "subject": "/dev/sdb", "problem": "…", "action": "…", "value": 0,
//                 "peak_value": 0, "updates": 0, "opened_at": "…", "updated_at": "…",
//                 "resolved_at": null, "acknowledged_by": null, "acknowledged_at": null}}
#ifndef ZFLEET_CONTROLLER_EVENTS_INCIDENT_NOTIFICATIONS_H_
#define ZFLEET_CONTROLLER_EVENTS_INCIDENT_NOTIFICATIONS_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "controller/config/controller_config.h"
#include "controller/store/store.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::controller {

// What happened to an incident.
inline constexpr absl::string_view kIncidentOpened = "opened";
inline constexpr absl::string_view kIncidentUpdated = "updated";
inline constexpr absl::string_view kIncidentAcknowledged = "acknowledged";
inline constexpr absl::string_view kIncidentResolved = "resolved";

// "host/pool subject" (pool and subject when set): where a condition is, for people.
std::string ConditionPlace(const std::string& host_id, const std::string& pool,
                           const std::string& subject);

// The worst severity the incident reached (its severity when none is recorded).
v1::Severity WorstSeverity(const v1::Incident& incident);

// The zfleet command that shows the incident: "zfleet pool HOST/POOL", or "zfleet incidents
// --host HOST" for a host's own problem.
std::string IncidentCommand(const v1::Incident& incident);

// The notification's JSON body (above) for `event` of `incident` at `at`. Pure.
std::string IncidentNotificationJson(absl::string_view event, const v1::Incident& incident,
                                     absl::Time at);

// Queues `event` of incident `id` (as the store has it now) for every URL of `webhook`; does
// nothing without one. REQUIRES: inside a transaction with the change it tells of.
absl::Status NotifyWebhooks(Store& store, const WebhookConfig& webhook, absl::string_view event,
                            int64_t id, absl::Time now);

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_EVENTS_INCIDENT_NOTIFICATIONS_H_
