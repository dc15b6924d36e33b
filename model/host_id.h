// What a host id is, for everyone who names one: the controller (a report's host_id, the
// CLI's HOST) and the PKI (an agent certificate's CN must be a host id the controller
// accepts). Pure.
#ifndef ZFLEET_MODEL_HOST_ID_H_
#define ZFLEET_MODEL_HOST_ID_H_

#include <cstddef>

#include "absl/strings/string_view.h"

namespace zfleet {

inline constexpr size_t kMaxHostIdLength = 253;

// 1 to kMaxHostIdLength characters, each a letter, digit, '.', '-' or '_'.
bool IsValidHostId(absl::string_view host_id);

}  // namespace zfleet

#endif  // ZFLEET_MODEL_HOST_ID_H_
