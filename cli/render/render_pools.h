// `zfleet pools`: every pool with its capacity and scrub history at a glance. Pure.
#ifndef ZFLEET_CLI_RENDER_RENDER_POOLS_H_
#define ZFLEET_CLI_RENDER_RENDER_POOLS_H_

#include <string>
#include <vector>

#include "cli/render/render_options.h"
#include "nlohmann/json.hpp"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::cli {

// Table HOST POOL STATE SIZE ALLOC CAP SCAN LAST-SCRUB sorted by host and pool; sizes as
// zpool prints them, "-" when unknown. LAST-SCRUB is the controller's last scrub run
// ("2026-11-21 09:48" when finished, "2026-11-21 09:00 running" otherwise), else a
// finished scrub seen in the pool's scan line, else "-". "no pools\n" when empty.
std::string RenderPoolsText(const v1::ListPoolsResponse& pools, const RenderOptions& options);

// {"pools": [{"host", "pool", "state", "size_bytes", "allocated_bytes", "free_bytes",
//  "capacity_percent", "fragmentation_percent", "scan": {"function", "state",
//  "percent_done"}, "last_scrub": <scrub run JSON> | null, "last_seen",
//  "host_reporting"}]} sorted by host and pool; unknown values null.
nlohmann::ordered_json RenderPoolsJson(const v1::ListPoolsResponse& pools);

// The sort order shared by the pool listings: host, then pool name.
std::vector<const v1::PoolSummary*> SortedPools(const v1::ListPoolsResponse& pools);

}  // namespace zfleet::cli

#endif  // ZFLEET_CLI_RENDER_RENDER_POOLS_H_
