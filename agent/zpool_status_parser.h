// Parses the text of `zpool status [-v] [-x]` from every generation in the field:
// legacy Solaris / zfs-fuse 0.7 (" scrub: …"), OpenZFS 0.6–0.8 (" scan: … scanned out of …")
// and OpenZFS 2.x (" scan: … scanned at …, … issued at …, … total").
// Pure: no I/O, no clock (times in the text are read in the injected time zone).
#ifndef ZFLEET_AGENT_ZPOOL_STATUS_PARSER_H_
#define ZFLEET_AGENT_ZPOOL_STATUS_PARSER_H_

#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::agent {

struct StatusParseOptions {
  // Zone in which zpool printed its ctime-style dates ("Sat Nov 21 09:48:23 2026").
  absl::TimeZone time_zone = absl::UTCTimeZone();
};

struct StatusParseResult {
  std::vector<v1::Pool> pools;
  // True when the text was exactly `zpool status -x`'s "all pools are healthy".
  bool all_pools_healthy = false;
  // True for "no pools available".
  bool no_pools = false;
  // Lines outside any pool that were not understood (also counted by the caller).
  std::vector<std::string> unparsed;
  // Number of unknown lines in total, including those kept in each pool's `unparsed`.
  int unparsed_count = 0;
};

// Parses `text`. Unknown lines never abort: they are kept in the pool's `unparsed` list and
// the rest of the pool still parses. Returns InvalidArgument only when the text is not zpool
// status output at all (no " pool:" block and none of the whole-output messages), with the
// first offending line in the message.
absl::StatusOr<StatusParseResult> ParseZpoolStatus(absl::string_view text,
                                                   const StatusParseOptions& options = {});

}  // namespace zfleet::agent

#endif  // ZFLEET_AGENT_ZPOOL_STATUS_PARSER_H_
