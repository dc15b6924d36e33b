// Small pure formatters shared by the CLI's renderers: zpool-style sizes, percentages,
// times and ages, one-line scan summaries. Times are shown in UTC so that on-call
// people at different sites read the same clock as the JSON's RFC 3339 stamps.
#ifndef ZFLEET_CLI_RENDER_FORMAT_UTIL_H_
#define ZFLEET_CLI_RENDER_FORMAT_UTIL_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "cli/render/table.h"
#include "nlohmann/json.hpp"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::cli {

// Bytes as `zpool list` prints them (powers of 1024, at most 5 characters when a
// fraction is needed): 0 → "0B", 512 → "512B", 256 MiB → "256M", 20.5 MiB → "20.5M",
// 1.2 TiB → "1.20T".
std::string HumanSize(uint64_t bytes);

// "45.2%", "12%": one decimal, truncated (a scan at 99.99% is not "100%"), ".0" dropped.
std::string FormatPercent(double percent);

// Unix seconds → "2026-11-21 09:48" (UTC).
std::string FormatMinute(int64_t unix_seconds);
// Unix seconds → "2026-11-21 09:48:23" (UTC).
std::string FormatSecond(int64_t unix_seconds);

// A span of time in its two largest units: "12s", "5m12s", "3h12m", "2d4h"; negative
// spans read "0s".
std::string FormatSpan(absl::Duration span);

// How long before `now` the stamp was: "12s ago", "5m12s ago", "3h12m ago", "2d4h ago";
// "never" for 0 (the controller's "not seen"); stamps in the future read "0s ago".
std::string FormatAge(int64_t unix_seconds, absl::Time now);

// The text, or "-" when it is empty (a table cell for a value nobody reported).
std::string OrDash(const std::string& text);

// The time a reply's ages and overdue spans count from: when the controller evaluated it
// (`evaluated_at`, Unix seconds), so they agree with the times it reports; `fallback`
// when it did not say (0).
absl::Time EvaluatedTime(int64_t evaluated_at, absl::Time fallback);

// One line for tables: "none", "scrub 45.2%", "resilver 12%", "scrub paused 30%",
// "scrub finished 2026-11-21 09:48", "scrub canceled 2026-11-21 09:48".
std::string ScanSummary(const v1::Scan& scan);

// {"function", "state", "percent_done"} with "none" for empty strings and null for an
// unknown percentage, as in the pool JSON's "scan" object.
nlohmann::ordered_json ScanBriefJson(const v1::Scan& scan);

// RFC 3339 string, or null for 0 (the wire's "never").
nlohmann::ordered_json TimeOrNull(int64_t unix_seconds);

// A string, or null when empty (proto3 strings cannot say "unknown" otherwise).
nlohmann::ordered_json StringOrNull(const std::string& text);

// The names the CLI prints for a reply's enums ("critical", "running", "manual"), from the
// enum or, from an older controller, the name it sent; "" when neither says.
std::string SeverityText(const v1::Event& event);
std::string SeverityText(const v1::TriageItem& item);
std::string RunStateText(const v1::ScrubRun& run);
std::string TriggerText(const v1::ScrubRun& run);

// Event and triage severities: critical red, warning yellow, anything else plain.
Color SeverityColor(absl::string_view severity);

// Sort key, most severe first: critical 0, warning 1, info 2, anything else 3.
int SeverityRank(absl::string_view severity);

// Colour of a pool or vdev state: ONLINE/AVAIL green, DEGRADED yellow, other states red.
Color StateColor(absl::string_view state);

// The one way a JSON document leaves the CLI: pretty-printed, newline-terminated, and
// tolerant of invalid UTF-8 from hosts (replaced, never thrown).
std::string DumpJson(const nlohmann::ordered_json& doc);

}  // namespace zfleet::cli

#endif  // ZFLEET_CLI_RENDER_FORMAT_UTIL_H_
