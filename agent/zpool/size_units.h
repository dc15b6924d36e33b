// zpool's human numbers: "0", "544K", "20.5M", "1.2K" (= 1228), "1.00T", "0B".
#ifndef ZFLEET_AGENT_ZPOOL_SIZE_UNITS_H_
#define ZFLEET_AGENT_ZPOOL_SIZE_UNITS_H_

#include <cstdint>
#include <optional>
#include "absl/strings/string_view.h"

namespace zfleet::agent {

// Parses a number with an optional binary suffix (B, K, M, G, T, P, E; powers of 1024),
// truncating toward zero as zpool's rounding loses precision anyway. "-" and "" are
// nullopt; so is anything that is not a number.
std::optional<uint64_t> ParseZpoolNumber(absl::string_view text);

}  // namespace zfleet::agent

#endif  // ZFLEET_AGENT_ZPOOL_SIZE_UNITS_H_
