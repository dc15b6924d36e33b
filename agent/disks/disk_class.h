// The scheduling class of a leaf vdev: the agent's override for its pool or device when one
// matches, else the default of its transport (docs/DESIGN.md). disks/ does not read agent.toml;
// the agent hands its overrides in as a ClassOverrideFn (agent_config.h).
#ifndef ZFLEET_AGENT_DISKS_DISK_CLASS_H_
#define ZFLEET_AGENT_DISKS_DISK_CLASS_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::agent {

// The class configured for the device at `device_path` in `pool`, or "" when none is.
// `device_path` may be "" (a leaf zpool printed without a path). An empty function means
// no overrides.
using ClassOverrideFn =
    std::function<std::string(absl::string_view pool, absl::string_view device_path)>;

// Pure: docs/DESIGN.md's default class for a transport ("sata" → "sata", "virtio" → "virtual",
// …); "unknown" for file, loop and anything unrecognised.
std::string DefaultClassForTransport(absl::string_view transport);

// Pure: the override for (`pool`, `device_path`) when `overrides` names one, else
// DefaultClassForTransport(transport). `transport` is "" when unknown.
std::string DiskClass(const ClassOverrideFn& overrides, absl::string_view pool,
                      absl::string_view device_path, absl::string_view transport);

// Pure: gives every leaf of every pool (a vdev without children) a class from its path and
// the transport it has; a leaf of type "file" without a transport first gets transport
// "file". Interior vdevs are left as they are.
void ClassifyLeaves(std::vector<v1::Pool>& pools, const ClassOverrideFn& overrides);

}  // namespace zfleet::agent

#endif  // ZFLEET_AGENT_DISKS_DISK_CLASS_H_
