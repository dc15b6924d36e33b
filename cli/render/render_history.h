// `zfleet history HOST/POOL`: scrub runs and recorded changes of one pool, merged into
// one timeline, newest first. Pure.
#ifndef ZFLEET_CLI_RENDER_RENDER_HISTORY_H_
#define ZFLEET_CLI_RENDER_RENDER_HISTORY_H_

#include <string>

#include "cli/render/render_options.h"
#include "nlohmann/json.hpp"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::cli {

// One line for a scrub run: "scrub manual finished, 20.5M repaired, 0 errors";
// "scrub scheduled running"; "scrub manual failed: <message>". Parts the controller did
// not record are left out; a finished run with a start and an end adds "took 1h2m".
std::string ScrubRunLine(const v1::ScrubRun& run);

// The time that stands for a run, in the timeline and in `zfleet pools`' LAST-SCRUB: its
// end, else its start, else when it was requested.
int64_t ScrubRunTime(const v1::ScrubRun& run);

// The controller's `history` of `request`'s pool (h1/tank below):
// "history of h1/tank (newest first):", a blank line, then a table TIME WHAT with runs
// (ScrubRunLine) and changes (their summary, else "state S") merged by time, newest
// first; at equal times a run comes before a change. "no history recorded for h1/tank\n"
// when both lists are empty.
std::string RenderHistoryText(const v1::GetHistoryRequest& request,
                              const v1::GetHistoryResponse& history, const RenderOptions& options);

// {"host", "pool", "scrub_runs": [ScrubRunToJson…], "changes": [{"time", "state",
//  "scan_function", "scan_state", "data_errors", "device_errors", "summary"}]}, host and
// pool from `request`, both lists in the controller's order (newest first); empty
// strings and unknown counts are null.
nlohmann::ordered_json RenderHistoryJson(const v1::GetHistoryRequest& request,
                                         const v1::GetHistoryResponse& history);

}  // namespace zfleet::cli

#endif  // ZFLEET_CLI_RENDER_RENDER_HISTORY_H_
