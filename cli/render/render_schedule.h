// `zfleet schedule`: when each pool scrubs next and, when it waits, why. Pure.
#ifndef ZFLEET_CLI_RENDER_RENDER_SCHEDULE_H_
#define ZFLEET_CLI_RENDER_RENDER_SCHEDULE_H_

#include <string>

#include "cli/render/render_options.h"
#include "nlohmann/json.hpp"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::cli {

// A summary line ("schedule at 2026-11-21 10:00 UTC: 4 pools, 1 running, 1 waiting,
// 2 overdue, 1 will be late"), one "policy cannot be met: TEXT" line per shortfall, a blank
// line, then a table HOST POOL CLASS LAST-SCRUB NEXT-DUE START-BY STATUS REASON, soonest due
// first (overdue pools therefore on top; pools without a due date last; ties by host and
// pool). LAST-SCRUB is "never" for a pool never scrubbed; NEXT-DUE of an overdue pool reads
// "2026-11-14 10:00 (overdue 7d0h)" and is red on a terminal; START-BY is the plan's latest
// start, "-" when none, with " (late)" and red when the plan sees the pool late ("will be
// late" counts those not yet overdue); REASON is the controller's, "" when it gave none. The
// summary's time is the controller's evaluated_at, else options.now. "no pools\n" when empty.
std::string RenderScheduleText(const v1::GetScheduleResponse& schedule,
                               const RenderOptions& options);

// {"evaluated_at": RFC 3339 | null, "pools": [{"host", "pool", "class", "last_scrub",
//  "next_due", "status", "reason", "overdue", "start_by", "late", "expected_seconds"}],
//  "shortfalls": [{"group", "class", "interval_seconds", "need_hours", "capacity_hours",
//  "pools", "text"}]} with pools in the table's order; class and reason null when empty,
// times RFC 3339 or null, expected_seconds null when unknown.
nlohmann::ordered_json RenderScheduleJson(const v1::GetScheduleResponse& schedule);

}  // namespace zfleet::cli

#endif  // ZFLEET_CLI_RENDER_RENDER_SCHEDULE_H_
