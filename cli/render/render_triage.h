// `zfleet triage`: what on-call must look at now, most severe first, each with where
// it is, what is wrong and what to do. Pure.
#ifndef ZFLEET_CLI_RENDER_RENDER_TRIAGE_H_
#define ZFLEET_CLI_RENDER_RENDER_TRIAGE_H_

#include <string>

#include "cli/render/render_options.h"
#include "nlohmann/json.hpp"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::cli {

// Exactly "nothing needs attention\n" when there are no items. Otherwise a summary
// ("3 items need attention: 1 critical, 2 warning"), a blank line, and per item, most
// severe first (the controller's order within a severity):
//   CRITICAL  h1/tank: pool FAULTED (since 2026-11-21 09:00 UTC, 1h0m ago)
//             ACTION: restore the listed files from backup
//   WARNING   h2/tank disk /dev/sdb (serial ZA1, model ST4000NM, slot 3): cksum errors grew
//             errors: read 0, write 0, cksum 40; cksum 0→12→40 over 3 samples
//             ACTION: replace the disk
//             incident 12: `zfleet ack 12` when you take it
// The place is HOST/POOL, HOST alone for host problems, or "fleet"; the errors line is
// there for items with a disk; "since" when the controller knows it; ACTION when it
// gave one; "holds N open incidents of this host" under a root cause that holds some;
// the incident line once the controller opened one ("incident 12, acknowledged by bob"
// once someone took it); ages count from the controller's evaluated_at, else options.now. Severity
// coloured and ACTION bold on a terminal. With options.width > 0 every line is word-wrapped
// to it (WordWrap), continuation lines under the place; nothing is cut, a word wider than
// the room (a long device path) overflows whole.
std::string RenderTriageText(const v1::TriageResponse& triage, const RenderOptions& options);

// {"evaluated_at", "items": [{"severity", "kind", "host", "pool", "disk": DiskToJson |
//  null, "problem", "action", "since", "incident", "acknowledged_by", "subject", "value",
//  "held"}]} in the text's order; host, pool, action, incident, acknowledged_by and
// subject null when empty, times RFC 3339 or null.
nlohmann::ordered_json RenderTriageJson(const v1::TriageResponse& triage);

}  // namespace zfleet::cli

#endif  // ZFLEET_CLI_RENDER_RENDER_TRIAGE_H_
