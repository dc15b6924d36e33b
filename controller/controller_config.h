// controller.toml. Unknown keys and bad values are refused with "FILE:LINE: reason".
//
//   [agents]
//   report_interval = "30s"   # told to every agent in each reply
//   missing_after = 3         # report intervals without a report → host not reporting
#ifndef ZFLEET_CONTROLLER_CONTROLLER_CONFIG_H_
#define ZFLEET_CONTROLLER_CONTROLLER_CONFIG_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace zfleet::controller {

struct ControllerConfig {
  absl::Duration report_interval = absl::Seconds(30);
  int missing_after = 3;

  // How long a host may be silent before it counts as not reporting.
  absl::Duration MissingAfter() const { return report_interval * missing_after; }
};

absl::StatusOr<ControllerConfig> ParseControllerConfig(absl::string_view text,
                                                       absl::string_view source_name);
// Empty path = defaults. NotFound naming the path when it cannot be read.
absl::StatusOr<ControllerConfig> LoadControllerConfig(const std::string& path);

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_CONTROLLER_CONFIG_H_
