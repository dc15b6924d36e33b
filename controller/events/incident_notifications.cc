#include "controller/events/incident_notifications.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "common/time_format.h"
#include "model/enum_names.h"
#include "nlohmann/json.hpp"

namespace zfleet::controller {
namespace {

using Json = nlohmann::ordered_json;

Json TimeOrNull(int64_t unix_seconds) {
  return unix_seconds == 0 ? Json() : Json(FormatRfc3339(unix_seconds));
}

Json TextOrNull(const std::string& text) { return text.empty() ? Json() : Json(text); }

std::string Summary(absl::string_view event, const v1::Incident& i) {
  std::string summary =
      absl::StrCat(absl::AsciiStrToUpper(SeverityName(i.severity())), " ",
                   ConditionPlace(i.host_id(), i.pool(), i.subject()), ": ", i.problem());
  if (event == kIncidentResolved) return absl::StrCat("RESOLVED ", summary);
  if (event == kIncidentAcknowledged) {
    absl::StrAppend(&summary, " (acknowledged by ", i.acknowledged_by(), ")");
  }
  return summary;
}

}  // namespace

std::string ConditionPlace(const std::string& host_id, const std::string& pool,
                           const std::string& subject) {
  std::string place = host_id;
  if (!pool.empty()) absl::StrAppend(&place, "/", pool);
  if (!subject.empty()) absl::StrAppend(&place, " ", subject);
  return place;
}

v1::Severity WorstSeverity(const v1::Incident& i) {
  return i.worst_severity() != v1::SEVERITY_UNSPECIFIED ? i.worst_severity() : i.severity();
}

std::string IncidentCommand(const v1::Incident& i) {
  return i.pool().empty() ? absl::StrCat("zfleet incidents --host ", i.host_id())
                          : absl::StrCat("zfleet pool ", i.host_id(), "/", i.pool());
}

std::string IncidentNotificationJson(absl::string_view event, const v1::Incident& i,
                                     absl::Time at) {
  Json incident;
  incident["id"] = i.id();
  incident["kind"] = i.kind();
  incident["severity"] = SeverityName(i.severity());
  incident["worst_severity"] = SeverityName(WorstSeverity(i));
  incident["host"] = i.host_id();
  incident["pool"] = TextOrNull(i.pool());
  incident["subject"] = TextOrNull(i.subject());
  incident["problem"] = i.problem();
  incident["action"] = TextOrNull(i.action());
  incident["value"] = i.value();
  incident["peak_value"] = i.peak_value();
  incident["updates"] = i.updates();
  incident["opened_at"] = TimeOrNull(i.opened_at());
  incident["updated_at"] = TimeOrNull(i.updated_at());
  incident["resolved_at"] = i.has_resolved_at() ? TimeOrNull(i.resolved_at()) : Json();
  incident["acknowledged_by"] = TextOrNull(i.acknowledged_by());
  incident["acknowledged_at"] = i.has_acknowledged_at() ? TimeOrNull(i.acknowledged_at()) : Json();
  Json doc;
  doc["event"] = event;
  doc["at"] = FormatRfc3339(absl::ToUnixSeconds(at));
  doc["summary"] = Summary(event, i);
  doc["command"] = IncidentCommand(i);
  doc["incident"] = std::move(incident);
  // Replacement, not an exception, for bytes that are not UTF-8 (a pool or device name).
  return doc.dump(-1, ' ', false, Json::error_handler_t::replace);
}

absl::Status NotifyWebhooks(Store& store, const WebhookConfig& webhook, absl::string_view event,
                            int64_t id, absl::Time now) {
  if (webhook.urls.empty()) return absl::OkStatus();
  ASSIGN_OR_RETURN(v1::Incident incident, store.incidents().Get(id));
  const size_t overflowing = store.notifications().overflow_dropped().size();
  RETURN_IF_ERROR(
      store.notifications()
          .Enqueue(IncidentNotificationJson(event, incident, now), webhook.urls, webhook.queue, now)
          .status());
  if (store.notifications().overflow_dropped().size() != overflowing) {
    // Once per URL and process: the count goes on in /metrics.
    spdlog::warn(
        "webhook queue full ({} notifications): the oldest are dropped "
        "(zfleet_webhook_notifications_dropped_total counts them)",
        webhook.queue);
  }
  return absl::OkStatus();
}

}  // namespace zfleet::controller
