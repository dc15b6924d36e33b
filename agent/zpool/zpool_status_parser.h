// Parses the text of `zpool status [-v] [-x]` from every generation in the field:
// legacy Solaris / zfs-fuse 0.7 (" scrub: …"), OpenZFS 0.6–0.8 (" scan: … scanned out of …")
// and OpenZFS 2.x (" scan: … scanned at …, … issued at …, … total").
// Pure: no I/O, no clock (times in the text are read in the injected time zone).
#ifndef ZFLEET_AGENT_ZPOOL_ZPOOL_STATUS_PARSER_H_
#define ZFLEET_AGENT_ZPOOL_ZPOOL_STATUS_PARSER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::agent {

struct StatusParseOptions {
  // Zone in which zpool printed its ctime-style dates ("Sat Nov 21 09:48:23 2026").
  absl::TimeZone time_zone = absl::UTCTimeZone();
};

struct StatusParseResult {
  std::vector<v1::Pool> pools;
  // True when the text holds `zpool status -x`'s "all pools are healthy" (or, for
  // `zpool status -x POOL`, "pool 'POOL' is healthy").
  bool all_pools_healthy = false;
  // True for "no pools available".
  bool no_pools = false;
  // Lines outside any pool that were not understood (also counted by the caller).
  std::vector<std::string> unparsed;
  // Number of unknown lines in total, including those kept in each pool's `unparsed`.
  int unparsed_count = 0;
};

// Parses `text`. Unknown lines never abort: they are kept in the pool's `unparsed` list and
// the rest of the pool still parses. A line belongs to the pool whose "  pool:" line came last
// before it. Only facts the text states are set (proto3 optional stays absent otherwise):
//  - scan: a finished or stopped scan also gets start_time = end_time - printed duration; a
//    resilver's "resilvered N" is its bytes_repaired; legacy output, which prints repairs only
//    per vdev ("20.5M repaired"), gets bytes_repaired summed over the leaves that state one.
//    2.x lines without a place in the model (scan warning:, expand:, remove:, checkpoint:)
//    are kept in `unparsed`.
//  - config: the first line is the pool itself (its counters and note are dropped); its
//    children are `vdevs`. A leaf's path is its name as printed ("sda", not "/dev/sda").
//  - errors: count is the stated number, 0 for "No known data errors", or the number of
//    files listed under "Permanent errors …"; absent for any other text. Returns InvalidArgument
//    only when the text is not zpool
// status output at all (no " pool:" block and none of the whole-output messages), with the
// first offending line in the message.
absl::StatusOr<StatusParseResult> ParseZpoolStatus(absl::string_view text,
                                                   const StatusParseOptions& options = {});

}  // namespace zfleet::agent

#endif  // ZFLEET_AGENT_ZPOOL_ZPOOL_STATUS_PARSER_H_
