#include "controller/event_queries.h"

#include <algorithm>
#include <map>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "controller/events/incident_notifications.h"
#include "controller/events/incidents.h"
#include "controller/events/metrics.h"
#include "controller/validation.h"
#include "model/enum_names.h"
#include "model/pool_facts.h"

namespace zfleet::controller {
namespace {

constexpr int kDefaultEvents = 1000;
constexpr int kMaxEvents = 10000;
constexpr int kDefaultHistory = 50;
constexpr int kMaxHistory = 1000;
constexpr int kDiskSamples = 20;

}  // namespace

absl::Status EventQueries::CheckHost(const std::string& host_id) {
  ASSIGN_OR_RETURN(std::optional<HostLiveness> host, store_->hosts().GetLiveness(host_id));
  if (!host.has_value()) return absl::NotFoundError(absl::StrCat("unknown host ", host_id));
  return absl::OkStatus();
}

absl::StatusOr<v1::ListEventsResponse> EventQueries::ListEvents(
    const v1::ListEventsRequest& request) {
  EventFilter filter;
  if (!request.min_severity().empty()) {
    filter.min_severity = ParseSeverity(request.min_severity());
    if (!filter.min_severity.has_value()) {
      return absl::InvalidArgumentError(absl::StrCat("unknown severity '", request.min_severity(),
                                                     "' (use info, warning or critical)"));
    }
  }
  ASSIGN_OR_RETURN(filter.limit, RequestLimit(request.limit(), kDefaultEvents, kMaxEvents));
  if (request.since() > 0) filter.since = absl::FromUnixSeconds(request.since());
  filter.host_id = request.host_id();
  filter.unacknowledged_only = request.unacknowledged_only();
  absl::MutexLock lock(store_mu_);
  if (!filter.host_id.empty()) RETURN_IF_ERROR(CheckHost(filter.host_id));
  ASSIGN_OR_RETURN(std::vector<v1::Event> events, store_->events().List(filter));
  v1::ListEventsResponse response;
  for (v1::Event& e : events) *response.add_events() = std::move(e);
  return response;
}

absl::StatusOr<v1::AckEventsResponse> EventQueries::AckEvents(const v1::AckEventsRequest& request) {
  if (request.ids().empty()) return absl::InvalidArgumentError("no event ids to acknowledge");
  if (request.by().empty()) return absl::InvalidArgumentError("by (who acknowledges) is empty");
  const std::vector<int64_t> ids(request.ids().begin(), request.ids().end());
  const absl::Time now = clock_->Now();
  absl::MutexLock lock(store_mu_);
  ASSIGN_OR_RETURN(AckResult result, store_->events().Ack(ids, request.by(), now));
  v1::AckEventsResponse response;
  for (int64_t id : result.acknowledged) response.add_acknowledged(id);
  for (int64_t id : result.unknown) response.add_unknown(id);
  return response;
}

absl::StatusOr<v1::GetHistoryResponse> EventQueries::GetHistory(
    const v1::GetHistoryRequest& request) {
  ASSIGN_OR_RETURN(const int limit, RequestLimit(request.limit(), kDefaultHistory, kMaxHistory));
  absl::MutexLock lock(store_mu_);
  RETURN_IF_ERROR(CheckHost(request.host_id()));
  ASSIGN_OR_RETURN(std::vector<v1::PoolChange> changes,
                   store_->history().ListPoolChanges(request.host_id(), request.pool(), limit));
  ASSIGN_OR_RETURN(std::vector<v1::ScrubRun> runs,
                   store_->scrub_runs().List(request.host_id(), request.pool(), limit));
  v1::GetHistoryResponse response;
  for (v1::ScrubRun& run : runs) *response.add_scrub_runs() = std::move(run);
  for (v1::PoolChange& change : changes) *response.add_changes() = std::move(change);
  return response;
}

absl::StatusOr<v1::ListDisksResponse> EventQueries::ListDisks(const v1::ListDisksRequest& request) {
  absl::MutexLock lock(store_mu_);
  if (!request.host_id().empty()) RETURN_IF_ERROR(CheckHost(request.host_id()));
  ASSIGN_OR_RETURN(std::vector<v1::Disk> disks,
                   store_->history().ListDisks(request.model(), request.host_id(), kDiskSamples));
  v1::ListDisksResponse response;
  for (v1::Disk& disk : disks) *response.add_disks() = std::move(disk);
  return response;
}

absl::StatusOr<v1::TriageResponse> EventQueries::Triage(const v1::TriageRequest& request) {
  const absl::Time now = clock_->Now();
  absl::MutexLock lock(store_mu_);
  // Opening the incidents of what the tick has not seen yet gives every item an id to ack;
  // a store that cannot write (a full disk) still answers, with the incidents it has.
  absl::StatusOr<v1::TriageResponse> triage =
      TriageWithIncidents(*store_, *config_, now, /*write=*/true);
  if (triage.ok()) return triage;
  spdlog::warn("triage: incidents not updated: {}", triage.status().message());
  return TriageWithIncidents(*store_, *config_, now, /*write=*/false);
}

absl::StatusOr<v1::ListIncidentsResponse> EventQueries::ListIncidents(
    const v1::ListIncidentsRequest& request) {
  IncidentFilter filter;
  filter.resolved_too = request.all();
  filter.host_id = request.host_id();
  ASSIGN_OR_RETURN(filter.limit, RequestLimit(request.limit(), kDefaultEvents, kMaxEvents));
  absl::MutexLock lock(store_mu_);
  if (!filter.host_id.empty()) RETURN_IF_ERROR(CheckHost(filter.host_id));
  ASSIGN_OR_RETURN(std::vector<v1::Incident> incidents, store_->incidents().List(filter));
  v1::ListIncidentsResponse response;
  for (v1::Incident& incident : incidents) *response.add_incidents() = std::move(incident);
  return response;
}

absl::StatusOr<v1::AckIncidentsResponse> EventQueries::AckIncidents(
    const v1::AckIncidentsRequest& request) {
  if (request.ids().empty()) return absl::InvalidArgumentError("no incident ids to acknowledge");
  if (request.by().empty()) return absl::InvalidArgumentError("by (who acknowledges) is empty");
  const std::vector<int64_t> ids(request.ids().begin(), request.ids().end());
  const absl::Time now = clock_->Now();
  absl::MutexLock lock(store_mu_);
  AckResult result;
  RETURN_IF_ERROR(store_->RunInTransaction([&]() -> absl::Status {
    ASSIGN_OR_RETURN(result, store_->incidents().Ack(ids, request.by(), now));
    for (int64_t id : result.newly_acknowledged) {
      RETURN_IF_ERROR(NotifyWebhooks(*store_, config_->webhook, kIncidentAcknowledged, id, now));
    }
    return absl::OkStatus();
  }));
  v1::AckIncidentsResponse response;
  for (int64_t id : result.acknowledged) response.add_acknowledged(id);
  for (int64_t id : result.unknown) response.add_unknown(id);
  return response;
}

absl::StatusOr<std::string> EventQueries::Metrics(const std::vector<AlertSinkMetrics>& alert_sinks,
                                                  std::vector<WebhookSinkMetrics> webhook_sinks) {
  const absl::Time now = clock_->Now();
  MetricsInput input;
  input.alert_sinks = alert_sinks;
  {
    absl::MutexLock lock(store_mu_);
    for (WebhookSinkMetrics& s : webhook_sinks) {
      ASSIGN_OR_RETURN(s.queued, store_->notifications().Pending(s.url));
      const auto& dropped = store_->notifications().overflow_dropped();
      if (auto it = dropped.find(s.url); it != dropped.end()) s.overflow_dropped = it->second;
    }
    input.webhook_sinks = std::move(webhook_sinks);
    ASSIGN_OR_RETURN(input.pools, store_->pools().ListScrubStates());
    ASSIGN_OR_RETURN(input.leaves, store_->pools().ListDevicesWithErrors());
    ASSIGN_OR_RETURN(input.concerns, store_->scan_watch().ListConcerns());
    ASSIGN_OR_RETURN(std::vector<HostLiveness> hosts, store_->hosts().ListLiveness());
    input.hosts = static_cast<int64_t>(hosts.size());
    for (const HostLiveness& h : hosts) {
      if (now - h.last_seen <= config_->MissingAfter()) ++input.hosts_reporting;
      if (h.zpool_stuck_since.has_value()) {
        input.zpool_not_answering.emplace_back(h.host_id, *h.zpool_stuck_since);
      }
    }
    ASSIGN_OR_RETURN(input.events, store_->events().Count());
    ASSIGN_OR_RETURN(std::vector<v1::Incident> open, store_->incidents().ListOpen());
    std::map<std::pair<std::string, std::string>, int64_t> counts;
    for (const v1::Incident& i : open) {
      ++counts[{std::string(SeverityName(i.severity())), i.kind()}];
    }
    input.open_incidents.assign(counts.begin(), counts.end());
  }
  input.store_disk_full = store_->health().disk_full();
  input.store_disk_full_errors = store_->health().disk_full_errors();
  return RenderMetrics(input);
}

}  // namespace zfleet::controller
