// The bounds of one ReportRequest, shared by the agent (which fits its reports to them) and
// the controller (which refuses a report over them before reading or storing anything).
//
// Each bound is far above what a real host produces, so only a broken or hostile agent
// meets one; what they bound is what a single report can cost the controller (memory to
// parse it, rows written under the store lock). The lists a real host can grow without
// limit (a damaged pool's error files, output zpool prints that the agent does not
// understand) are cut by the agent instead of refused.
#ifndef ZFLEET_MODEL_REPORT_LIMITS_H_
#define ZFLEET_MODEL_REPORT_LIMITS_H_

#include <cstddef>

#include "absl/status/status.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet {

// The serialized report. A vdev with its disk identity is ~250 bytes, so a host with 2,000
// disks reports ~0.5 MiB; 32 MiB is 60 times that. The controller's gRPC transport cap sits
// above it (64 MiB) so that an oversized report gets this check's message, not the
// transport's.
inline constexpr size_t kMaxReportBytes = size_t{32} << 20;
// Pools on one host. Big storage hosts run a handful to a few dozen.
inline constexpr int kMaxPools = 1000;
// Nodes of one pool's config tree, interior and leaf. The largest JBOD pools (dRAID over
// four 106-disk enclosures) have ~500 nodes.
inline constexpr int kMaxVdevsPerPool = 20000;
// File names in one pool's permanent-error list. A damaged pool can list many more; the
// agent keeps the first ones and says how many it left out (PoolErrors.count keeps the
// true number): 1,000 names are plenty for a person to act on.
inline constexpr int kMaxErrorFilesPerPool = 1000;
// Lines of zpool output the agent did not understand, per pool. Usually 0; a new zpool
// release adds a few.
inline constexpr int kMaxUnparsedLinesPerPool = 200;
// Host labels come from agent.toml: rack, room, role, a handful. A key is at most a DNS
// label's 63 bytes, a value at most 255.
inline constexpr int kMaxLabels = 64;
inline constexpr size_t kMaxLabelKeyBytes = 63;
inline constexpr size_t kMaxLabelValueBytes = 255;
// ZFS stack checks: about ten, plus one per installed kernel (a host keeps two to five).
inline constexpr int kMaxStackChecks = 200;
// Acks of commands executed since the last accepted report: a few per pool and day. The
// agent sends at most this many at once; the rest go with the next report.
inline constexpr int kMaxAcks = 1000;
// Scrubs the agent started on its own while its controller was away: about one per pool
// and interval; the agent sends at most this many at once, the rest with the next report.
inline constexpr int kMaxAgentScrubs = 1000;
// Any other string: a pool's status, action and see text (a few hundred bytes), names,
// device paths, notes, stack-check evidence and fix, the collection error, an ack's error
// text, an error-file name (Linux's PATH_MAX is 4,096 bytes).
inline constexpr size_t kMaxStringBytes = 4096;

// OK when `report` is within every bound above, names each pool once and holds only valid
// UTF-8 in its string fields. Otherwise InvalidArgument with one line naming what is over
// which limit and where, e.g. `pool "tank": 1203 error-file names (limit 1000)`,
// `report is 40 MiB (limit 32 MiB)`, `2 pools named "tank"`,
// `host label key "…" is 80 bytes (limit 63)`, `pool "tank": vdevs[0].children[1].path is
// not valid UTF-8`. Pure; costs about one serialization of the report.
absl::Status CheckReportLimits(const v1::ReportRequest& report);

// For the agent, after CleanStrings (model/clean_strings.h): cuts what a real host can
// exceed without the report being malformed.
//  - An error-file list longer than the limit keeps its first names and ends with
//    "… and N more"; PoolErrors.count is left as zpool gave it.
//  - Unparsed lines are cut the same way; acks to the first kMaxAcks (the journal confirms
//    the first ones sent), agent scrubs likewise to the first kMaxAgentScrubs; stack checks
//    to the limit, those not "ok" kept first.
//  - A string over kMaxStringBytes is cut at a UTF-8 boundary and ends with "…".
//  - If the report is still over kMaxReportBytes, the error-file and unparsed lists are
//    cut again, to 10 entries of at most 256 bytes.
// It never drops pools or vdevs and leaves labels (agent.toml's) alone. Afterwards
// CheckReportLimits passes unless pools, vdevs or labels are over their limits, two pools
// share a name, or the vdev trees alone outweigh kMaxReportBytes.
// REQUIRES: report != nullptr.
void FitReportToLimits(v1::ReportRequest* report);

}  // namespace zfleet

#endif  // ZFLEET_MODEL_REPORT_LIMITS_H_
