// `zfleet hosts`: every agent the controller knows. Pure.
#ifndef ZFLEET_CLI_RENDER_RENDER_HOSTS_H_
#define ZFLEET_CLI_RENDER_RENDER_HOSTS_H_

#include <string>

#include "cli/render/render_options.h"
#include "nlohmann/json.hpp"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::cli {

// Table HOST REPORTING LAST-SEEN POOLS ZPOOL-GENERATION AGENT INSTANCE sorted by host,
// plus an ERROR column when some agent could not read its pools (that is the "zfs
// module missing after a kernel update" case on-call must see). "no hosts\n" when empty.
std::string RenderHostsText(const v1::ListHostsResponse& hosts, const RenderOptions& options);

// {"hosts": [{"host", "instance_id", "reporting", "first_seen", "last_seen", "pool_count",
//  "hostname", "agent_version", "zpool_path", "zpool_generation", "labels": {k: v},
//  "load1", "collect_error"}]} sorted by host; times RFC 3339; unknown values null.
nlohmann::ordered_json RenderHostsJson(const v1::ListHostsResponse& hosts);

}  // namespace zfleet::cli

#endif  // ZFLEET_CLI_RENDER_RENDER_HOSTS_H_
