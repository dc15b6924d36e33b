// One alert as zfleet hands it to Alertmanager, independent of where it came from (the
// store's incidents, a test). Plain data; copyable.
#ifndef ZFLEET_CONTROLLER_ALERTS_ALERT_H_
#define ZFLEET_CONTROLLER_ALERTS_ALERT_H_

#include <map>
#include <optional>
#include <string>

#include "absl/time/time.h"

namespace zfleet::controller {

struct Alert {
  // Stable identity chosen by the caller ("incident:42"), unique per alert. Alertmanager
  // never sees it: it tells alerts apart by their labels, so two alerts with the same labels
  // are one alert there.
  std::string key;
  // alertname, host, pool, device, severity, kind… Empty values are left out of the payload.
  // Alertmanager refuses (HTTP 400) an alert without a non-empty label or with a label name
  // not matching [a-zA-Z_][a-zA-Z0-9_]*: the caller's fixed names must keep to that.
  std::map<std::string, std::string> labels;
  // summary, action, command… Empty values are left out too.
  std::map<std::string, std::string> annotations;
  absl::Time starts_at;
  // Set once the condition cleared.
  std::optional<absl::Time> resolved_at;
  // Optional link back to the source (Alertmanager's generatorURL); "" = none.
  std::string generator_url;

  bool operator==(const Alert&) const = default;
};

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_ALERTS_ALERT_H_
