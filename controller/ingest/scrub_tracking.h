// How scrub runs follow what agents report. Pure: no store, no clock.
//
// A run is created `requested` by `zfleet scrub`, becomes `running` when the agent acks the
// command, and ends `finished` / `canceled` when the pool's scan says so (or `failed` when
// the agent could not start it). A scrub nobody asked zfleet for is recorded as `external`;
// one the agent started on its own while the controller was away comes in the report's
// agent_scrubs and is recorded as `agent` (AgentRun), not as external.
// A running run whose scan is paused says why in `pause`: PAUSE_WINDOW_END when the
// scheduler paused it at its window's end, PAUSE_YIELD when it paused it for a due pool (both
// set by the schedule service when it sends the pause, and kept here until a report shows
// the scan running again after one showed it paused, or the pause fails), else
// PAUSE_OPERATOR; an ended run is never paused.
#ifndef ZFLEET_CONTROLLER_INGEST_SCRUB_TRACKING_H_
#define ZFLEET_CONTROLLER_INGEST_SCRUB_TRACKING_H_

#include <cstdint>
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

// The run of a scrub the agent started on its own while the controller was unreachable
// (trigger agent, requested and started at scrub.started_at): failed with the error when
// `zpool scrub` failed; else, from the scan the agent last saw of it, ended (finished or
// canceled, with its figures) or running (paused: at its window's end when the agent says it
// paused it so, else by the operator); running when the agent has not seen its scan yet
// (the pool's later scans then end it, as any running run).
v1::ScrubRun AgentRun(const std::string& host_id, const v1::AgentScrub& scrub);

// True when the stored `run` already records `scrub`: the same pool, trigger agent (a report
// the agent sent again) or external (seen before the agent could say it was its own), and a
// start within `match_seconds` of the scrub's.
bool RecordsAgentScrub(const v1::ScrubRun& run, const v1::AgentScrub& scrub, int64_t match_seconds);

// Applies an agent's ack of the command that belongs to `run` (ack.executed_at: when the
// agent ran it, unix seconds; REQUIRES: not 0, callers date an ack without a time by its
// arrival): START runs a requested run, STOP cancels, PAUSE pauses (by the operator unless
// the scheduler's pause is already recorded); a failed ack (also an expired one: the
// command never ran) fails a requested START and otherwise only says why in the message.
v1::ScrubRun ApplyAck(v1::ScrubRun run, v1::CommandKind kind, const v1::CommandAck& ack);

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_INGEST_SCRUB_TRACKING_H_
