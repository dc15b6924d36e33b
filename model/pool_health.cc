#include "model/pool_health.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "model/pool_status.h"

namespace zfleet {

PoolHealth EvaluatePool(const v1::PoolStatus& status) {
  PoolHealth health;
  if (status.has_data_errors()) health.data_errors = status.data_errors();
  if (status.has_device_errors()) health.device_errors = status.device_errors();

  if (status.state() != "ONLINE") {
    health.problems.push_back(
        absl::StrCat("state ", status.state().empty() ? "unknown" : status.state()));
  }
  if (health.data_errors.value_or(0) > 0) {
    health.problems.push_back(absl::StrCat(*health.data_errors, " data errors"));
  }
  if (status.devices_with_errors_size() > 0) {
    health.problems.push_back(
        absl::StrCat("device errors on ", absl::StrJoin(status.devices_with_errors(), ", ")));
  }
  if (!status.status_text().empty()) {
    health.problems.push_back(absl::StrCat("status: ", status.status_text()));
  }
  if (!status.host_reporting()) health.problems.push_back("host not reporting");
  return health;
}

PoolHealth EvaluatePool(const v1::PoolSummary& summary) {
  return EvaluatePool(PoolStatusOf(summary));
}

}  // namespace zfleet
