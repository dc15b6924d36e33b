// How scrub runs follow what agents report. Pure: no store, no clock.
//
// A run is created `requested` by `zfleet scrub`, becomes `running` when the agent acks the
// command, and ends `finished` / `canceled` when the pool's scan says so (or `failed` when
// the agent could not start it). A scrub nobody asked zfleet for is recorded as `external`.
// A running run whose scan is paused says why in `pause`: PAUSE_WINDOW_END when the
// scheduler paused it at its window's end (set by the schedule service, kept here until the
// scan runs again), else PAUSE_OPERATOR; an ended run is never paused.
#ifndef ZFLEET_CONTROLLER_INGEST_SCRUB_TRACKING_H_
#define ZFLEET_CONTROLLER_INGEST_SCRUB_TRACKING_H_

#include <optional>
#include <string>
#include <vector>

#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::controller {

struct ScrubTrackingResult {
  std::vector<v1::ScrubRun> updated;     // open runs whose state or figures changed
  std::optional<v1::ScrubRun> external;  // a run to insert for a scrub zfleet did not start
};

// `before` is the pool's previous snapshot (null on first sight), `after` the reported
// one, `open_runs` the pool's requested/running runs, `latest_run` the pool's newest run
// in any state (nullptr when none): a scan that started around that run's start or ended
// around its end is that run (e.g. one just canceled by a stop ack), not a new external
// scrub.
ScrubTrackingResult TrackScrubs(const std::string& host_id, const v1::Pool* before,
                                const v1::Pool& after, const std::vector<v1::ScrubRun>& open_runs,
                                const v1::ScrubRun* latest_run = nullptr);

// Applies an agent's ack of the command that belongs to `run` (ack.executed_at: when the
// agent ran it, unix seconds; REQUIRES: not 0, callers date an ack without a time by its
// arrival): START runs a requested run, STOP cancels, PAUSE pauses (by the operator unless
// the scheduler's pause is already recorded); a failed ack (also an expired one: the
// command never ran) fails a requested START and otherwise only says why in the message.
v1::ScrubRun ApplyAck(v1::ScrubRun run, v1::CommandKind kind, const v1::CommandAck& ack);

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_INGEST_SCRUB_TRACKING_H_
