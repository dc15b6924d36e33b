// `zfleet events`: the controller's event log.
// Pure.
#ifndef ZFLEET_CLI_RENDER_RENDER_EVENTS_H_
#define ZFLEET_CLI_RENDER_RENDER_EVENTS_H_

#include <string>

#include "absl/time/time.h"
#include "cli/render/render_options.h"
#include "nlohmann/json.hpp"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::cli {

// Table ID TIME SEVERITY HOST POOL DEVICE KIND MESSAGE ACK, newest first (ties: higher
// id first); "-" for an empty pool or device; ACK is who acknowledged, "-" when nobody
// did. Severity coloured on a terminal. "no events since 2026-11-20 10:00 UTC\n" when
// empty (`since` is the start of the window that was asked for).
std::string RenderEventsText(const v1::ListEventsResponse& events, absl::Time since,
                             const RenderOptions& options);

// {"events": [{"id", "time", "severity", "host", "pool", "device", "kind", "message",
//  "acknowledged_by", "acknowledged_at"}]} in the table's order; pool, device and
// acknowledged_by null when empty, times RFC 3339 or null.
nlohmann::ordered_json RenderEventsJson(const v1::ListEventsResponse& events);

}  // namespace zfleet::cli

#endif  // ZFLEET_CLI_RENDER_RENDER_EVENTS_H_
