// `zfleet status [-x]`: the fleet at a glance, as text or JSON. Pure.
#ifndef ZFLEET_CLI_RENDER_RENDER_STATUS_H_
#define ZFLEET_CLI_RENDER_RENDER_STATUS_H_

#include <string>

#include "cli/render/render_options.h"
#include "nlohmann/json.hpp"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::cli {

struct StatusInput {
  v1::GetStatusResponse status;  // FleetService.GetStatus; pools in any order
  bool only_unhealthy = false;   // -x
};

// The GetStatus answer for a fleet given as full listings: host totals from `hosts`, one
// PoolStatusOf per pool. Lets fakes and tests describe a fleet once for every command.
v1::GetStatusResponse StatusFromLists(const v1::ListHostsResponse& hosts,
                                      const v1::ListPoolsResponse& pools);

// Summary lines ("hosts: 3 of 4 reporting", "pools: 5 (1 DEGRADED, 4 ONLINE)"), then a
// table HOST POOL STATE SCAN ERRORS LAST-SEEN sorted by host and pool. With
// only_unhealthy the table holds only unhealthy pools, and when there are none the whole
// output is exactly "all pools are healthy\n", as `zpool status -x` prints it.
std::string RenderStatusText(const StatusInput& input, const RenderOptions& options);

// {"hosts_total", "hosts_reporting", "pools_total", "pools_by_state": {STATE: n},
//  "all_healthy", "pools": [{"host", "pool", "state", "healthy", "problems": [..],
//  "scan": {"function", "state", "percent_done"}, "data_errors", "device_errors",
//  "last_seen", "host_reporting"}]}. Totals always cover the whole fleet; "pools" is
// filtered by only_unhealthy.
nlohmann::ordered_json RenderStatusJson(const StatusInput& input);

}  // namespace zfleet::cli

#endif  // ZFLEET_CLI_RENDER_RENDER_STATUS_H_
