// libFuzzer target: every zpool output parser the agent runs on what the host's `zpool`
// prints. Built and run by run_fuzz.sh with ASan, UBSan and LeakSanitizer; any crash,
// sanitizer report, leak, uncaught exception or broken invariant below is a finding.
#include <cstddef>
#include <cstdint>

#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "agent/zpool/config_tree_parser.h"
#include "agent/zpool/scan_line_parser.h"
#include "agent/zpool/size_units.h"
#include "agent/zpool/zpool_list_parser.h"
#include "agent/zpool/zpool_status_json_parser.h"
#include "agent/zpool/zpool_status_parser.h"

namespace {

using zfleet::agent::StatusParseResult;

// Every unknown line is counted once and kept once, in a pool or outside any.
void CheckUnparsedAccounting(const absl::StatusOr<StatusParseResult>& result) {
  if (!result.ok()) return;
  size_t kept = result->unparsed.size();
  for (const auto& pool : result->pools) kept += static_cast<size_t>(pool.unparsed_size());
  if (kept != static_cast<size_t>(result->unparsed_count)) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  const zfleet::agent::StatusParseOptions east_of_utc{absl::FixedTimeZone(2 * 3600)};

  CheckUnparsedAccounting(zfleet::agent::ParseZpoolStatus(text));
  CheckUnparsedAccounting(zfleet::agent::ParseZpoolStatus(text, east_of_utc));
  CheckUnparsedAccounting(zfleet::agent::ParseZpoolStatusJson(text));
  (void)zfleet::agent::ParseZpoolList(text);

  // The line-level parsers, on each line alone, reach states the whole-output parser only
  // reaches after the right headline.
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    zfleet::v1::Scan scan;
    (void)zfleet::agent::ParseScanHeadline(line, absl::UTCTimeZone(), scan);
    (void)zfleet::agent::ParseScanProgressLine(line, absl::UTCTimeZone(), scan);
    (void)zfleet::agent::ParseScanDuration(line);
    (void)zfleet::agent::ParseCtimeDate(line, absl::UTCTimeZone());
    (void)zfleet::agent::ParseZpoolNumber(line);
    (void)zfleet::agent::VdevTypeFromName(line);
  }
  return 0;
}
