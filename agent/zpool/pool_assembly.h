// Turns one round of raw zpool outputs into the pools the agent reports: parse status (text
// or JSON, as collected) and merge `zpool list` facts. Leaves get their disk identity and
// class from disks/ afterwards. Pure: no I/O.
#ifndef ZFLEET_AGENT_ZPOOL_POOL_ASSEMBLY_H_
#define ZFLEET_AGENT_ZPOOL_POOL_ASSEMBLY_H_

#include <vector>

#include "absl/status/statusor.h"
#include "agent/zpool/zpool_client.h"
#include "agent/zpool/zpool_status_parser.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::agent {

struct AssembledPools {
  std::vector<v1::Pool> pools;  // in `zpool list` order
  int unparsed_count = 0;       // unknown lines across the whole output
};

// Parses `outputs.status_text` with the JSON parser when `outputs.status_is_json`, else with
// the text parser. Pools come in `zpool list` order; a listed pool missing from status gets
// list's facts only. When list names no pool, status is not parsed (text zpool prints
// "no pools available" on stderr only) and the result is empty. Every string is valid UTF-8
// (what proto3 requires of the report): a byte that is not, as in a file name in another
// encoding, is written as "\xNN". Returns InvalidArgument when either output is not zpool
// output at all.
absl::StatusOr<AssembledPools> AssemblePools(const ZpoolOutputs& outputs,
                                             const StatusParseOptions& options);

}  // namespace zfleet::agent

#endif  // ZFLEET_AGENT_ZPOOL_POOL_ASSEMBLY_H_
