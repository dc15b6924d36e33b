// Turns one round of raw zpool outputs into the pools the agent reports: parse status,
// merge `zpool list` facts, and give every leaf a transport and scheduling class.
// Pure: no I/O.
#ifndef ZFLEET_AGENT_POOL_ASSEMBLY_H_
#define ZFLEET_AGENT_POOL_ASSEMBLY_H_

#include <vector>

#include "absl/status/statusor.h"
#include "agent/agent_config.h"
#include "agent/zpool_client.h"
#include "agent/zpool_status_parser.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::agent {

struct AssembledPools {
  std::vector<v1::Pool> pools;  // in `zpool list` order
  int unparsed_count = 0;       // unknown lines across the whole output
};

// Returns InvalidArgument when either output is not zpool output at all.
absl::StatusOr<AssembledPools> AssemblePools(const ZpoolOutputs& outputs,
                                             const AgentConfig& config,
                                             const StatusParseOptions& options);

// DESIGN.md's default class for a transport ("sata" → "sata", "virtio" → "virtual", …);
// "unknown" for file, loop and anything unrecognised.
std::string DefaultClassForTransport(absl::string_view transport);

}  // namespace zfleet::agent

#endif  // ZFLEET_AGENT_POOL_ASSEMBLY_H_
