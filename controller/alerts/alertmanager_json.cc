#include "controller/alerts/alertmanager_json.h"

#include <algorithm>
#include <map>

#include "nlohmann/json.hpp"

namespace zfleet::controller {
namespace {

nlohmann::json NonEmpty(const std::map<std::string, std::string>& values) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [name, value] : values) {
    if (!value.empty()) out[name] = value;
  }
  return out;
}

}  // namespace

std::string FormatAlertTime(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", t, absl::UTCTimeZone());
}

std::string AlertmanagerJson(const std::vector<Alert>& alerts, absl::Time now,
                             absl::Duration expire_after) {
  nlohmann::json out = nlohmann::json::array();
  for (const Alert& alert : alerts) {
    nlohmann::json one = {
        {"labels", NonEmpty(alert.labels)},
        {"annotations", NonEmpty(alert.annotations)},
        {"startsAt", FormatAlertTime(alert.starts_at)},
        {"endsAt", FormatAlertTime(
                       std::max(alert.starts_at, alert.resolved_at.value_or(now + expire_after)))},
    };
    if (!alert.generator_url.empty()) one["generatorURL"] = alert.generator_url;
    out.push_back(std::move(one));
  }
  // Invalid UTF-8 in a label (a device name from a broken disk) must not throw: replace it.
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace zfleet::controller
