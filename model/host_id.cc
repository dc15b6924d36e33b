#include "model/host_id.h"

#include <algorithm>

#include "absl/strings/ascii.h"

namespace zfleet {

bool IsValidHostId(absl::string_view host_id) {
  return !host_id.empty() && host_id.size() <= kMaxHostIdLength &&
         std::all_of(host_id.begin(), host_id.end(), [](char c) {
           return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' ||
                  c == '_';
         });
}

}  // namespace zfleet
