// What the CLI and Prometheus ask about history, events and triage, as plain calls (the
// gRPC FleetService and the metrics server are thin shells over this).
#ifndef ZFLEET_CONTROLLER_EVENT_QUERIES_H_
#define ZFLEET_CONTROLLER_EVENT_QUERIES_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/clock.h"
#include "controller/config/controller_config.h"
#include "controller/events/metrics.h"
#include "controller/store/store.h"
#include "controller/store_service.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::controller {

// Thread-safe. What only reads (ListEvents, GetHistory, ListDisks, ListIncidents, Metrics)
// goes to a reader, each call in one read transaction, so it never waits for a report; what
// writes (the acks, and Triage, which opens and updates incidents) goes to the writer under
// `store_mu`, shared with the other services. Store errors come back as Internal.
class EventQueries : public StoreService {
 public:
  using StoreService::StoreService;

  // When the controller started: triage counts no host's silence from before it
  // (events/triage.h). Set once, before any call.
  void set_watching_since(absl::Time since) { watching_since_ = since; }

  // Events last seen at or after request.since, last seen newest first. InvalidArgument
  // for an unknown min_severity or a negative limit; limit 0 means 1000, larger limits are
  // capped at 10000.
  absl::StatusOr<v1::ListEventsResponse> ListEvents(const v1::ListEventsRequest& request);
  // InvalidArgument when ids or by is empty. Unknown ids are listed, not an error.
  absl::StatusOr<v1::AckEventsResponse> AckEvents(const v1::AckEventsRequest& request);
  // Scrub runs and pool changes, newest first, `limit` of each (0 means 50, capped at
  // 1000). Also for pools no longer present. NotFound "unknown host H" / "unknown pool H/P".
  absl::StatusOr<v1::GetHistoryResponse> GetHistory(const v1::GetHistoryRequest& request);
  // Every disk of present pools with its last 20 counter samples. NotFound for an unknown
  // host_id.
  absl::StatusOr<v1::ListDisksResponse> ListDisks(const v1::ListDisksRequest& request);
  // triage.h, with each item's incident (incidents.h): incidents are brought in line first;
  // when the store cannot write, the triage comes with the incidents as stored. Empty
  // items: nothing needs attention.
  absl::StatusOr<v1::TriageResponse> Triage(const v1::TriageRequest& request);
  // Open incidents (most severe, then oldest first), with request.all the resolved ones
  // after them, newest first. InvalidArgument for a negative limit (0 means 1000, capped at
  // 10000); NotFound for an unknown host_id.
  absl::StatusOr<v1::ListIncidentsResponse> ListIncidents(const v1::ListIncidentsRequest& request);
  // InvalidArgument when ids or by is empty. Unknown ids are listed, not an error. Each
  // incident acknowledged now (not before) queues its webhook notification, in the same
  // transaction.
  absl::StatusOr<v1::AckIncidentsResponse> AckIncidents(const v1::AckIncidentsRequest& request);
  // The /metrics page (metrics.h), with the alert sink's and the webhook sender's counters
  // as given; each webhook's queue length and overflow drops come from the store (the
  // drops are the writer's count since the controller started).
  absl::StatusOr<std::string> Metrics(const std::vector<AlertSinkMetrics>& alert_sinks = {},
                                      std::vector<WebhookSinkMetrics> webhook_sinks = {},
                                      const ReportPathMetrics& reports = {});

 private:
  absl::Time watching_since_ = absl::InfinitePast();
};

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_EVENT_QUERIES_H_
