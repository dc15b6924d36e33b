// A FleetApi with canned answers that records what the commands asked for, so whole
// commands run in tests without a controller.
#ifndef ZFLEET_TESTS_CLI_FAKE_FLEET_API_H_
#define ZFLEET_TESTS_CLI_FAKE_FLEET_API_H_

#include <algorithm>
#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "cli/fleet_client.h"
#include "cli/render/render_status.h"

namespace zfleet::cli {

struct FakeFleet {
  v1::ListHostsResponse hosts;
  v1::ListPoolsResponse pools;
  v1::GetScheduleResponse schedule;
  v1::GetHistoryResponse history;
  v1::ListEventsResponse events;
  std::vector<int64_t> known_event_ids;  // AckEvents acknowledges these, reports the rest
  v1::ListIncidentsResponse incidents;
  // GetPool's replies in turn (the last one repeats); empty: pools.pools(0).
  std::vector<absl::StatusOr<v1::GetPoolResponse>> pool_replies;
  std::vector<int64_t> known_incident_ids;  // AckIncidents, likewise
  v1::ListDisksResponse disks;
  v1::TriageResponse triage;
  v1::WhoAmIResponse whoami;
  v1::ListAuditResponse audit;
  v1::ForgetHostResponse forget;
  v1::CancelQueuedResponse cancel_queued;
  absl::Status error;  // when set, every call fails with it
  // GetStatus answers as a controller that predates its request's filter and limit: every
  // pool, no summary.
  bool status_predates_limit = false;

  std::vector<v1::GetPoolRequest> get_pool;
  std::vector<v1::RequestScrubRequest> scrub;
  std::vector<v1::GetHistoryRequest> get_history;
  std::vector<v1::ListEventsRequest> list_events;
  std::vector<v1::AckEventsRequest> ack_events;
  std::vector<v1::ListIncidentsRequest> list_incidents;
  std::vector<v1::AckIncidentsRequest> ack_incidents;
  std::vector<v1::ListDisksRequest> list_disks;
  std::vector<v1::ListAuditRequest> list_audit;
  std::vector<v1::GetStatusRequest> get_status;
  std::vector<v1::ForgetHostRequest> forget_host;
  std::vector<v1::CancelQueuedRequest> cancel_queued_requests;
  int get_schedule_calls = 0;
  int triage_calls = 0;
  int whoami_calls = 0;
};

class FakeFleetApi final : public FleetApi {
 public:
  explicit FakeFleetApi(FakeFleet* fleet) : fleet_(fleet) {}

  absl::StatusOr<v1::ListHostsResponse> ListHosts() override {
    if (!fleet_->error.ok()) return fleet_->error;
    return fleet_->hosts;
  }
  absl::StatusOr<v1::ListPoolsResponse> ListPools() override {
    if (!fleet_->error.ok()) return fleet_->error;
    return fleet_->pools;
  }
  absl::StatusOr<v1::GetPoolResponse> GetPool(const v1::GetPoolRequest& request) override {
    fleet_->get_pool.push_back(request);
    if (!fleet_->error.ok()) return fleet_->error;
    if (!fleet_->pool_replies.empty()) {
      absl::StatusOr<v1::GetPoolResponse> reply = fleet_->pool_replies.front();
      if (fleet_->pool_replies.size() > 1) fleet_->pool_replies.erase(fleet_->pool_replies.begin());
      return reply;
    }
    v1::GetPoolResponse response;
    *response.mutable_pool() = fleet_->pools.pools(0);
    return response;
  }
  absl::StatusOr<v1::RequestScrubResponse> RequestScrub(
      const v1::RequestScrubRequest& request) override {
    fleet_->scrub.push_back(request);
    if (!fleet_->error.ok()) return fleet_->error;
    v1::RequestScrubResponse response;
    response.set_command_id("abc");
    response.set_scrub_run_id(12);
    return response;
  }
  absl::StatusOr<v1::GetScheduleResponse> GetSchedule() override {
    ++fleet_->get_schedule_calls;
    if (!fleet_->error.ok()) return fleet_->error;
    return fleet_->schedule;
  }
  absl::StatusOr<v1::GetHistoryResponse> GetHistory(const v1::GetHistoryRequest& request) override {
    fleet_->get_history.push_back(request);
    if (!fleet_->error.ok()) return fleet_->error;
    return fleet_->history;
  }
  absl::StatusOr<v1::ListEventsResponse> ListEvents(const v1::ListEventsRequest& request) override {
    fleet_->list_events.push_back(request);
    if (!fleet_->error.ok()) return fleet_->error;
    return fleet_->events;
  }
  absl::StatusOr<v1::AckEventsResponse> AckEvents(const v1::AckEventsRequest& request) override {
    fleet_->ack_events.push_back(request);
    if (!fleet_->error.ok()) return fleet_->error;
    return Acknowledge<v1::AckEventsResponse>(request.ids(), fleet_->known_event_ids);
  }
  absl::StatusOr<v1::ListIncidentsResponse> ListIncidents(
      const v1::ListIncidentsRequest& request) override {
    fleet_->list_incidents.push_back(request);
    if (!fleet_->error.ok()) return fleet_->error;
    return fleet_->incidents;
  }
  absl::StatusOr<v1::AckIncidentsResponse> AckIncidents(
      const v1::AckIncidentsRequest& request) override {
    fleet_->ack_incidents.push_back(request);
    if (!fleet_->error.ok()) return fleet_->error;
    return Acknowledge<v1::AckIncidentsResponse>(request.ids(), fleet_->known_incident_ids);
  }
  template <typename Response>
  static Response Acknowledge(const google::protobuf::RepeatedField<int64_t>& ids,
                              const std::vector<int64_t>& known) {
    Response response;
    for (int64_t id : ids) {
      if (std::find(known.begin(), known.end(), id) != known.end()) {
        response.add_acknowledged(id);
      } else {
        response.add_unknown(id);
      }
    }
    return response;
  }
  absl::StatusOr<v1::ListDisksResponse> ListDisks(const v1::ListDisksRequest& request) override {
    fleet_->list_disks.push_back(request);
    if (!fleet_->error.ok()) return fleet_->error;
    return fleet_->disks;
  }
  absl::StatusOr<v1::TriageResponse> Triage() override {
    ++fleet_->triage_calls;
    if (!fleet_->error.ok()) return fleet_->error;
    return fleet_->triage;
  }
  // The controller's compact answer for the same fleet as ListHosts + ListPools.
  absl::StatusOr<v1::GetStatusResponse> GetStatus(const v1::GetStatusRequest& request) override {
    fleet_->get_status.push_back(request);
    if (!fleet_->error.ok()) return fleet_->error;
    if (!fleet_->status_predates_limit) {
      return StatusFromLists(fleet_->hosts, fleet_->pools, request);
    }
    v1::GetStatusResponse all = StatusFromLists(fleet_->hosts, fleet_->pools, {});
    all.clear_summary();
    return all;
  }
  absl::StatusOr<v1::WhoAmIResponse> WhoAmI() override {
    ++fleet_->whoami_calls;
    if (!fleet_->error.ok()) return fleet_->error;
    return fleet_->whoami;
  }
  absl::StatusOr<v1::ListAuditResponse> ListAudit(const v1::ListAuditRequest& request) override {
    fleet_->list_audit.push_back(request);
    if (!fleet_->error.ok()) return fleet_->error;
    return fleet_->audit;
  }
  absl::StatusOr<v1::ForgetHostResponse> ForgetHost(
      const v1::ForgetHostRequest& request) override {
    fleet_->forget_host.push_back(request);
    if (!fleet_->error.ok()) return fleet_->error;
    return fleet_->forget;
  }
  absl::StatusOr<v1::CancelQueuedResponse> CancelQueued(
      const v1::CancelQueuedRequest& request) override {
    fleet_->cancel_queued_requests.push_back(request);
    if (!fleet_->error.ok()) return fleet_->error;
    return fleet_->cancel_queued;
  }

 private:
  FakeFleet* fleet_;
};

}  // namespace zfleet::cli

#endif  // ZFLEET_TESTS_CLI_FAKE_FLEET_API_H_
