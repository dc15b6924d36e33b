// `zfleet events` and `zfleet ack`: the controller's event log and acknowledgements.
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

// "acknowledged 3 events\n" ("1 event", "0 events").
std::string RenderAckText(const v1::AckEventsResponse& response);

// {"by", "acknowledged": [ids], "unknown": [ids]}.
nlohmann::ordered_json RenderAckJson(const std::string& by, const v1::AckEventsResponse& response);

// "unknown event id 7" / "unknown event ids 7, 9"; "" when every id was known.
std::string AckUnknownMessage(const v1::AckEventsResponse& response);

}  // namespace zfleet::cli

#endif  // ZFLEET_CLI_RENDER_RENDER_EVENTS_H_
