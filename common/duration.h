// Human durations as used in configs and flags: "30s", "5m", "2h", "7d", "1h30m".
#ifndef ZFLEET_COMMON_DURATION_H_
#define ZFLEET_COMMON_DURATION_H_

#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace zfleet {

// Parses a sequence of <integer><unit> with units s, m, h, d, w. Returns
// InvalidArgument for empty input, a missing or unknown unit, or overflow.
absl::StatusOr<absl::Duration> ParseHumanDuration(absl::string_view text);

// Formats as the largest exact units, e.g. 90s → "1m30s", 7 days → "7d".
std::string FormatHumanDuration(absl::Duration d);

}  // namespace zfleet

#endif  // ZFLEET_COMMON_DURATION_H_
