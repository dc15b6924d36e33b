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

// NotFound "unknown host H" unless the store knows `host_id`.
absl::Status CheckHost(Store& store, const std::string& host_id) {
  ASSIGN_OR_RETURN(std::optional<HostLiveness> host, store.hosts().GetLiveness(host_id));
  if (!host.has_value()) return absl::NotFoundError(absl::StrCat("unknown host ", host_id));
  return absl::OkStatus();
}

}  // namespace

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
  std::vector<v1::Event> events;
  RETURN_IF_ERROR(Read([&](Store& store) -> absl::Status {
    if (!filter.host_id.empty()) RETURN_IF_ERROR(CheckHost(store, filter.host_id));
    ASSIGN_OR_RETURN(events, store.events().List(filter));
    return absl::OkStatus();
  }));
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
  std::vector<v1::PoolChange> changes;
  std::vector<v1::ScrubRun> runs;
  RETURN_IF_ERROR(Read([&](Store& store) -> absl::Status {
    RETURN_IF_ERROR(CheckHost(store, request.host_id()));
    ASSIGN_OR_RETURN(changes,
                     store.history().ListPoolChanges(request.host_id(), request.pool(), limit));
    ASSIGN_OR_RETURN(runs, store.scrub_runs().List(request.host_id(), request.pool(), limit));
    return absl::OkStatus();
  }));
  v1::GetHistoryResponse response;
  for (v1::ScrubRun& run : runs) *response.add_scrub_runs() = std::move(run);
  for (v1::PoolChange& change : changes) *response.add_changes() = std::move(change);
  return response;
}

absl::StatusOr<v1::ListDisksResponse> EventQueries::ListDisks(const v1::ListDisksRequest& request) {
  std::vector<v1::Disk> disks;
  RETURN_IF_ERROR(Read([&](Store& store) -> absl::Status {
    if (!request.host_id().empty()) RETURN_IF_ERROR(CheckHost(store, request.host_id()));
    ASSIGN_OR_RETURN(disks,
                     store.history().ListDisks(request.model(), request.host_id(), kDiskSamples));
    return absl::OkStatus();
  }));
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
      TriageWithIncidents(*store_, *config_, now, /*write=*/true, watching_since_);
  if (triage.ok()) return triage;
  spdlog::warn("triage: incidents not updated: {}", triage.status().message());
  return TriageWithIncidents(*store_, *config_, now, /*write=*/false, watching_since_);
}

absl::StatusOr<v1::ListIncidentsResponse> EventQueries::ListIncidents(
    const v1::ListIncidentsRequest& request) {
  IncidentFilter filter;
  filter.resolved_too = request.all();
  filter.host_id = request.host_id();
  ASSIGN_OR_RETURN(filter.limit, RequestLimit(request.limit(), kDefaultEvents, kMaxEvents));
  std::vector<v1::Incident> incidents;
  RETURN_IF_ERROR(Read([&](Store& store) -> absl::Status {
    if (!filter.host_id.empty()) RETURN_IF_ERROR(CheckHost(store, filter.host_id));
    ASSIGN_OR_RETURN(incidents, store.incidents().List(filter));
    return absl::OkStatus();
  }));
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
                                                  std::vector<WebhookSinkMetrics> webhook_sinks,
                                                  const ReportPathMetrics& reports) {
  const absl::Time now = clock_->Now();
  MetricsInput input;
  input.alert_sinks = alert_sinks;
  input.reports = reports;
  // Counted in the writer's memory, not stored: thread-safe, no store lock needed.
  const std::map<std::string, int64_t> dropped = store_->notifications().overflow_dropped();
  for (WebhookSinkMetrics& s : webhook_sinks) {
    if (auto it = dropped.find(s.url); it != dropped.end()) s.overflow_dropped = it->second;
  }
  RETURN_IF_ERROR(Read([&](Store& store) -> absl::Status {
    for (WebhookSinkMetrics& s : webhook_sinks) {
      ASSIGN_OR_RETURN(s.queued, store.notifications().Pending(s.url));
    }
    ASSIGN_OR_RETURN(input.pools, store.pools().ListScrubStates());
    ASSIGN_OR_RETURN(input.leaves, store.pools().ListDevicesWithErrors());
    ASSIGN_OR_RETURN(input.concerns, store.scan_watch().ListConcerns());
    ASSIGN_OR_RETURN(std::vector<HostLiveness> hosts, store.hosts().ListLiveness());
    input.hosts = static_cast<int64_t>(hosts.size());
    for (const HostLiveness& h : hosts) {
      if (now - h.last_seen <= config_->MissingAfter()) ++input.hosts_reporting;
      if (h.zpool_stuck_since.has_value()) {
        input.zpool_not_answering.emplace_back(h.host_id, *h.zpool_stuck_since);
      }
    }
    ASSIGN_OR_RETURN(input.events, store.events().Count());
    ASSIGN_OR_RETURN(std::vector<v1::Incident> open, store.incidents().ListOpen());
    std::map<std::pair<std::string, std::string>, int64_t> counts;
    for (const v1::Incident& i : open) {
      ++counts[{std::string(SeverityName(i.severity())), i.kind()}];
    }
    input.open_incidents.assign(counts.begin(), counts.end());
    return absl::OkStatus();
  }));
  input.webhook_sinks = std::move(webhook_sinks);
  input.store_disk_full = store_->health().disk_full();
  input.store_disk_full_errors = store_->health().disk_full_errors();
  return RenderMetrics(input);
}

}  // namespace zfleet::controller
