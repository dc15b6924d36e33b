#include "controller/events/incidents.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "controller/events/incident_notifications.h"
#include "controller/events/incident_plan.h"
#include "model/enum_names.h"
#include "model/pool_facts.h"

namespace zfleet::controller {
namespace {

constexpr int kTriageSamples = 10;

bool HasBadLeaf(const v1::Pool& pool) {
  bool bad = false;
  ForEachLeaf(pool, [&](const v1::Vdev& leaf) { bad |= LeafIsBad(leaf); });
  return bad;
}

absl::Status Apply(Store& store, const WebhookConfig& webhook, const IncidentPlan& plan,
                   absl::Time now) {
  std::vector<std::pair<int64_t, const v1::TriageItem*>> opened;
  RETURN_IF_ERROR(store.RunInTransaction([&]() -> absl::Status {
    opened.clear();
    for (const v1::TriageItem& item : plan.open) {
      ASSIGN_OR_RETURN(int64_t id, store.incidents().Open(item, now));
      opened.emplace_back(id, &item);
      RETURN_IF_ERROR(NotifyWebhooks(store, webhook, kIncidentOpened, id, now));
    }
    for (const auto& [id, item] : plan.update) {
      RETURN_IF_ERROR(store.incidents().Update(id, item, now));
      RETURN_IF_ERROR(NotifyWebhooks(store, webhook, kIncidentUpdated, id, now));
    }
    for (int64_t id : plan.resolve) {
      RETURN_IF_ERROR(store.incidents().Resolve(id, now));
      RETURN_IF_ERROR(NotifyWebhooks(store, webhook, kIncidentResolved, id, now));
    }
    return absl::OkStatus();
  }));
  for (const auto& [id, item] : opened) {
    spdlog::info("incident {} opened: {} {} {}: {}", id, SeverityName(item->severity()),
                 item->kind(), ConditionPlace(item->host_id(), item->pool(), item->subject()),
                 item->problem());
  }
  for (int64_t id : plan.resolve) spdlog::info("incident {} resolved", id);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<TriageInput> ReadTriageInput(Store& store, const ControllerConfig& config,
                                            absl::Time now, absl::Time watching_since) {
  TriageInput input;
  input.now = now;
  input.missing_after = config.MissingAfter();
  input.watching_since = watching_since;
  ASSIGN_OR_RETURN(input.pools, store.pools().ListNeedingAttention());
  for (const PoolRecord& p : input.pools) {
    if (!HasBadLeaf(p.pool)) continue;
    ASSIGN_OR_RETURN(DiskHistory history,
                     store.history().GetDiskHistory(p.host_id, p.pool.name(), kTriageSamples));
    input.disk_history[absl::StrCat(p.host_id, "/", p.pool.name())] = std::move(history);
  }
  ASSIGN_OR_RETURN(input.hosts, store.hosts().ListNeedingAttention(now - input.missing_after));
  ASSIGN_OR_RETURN(input.scrub_concerns, store.scan_watch().ListConcerns());
  return input;
}

absl::StatusOr<v1::TriageResponse> TriageWithIncidents(Store& store, const ControllerConfig& config,
                                                       absl::Time now, bool write,
                                                       absl::Time watching_since) {
  ASSIGN_OR_RETURN(TriageInput input, ReadTriageInput(store, config, now, watching_since));
  Triage triage = BuildTriage(input);
  ASSIGN_OR_RETURN(std::vector<v1::Incident> open, store.incidents().ListOpen());
  if (write) {
    const IncidentPlan plan = PlanIncidents(open, triage);
    if (!plan.open.empty() || !plan.update.empty() || !plan.resolve.empty()) {
      RETURN_IF_ERROR(Apply(store, config.webhook, plan, now));
      ASSIGN_OR_RETURN(open, store.incidents().ListOpen());
    }
  }
  absl::flat_hash_map<std::string, const v1::Incident*> by_key;
  absl::flat_hash_map<std::string, uint32_t> held_per_host;
  for (const v1::Incident& incident : open) {
    by_key[ConditionKey(incident.kind(), incident.host_id(), incident.pool(), incident.subject())] =
        &incident;
    if (triage.Holds(incident.host_id(), incident.kind())) ++held_per_host[incident.host_id()];
  }
  for (v1::TriageItem& item : *triage.response.mutable_items()) {
    auto it = by_key.find(ConditionKey(item.kind(), item.host_id(), item.pool(), item.subject()));
    if (it != by_key.end()) {
      item.set_incident_id(it->second->id());
      item.set_acknowledged_by(it->second->acknowledged_by());
    }
    auto root = triage.roots.find(item.host_id());
    if (root != triage.roots.end() && root->second == item.kind()) {
      item.set_held(held_per_host[item.host_id()]);
    }
  }
  return std::move(triage.response);
}

}  // namespace zfleet::controller
