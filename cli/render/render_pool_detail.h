// `zfleet pool HOST/POOL`: one pool in the shape of `zpool status`, enriched with what
// the controller knows (disk identity, scrub history). Pure.
#ifndef ZFLEET_CLI_RENDER_RENDER_POOL_DETAIL_H_
#define ZFLEET_CLI_RENDER_RENDER_POOL_DETAIL_H_

#include <string>

#include "cli/render/render_options.h"
#include "nlohmann/json.hpp"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::cli {

// Labelled lines (host, pool, state, status, action, see, size, scan), the config tree
// (NAME indented by depth and grouped by role like zpool: data under the pool, then
// special, dedup, logs, cache, spares; STATE READ WRITE CKSUM NOTE, and DEVICE with
// path, serial, model, class and slot for leaves when known), errors with the file list,
// lines the agent could not parse, then the scrub runs newest first.
std::string RenderPoolDetailText(const v1::GetPoolResponse& response, const RenderOptions& options);

// PoolToJson(pool) (docs/DESIGN.md's pool JSON) preceded by "host" and followed by
// "last_seen" (RFC 3339 or null), "host_reporting" and "scrub_runs" (ScrubRunToJson
// each, newest first).
nlohmann::ordered_json RenderPoolDetailJson(const v1::GetPoolResponse& response);

}  // namespace zfleet::cli

#endif  // ZFLEET_CLI_RENDER_RENDER_POOL_DETAIL_H_
