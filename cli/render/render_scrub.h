// `zfleet scrub HOST/POOL [--now | --stop | --pause]`: what the controller accepted. Pure.
#ifndef ZFLEET_CLI_RENDER_RENDER_SCRUB_H_
#define ZFLEET_CLI_RENDER_RENDER_SCRUB_H_

#include <string>

#include "nlohmann/json.hpp"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::cli {

// "start", "stop" or "pause" (the JSON "action" values).
std::string ScrubActionName(v1::ScrubAction action);

// The controller's `response` to `request` (its host, pool, action and `now`):
// "scrub requested on h1/tank (run 12, command abc)\n"; "stop requested on …",
// "pause requested on …". The run or command part is left out when the controller
// returned none (a stop has no new run). A start with `now` reads "scrub requested on
// h1/tank now, bypassing caps and windows (…)".
std::string RenderScrubText(const v1::RequestScrubRequest& request,
                            const v1::RequestScrubResponse& response);

// {"host", "pool", "action", "now", "command_id", "scrub_run_id"}, the first four from
// `request`; the ids are null when absent.
nlohmann::ordered_json RenderScrubJson(const v1::RequestScrubRequest& request,
                                       const v1::RequestScrubResponse& response);

}  // namespace zfleet::cli

#endif  // ZFLEET_CLI_RENDER_RENDER_SCRUB_H_
