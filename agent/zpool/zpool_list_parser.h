// Parses `zpool list -H` / `zpool list -H -p` (tab-separated, default columns
// NAME SIZE ALLOC FREE [CKPOINT EXPANDSZ] [FRAG] CAP DEDUP HEALTH ALTROOT).
// Pure: no I/O.
#ifndef ZFLEET_AGENT_ZPOOL_ZPOOL_LIST_PARSER_H_
#define ZFLEET_AGENT_ZPOOL_ZPOOL_LIST_PARSER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::agent {

struct PoolListEntry {
  std::string name;
  std::optional<uint64_t> size_bytes;
  std::optional<uint64_t> allocated_bytes;
  std::optional<uint64_t> free_bytes;
  std::optional<uint32_t> fragmentation_percent;
  std::optional<uint32_t> capacity_percent;
  std::string health;
};

// Parses every line. The column layout is recognised by the number of fields (legacy 8,
// OpenZFS 0.6/0.7 10, OpenZFS 0.8+ 11). Sizes may be exact (-p) or suffixed ("123M").
// Returns InvalidArgument naming the line for a line with an unknown field count or a value
// that does not parse.
absl::StatusOr<std::vector<PoolListEntry>> ParseZpoolList(absl::string_view text);

// Copies the list facts onto `pool` (size, allocated, free, fragmentation, capacity, health).
// A fact absent from `entry` clears the field. Does not touch the name: matching entries to
// pools is the caller's job.
void ApplyListEntry(const PoolListEntry& entry, v1::Pool& pool);

}  // namespace zfleet::agent

#endif  // ZFLEET_AGENT_ZPOOL_ZPOOL_LIST_PARSER_H_
