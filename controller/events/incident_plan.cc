#include "controller/events/incident_plan.h"

#include <string>

#include "absl/container/flat_hash_map.h"
#include "controller/store/incident_table.h"

namespace zfleet::controller {
namespace {

std::string KeyOf(const v1::TriageItem& item) {
  return ConditionKey(item.kind(), item.host_id(), item.pool(), item.subject());
}

void Plan(const v1::TriageItem& item,
          absl::flat_hash_map<std::string, const v1::Incident*>& unmatched, IncidentPlan& plan) {
  auto it = unmatched.find(KeyOf(item));
  if (it == unmatched.end()) {
    plan.open.push_back(item);
    return;
  }
  const v1::Incident& incident = *it->second;
  if (incident.severity() != item.severity() || incident.value() != item.value()) {
    plan.update.emplace_back(incident.id(), item);
  }
  unmatched.erase(it);
}

}  // namespace

IncidentPlan PlanIncidents(const std::vector<v1::Incident>& open, const Triage& triage) {
  absl::flat_hash_map<std::string, const v1::Incident*> unmatched;
  for (const v1::Incident& incident : open) {
    unmatched[ConditionKey(incident.kind(), incident.host_id(), incident.pool(),
                           incident.subject())] = &incident;
  }
  IncidentPlan plan;
  // Two items of one condition (a leaf listed twice) are one incident: the first wins.
  absl::flat_hash_map<std::string, bool> seen;
  auto each = [&](const v1::TriageItem& item) {
    if (!seen.emplace(KeyOf(item), true).second) return;
    Plan(item, unmatched, plan);
  };
  for (const v1::TriageItem& item : triage.response.items()) each(item);
  for (const v1::TriageItem& item : triage.held) each(item);
  for (const v1::Incident& incident : open) {
    const std::string key =
        ConditionKey(incident.kind(), incident.host_id(), incident.pool(), incident.subject());
    if (unmatched.contains(key) && !triage.Holds(incident.host_id(), incident.kind())) {
      plan.resolve.push_back(incident.id());
    }
  }
  return plan;
}

}  // namespace zfleet::controller
