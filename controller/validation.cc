#include "controller/validation.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "model/host_id.h"

namespace zfleet::controller {

absl::Status ValidateHostId(absl::string_view host_id) {
  if (host_id.empty() || host_id.size() > kMaxHostIdLength) {
    return absl::InvalidArgumentError("host id must be 1 to 253 characters");
  }
  if (!IsValidHostId(host_id)) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad host id \"", host_id, "\": use letters, digits, '.', '-', '_'"));
  }
  return absl::OkStatus();
}

absl::Status ValidatePoolName(absl::string_view pool) {
  if (pool.empty() || pool.size() > 255 ||
      !absl::ascii_isalpha(static_cast<unsigned char>(pool[0]))) {
    return absl::InvalidArgumentError(absl::StrCat("bad pool name \"", pool, "\""));
  }
  for (char c : pool) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) &&
        absl::string_view("_-.: ").find(c) == absl::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat("bad pool name \"", pool, "\""));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<int> RequestLimit(int requested, int by_default, int max) {
  if (requested < 0) return absl::InvalidArgumentError("limit must not be negative");
  return requested == 0 ? by_default : std::min(requested, max);
}

}  // namespace zfleet::controller
