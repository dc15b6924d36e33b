// Names that cross the wire are checked once, at the edge.
#ifndef ZFLEET_CONTROLLER_VALIDATION_H_
#define ZFLEET_CONTROLLER_VALIDATION_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace zfleet::controller {

// IsValidHostId (model/host_id.h), with the reason when not.
absl::Status ValidateHostId(absl::string_view host_id);
// Pool names as ZFS allows them: start with a letter; letters, digits, '_', '-', '.', ':', ' '.
absl::Status ValidatePoolName(absl::string_view pool);

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_VALIDATION_H_
