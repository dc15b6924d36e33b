#include "controller/incident_alerts.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "controller/events/incident_notifications.h"
#include "model/enum_names.h"

namespace zfleet::controller {

std::string AlertName(const std::string& kind) {
  std::string name = "Zfleet";
  bool upper = true;
  for (char c : kind) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c))) {
      upper = true;
      continue;
    }
    name += upper ? absl::ascii_toupper(static_cast<unsigned char>(c)) : c;
    upper = false;
  }
  return name;
}

Alert IncidentAlert(const v1::Incident& i) {
  Alert a;
  a.key = absl::StrCat("incident:", i.id());
  a.labels["alertname"] = AlertName(i.kind());
  a.labels["kind"] = i.kind();
  a.labels["severity"] = std::string(SeverityName(WorstSeverity(i)));
  a.labels["host"] = i.host_id();
  a.labels["pool"] = i.pool();
  a.labels[i.kind() == "stack" ? "check" : "device"] = i.subject();
  a.annotations["summary"] = i.problem();
  a.annotations["action"] = i.action();
  a.annotations["command"] = IncidentCommand(i);
  a.annotations["incident"] = absl::StrCat(i.id());
  a.annotations["acknowledged_by"] = i.acknowledged_by();
  a.starts_at = absl::FromUnixSeconds(i.opened_at());
  if (i.has_resolved_at()) a.resolved_at = absl::FromUnixSeconds(i.resolved_at());
  return a;
}

std::vector<Alert> IncidentAlerts(const std::vector<v1::Incident>& incidents) {
  std::vector<Alert> alerts;
  alerts.reserve(incidents.size());
  for (const v1::Incident& i : incidents) alerts.push_back(IncidentAlert(i));
  return alerts;
}

}  // namespace zfleet::controller
