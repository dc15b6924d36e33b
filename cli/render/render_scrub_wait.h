// `zfleet scrub HOST/POOL --wait`: the progress line while a scrub run is waited for, its
// result when it ends, and the exit code that result means. Pure.
#ifndef ZFLEET_CLI_RENDER_RENDER_SCRUB_WAIT_H_
#define ZFLEET_CLI_RENDER_RENDER_SCRUB_WAIT_H_

#include <string>

#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::cli {

// Whether the run has ended (finished, canceled, failed).
bool ScrubRunEnded(const v1::ScrubRun& run);

// One line, no newline, for the run as it stands with the pool's scan:
//   "queued: waiting for the scheduler (window, caps) or the agent"
//   "scrubbing  37.2% [#######-------------] 412M/s, 1h12m to go"
//   "paused at 37.2% (window closed; the scheduler resumes it)"
// The bar, rate and time to go are shown when the scan reports them.
std::string ScrubWaitLine(const v1::ScrubRun& run, const v1::Scan& scan);

// The ended run in one line, e.g. "scrub of h1/tank finished clean in 1h2m (scanned 1.20T)",
// "… finished: repaired 12K, 3 errors …", "… canceled: stopped by request", "… failed: …".
std::string ScrubResultLine(const v1::ScrubRun& run);

enum class ScrubOutcome {
  kClean,         // finished, nothing repaired, no errors
  kFoundErrors,   // finished having repaired data or counted errors
  kDidNotFinish,  // canceled or failed
};
// REQUIRES: ScrubRunEnded(run).
ScrubOutcome ScrubOutcomeOf(const v1::ScrubRun& run);

}  // namespace zfleet::cli

#endif  // ZFLEET_CLI_RENDER_RENDER_SCRUB_WAIT_H_
