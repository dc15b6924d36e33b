// `zfleet status [-x]`: the fleet at a glance, as text or JSON. Pure.
#ifndef ZFLEET_CLI_RENDER_RENDER_STATUS_H_
#define ZFLEET_CLI_RENDER_RENDER_STATUS_H_

#include <string>

#include "cli/render/render_options.h"
#include "nlohmann/json.hpp"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::cli {

struct StatusInput {
  v1::GetStatusRequest request;  // what was asked: -x, the limit
  // FleetService.GetStatus's answer. Without a summary (a controller that predates the
  // limit, which lists every pool) the counts and the listing are made here, from its pools.
  v1::GetStatusResponse status;
};

// The GetStatus answer to `request` for a fleet given as full listings: host totals from
// `hosts`, one PoolStatusOf per pool. Lets fakes and tests describe a fleet once for every
// command.
v1::GetStatusResponse StatusFromLists(const v1::ListHostsResponse& hosts,
                                      const v1::ListPoolsResponse& pools,
                                      const v1::GetStatusRequest& request);

// Summary lines ("hosts: 3 of 4 reporting", "pools: 5 (1 DEGRADED, 4 ONLINE)"), then a
// table HOST POOL STATE SCAN ERRORS LAST-SEEN of the listed pools sorted by host and pool,
// then, when the limit left pools out, one line saying how many and whether every unhealthy
// one is listed. With -x the table holds only unhealthy pools, and when there are none the
// whole output is exactly "all pools are healthy\n", as `zpool status -x` prints it.
std::string RenderStatusText(const StatusInput& input, const RenderOptions& options);

// {"hosts_total", "hosts_reporting", "pools_total", "pools_by_state": {STATE: n},
//  "pools_unhealthy", "all_healthy", "pools": [{"host", "pool", "state", "healthy",
//  "problems": [..], "scan": {"function", "state", "percent_done"}, "data_errors",
//  "device_errors", "last_seen", "host_reporting"}], "pools_unlisted"}. Totals always cover
// the whole fleet; "pools" holds the listed ones (-x: unhealthy only) and "pools_unlisted"
// how many more the limit left out.
nlohmann::ordered_json RenderStatusJson(const StatusInput& input);

}  // namespace zfleet::cli

#endif  // ZFLEET_CLI_RENDER_RENDER_STATUS_H_
