// Names that cross the wire are checked once, at the edge.
#ifndef ZFLEET_CONTROLLER_VALIDATION_H_
#define ZFLEET_CONTROLLER_VALIDATION_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace zfleet::controller {

// IsValidHostId (model/host_id.h), with the reason when not.
absl::Status ValidateHostId(absl::string_view host_id);
// Pool names as ZFS allows them: start with a letter; letters, digits, '_', '-', '.', ':', ' '.
absl::Status ValidatePoolName(absl::string_view pool);
// How many rows a request asked for: InvalidArgument "limit must not be negative" when
// `requested` < 0; `by_default` when it is 0; else at most `max`.
absl::StatusOr<int> RequestLimit(int requested, int by_default, int max);

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_VALIDATION_H_
