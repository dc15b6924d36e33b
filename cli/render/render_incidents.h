// `zfleet incidents` and `zfleet ack`: one incident per problem, open ones first.
// Pure.
#ifndef ZFLEET_CLI_RENDER_RENDER_INCIDENTS_H_
#define ZFLEET_CLI_RENDER_RENDER_INCIDENTS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "cli/render/render_options.h"
#include "nlohmann/json.hpp"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::cli {

// Table ID SEVERITY KIND WHERE PROBLEM OPENED ACK, with `all` also RESOLVED; in the
// controller's order (open: most severe, then oldest; then resolved, newest first).
// WHERE is HOST[/POOL][ SUBJECT]; OPENED the time and age (with `all` the time alone); ACK
// who acknowledged, "-" when nobody did; RESOLVED the time, "open" while open. PROBLEM adds "(worst N)" when the value
// was higher before. "no open incidents\n" (with `all`: "no incidents\n") when empty.
std::string RenderIncidentsText(const v1::ListIncidentsResponse& incidents, bool all,
                                const RenderOptions& options);

// {"incidents": [{"id", "severity", "worst_severity", "kind", "host", "pool", "subject",
//  "problem", "action", "value", "peak_value", "opened_at", "updated_at", "updates",
//  "resolved_at", "acknowledged_by", "acknowledged_at"}]}; empty strings and absent times
// are null.
nlohmann::ordered_json RenderIncidentsJson(const v1::ListIncidentsResponse& incidents);

// What an acknowledgement did, for incidents or events alike.
struct AckOutcome {
  std::string noun;  // "incident", "event"
  std::vector<int64_t> acknowledged;
  std::vector<int64_t> unknown;
};

// "acknowledged 3 incidents\n" ("1 incident", "0 incidents").
std::string RenderAckText(const AckOutcome& outcome);
// {"by", "acknowledged": [ids], "unknown": [ids]}.
nlohmann::ordered_json RenderAckJson(const std::string& by, const AckOutcome& outcome);
// "unknown incident id 7" / "unknown incident ids 7, 9"; "" when every id was known.
std::string AckUnknownMessage(const AckOutcome& outcome);

}  // namespace zfleet::cli

#endif  // ZFLEET_CLI_RENDER_RENDER_INCIDENTS_H_
