// The scan part of `zpool status`: the " scrub:" line of legacy Solaris / zfs-fuse, the
// "  scan:" line of OpenZFS and the tab-indented progress lines that follow it. Pure: no
// I/O, no clock. Internal to the status parser; exposed so each form is testable alone.
#ifndef ZFLEET_AGENT_ZPOOL_SCAN_LINE_PARSER_H_
#define ZFLEET_AGENT_ZPOOL_SCAN_LINE_PARSER_H_

#include <cstdint>
#include <optional>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::agent {

// Parses a ctime(3) date as zpool prints it ("Sat Nov 21 09:48:23 2026", "Sun Jul  1 …"),
// read in `tz`. Returns unix seconds, or nullopt when `text` is not such a date.
std::optional<int64_t> ParseCtimeDate(absl::string_view text, absl::TimeZone tz);

// Parses a scan duration in any generation's spelling: "0h5m" (legacy, 0.6/0.7),
// "0 days 00:02:14" (0.8), "00:41:46" or "1 days 02:00:00" (2.x). Returns seconds, or
// nullopt for anything else, including a duration too long for int64 seconds.
std::optional<int64_t> ParseScanDuration(absl::string_view text);

// Parses the text after "scan:" or "scrub:" (without the key) into `scan`, which it
// overwrites. Sets only the facts the text states; derives start_time = end - duration for
// a finished or stopped scan. A resilver's "resilvered N" goes to bytes_repaired (it is the
// same counter, pss_processed, that a scrub prints as "repaired"). Returns false when the
// text is no known form; `scan` then holds whatever could be read.
bool ParseScanHeadline(absl::string_view text, absl::TimeZone tz, v1::Scan& scan);

// Parses one progress line that follows an in-progress or paused headline, e.g.
// "1.23G scanned out of 10.0G at 100M/s, 0h1m to go", "0B repaired, 7.81% done, 00:41:46 to
// go", "1.23T / 2.50T scanned at 1.05G/s, 800G / 2.50T issued at 700M/s" or "scrub started
// on <date>". Leading whitespace is ignored. Applies every clause it knows to `scan`;
// returns false when any comma-separated clause is unknown.
bool ParseScanProgressLine(absl::string_view line, absl::TimeZone tz, v1::Scan& scan);

}  // namespace zfleet::agent

#endif  // ZFLEET_AGENT_ZPOOL_SCAN_LINE_PARSER_H_
