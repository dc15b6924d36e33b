#include "agent/autonomy/autonomy_policy.h"

#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"

namespace zfleet::agent {

absl::StatusOr<AutonomyPolicy> ReadAutonomyPolicy(const v1::AgentPolicy& policy,
                                                  absl::Time contact) {
  AutonomyPolicy out;
  out.wire = policy;
  out.contact = contact;
  if (policy.autonomous_after_s() < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("autonomous_after_s is negative (", policy.autonomous_after_s(), ")"));
  }
  out.autonomous_after = absl::Seconds(policy.autonomous_after_s());
  for (const v1::ClassCadence& cls : policy.classes()) {
    const std::optional<DiskClass> c = ParseDiskClass(cls.disk_class());
    if (!c.has_value()) continue;
    ClassPolicy& target = out.cadence.classes[static_cast<int>(*c)];
    if (cls.interval_s() <= 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("class ", cls.disk_class(), ": interval_s must be positive"));
    }
    target.interval = absl::Seconds(cls.interval_s());
    if (cls.windows().empty()) continue;  // always open
    absl::StatusOr<ScrubWindows> windows =
        ScrubWindows::Parse(std::vector<std::string>(cls.windows().begin(), cls.windows().end()));
    if (!windows.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("class ", cls.disk_class(), ": ", windows.status().message()));
    }
    target.windows = *std::move(windows);
  }
  if (!policy.timezone().empty()) {
    out.cadence.timezone_name = policy.timezone();
    if (!absl::LoadTimeZone(policy.timezone(), &out.cadence.timezone)) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown time zone \"", policy.timezone(), "\" on this host"));
    }
  }
  out.cadence.skip_states.assign(policy.skip_states().begin(), policy.skip_states().end());
  if (!policy.at_window_end().empty()) {
    const std::optional<WindowEndAction> action = ParseWindowEndAction(policy.at_window_end());
    if (!action.has_value()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "at_window_end must be pause, stop or continue, not \"", policy.at_window_end(), "\""));
    }
    out.cadence.at_window_end = *action;
  }
  if (policy.max_per_host() < 1 || policy.max_per_host() > 1000) {
    return absl::InvalidArgumentError(
        absl::StrCat("max_per_host must be 1 to 1000, not ", policy.max_per_host()));
  }
  out.max_per_host = static_cast<int>(policy.max_per_host());
  out.load_threshold = policy.load_threshold();
  for (const v1::PoolCadence& pool : policy.pools()) out.pools[pool.pool()] = pool;
  return out;
}

}  // namespace zfleet::agent
