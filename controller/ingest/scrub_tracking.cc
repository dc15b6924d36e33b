#include "controller/ingest/scrub_tracking.h"

#include <cstdlib>

#include "model/enum_names.h"
#include "model/pool_facts.h"

namespace zfleet::controller {
namespace {

// zpool prints times to the second and the agent truncates its own; a scan that ended in the
// same second the command ran belongs to that command.
constexpr int64_t kClockSlackSeconds = 1;

bool IsScrub(const v1::Scan& scan) { return scan.function() == "scrub"; }
bool IsActive(const v1::Scan& scan) { return IsActiveScanState(scan.state()); }
bool IsEnded(const v1::Scan& scan) {
  return scan.state() == "finished" || scan.state() == "canceled";
}

void CopyFigures(const v1::Scan& scan, v1::ScrubRun& run) {
  if (scan.has_bytes_scanned()) run.set_bytes_scanned(scan.bytes_scanned());
  if (scan.has_bytes_repaired()) run.set_bytes_repaired(scan.bytes_repaired());
  if (scan.has_errors()) run.set_errors(scan.errors());
}

// Ends `run` from a finished or canceled scan.
void EndRun(const v1::Scan& scan, v1::ScrubRun& run) {
  SetRunState(run, scan.state() == "finished" ? v1::RUN_FINISHED : v1::RUN_CANCELED);
  if (scan.has_end_time()) run.set_ended_at(scan.end_time());
  CopyFigures(scan, run);
  run.set_pause(v1::PAUSE_NONE);
  run.set_message("");
}

// A paused scan: the run is paused, by the operator unless the scheduler paused it at its
// window's end (that pause is kept, and so is its message).
void MarkPaused(v1::ScrubRun& run) {
  if (run.pause() != v1::PAUSE_NONE) return;
  run.set_pause(v1::PAUSE_OPERATOR);
  run.set_message("paused");
}

// The scrub this scan reports, if `run` is it: a run that started within a minute of the
// scan's start, or ended within a minute of its end (or started before it and has not
// ended). zpool prints its own times, acks carry the agent's time of the command, and the
// two differ by the report round trip. A scan still in progress whose start zpool does not
// print (zfs-fuse) is the scrub of a run that started and has not ended: a pool runs one
// scan at a time.
bool IsSameScrub(const v1::ScrubRun* run, const v1::Scan& scan) {
  constexpr int64_t kSameScrubSeconds = 60;
  if (run == nullptr || !run->has_started_at()) return false;
  if (scan.has_start_time() &&
      std::abs(run->started_at() - scan.start_time()) <= kSameScrubSeconds) {
    return true;
  }
  if (!scan.has_start_time() && IsActive(scan)) return !run->has_ended_at();
  if (!scan.has_end_time()) return false;
  if (run->started_at() > scan.end_time() + kClockSlackSeconds) return false;
  return !run->has_ended_at() || run->ended_at() + kSameScrubSeconds >= scan.end_time();
}

// A new run's state and figures from the scan of its scrub: ended, or running (paused).
void FollowScan(const v1::Scan& scan, v1::ScrubRun& run) {
  if (IsEnded(scan)) {
    EndRun(scan, run);
  } else {
    SetRunState(run, v1::RUN_RUNNING);
    CopyFigures(scan, run);
    if (scan.state() == "paused") MarkPaused(run);
  }
}

v1::ScrubRun ExternalRun(const std::string& host_id, const v1::Pool& pool) {
  v1::ScrubRun run;
  run.set_host_id(host_id);
  run.set_pool(pool.name());
  SetTrigger(run, v1::TRIGGER_EXTERNAL);
  const v1::Scan& scan = pool.scan();
  if (scan.has_start_time()) run.set_started_at(scan.start_time());
  run.set_requested_at(scan.has_start_time() ? scan.start_time()
                                             : (scan.has_end_time() ? scan.end_time() : 0));
  FollowScan(scan, run);
  return run;
}

}  // namespace

ScrubTrackingResult TrackScrubs(const std::string& host_id, const v1::Pool* before,
                                const v1::Pool& after, const std::vector<v1::ScrubRun>& open_runs,
                                const v1::ScrubRun* latest_run) {
  ScrubTrackingResult result;
  const v1::Scan& scan = after.scan();
  bool has_running = false;
  for (const v1::ScrubRun& open : open_runs) {
    if (open.state() != v1::RUN_RUNNING) continue;
    has_running = true;
    v1::ScrubRun run = open;
    if (!IsScrub(scan)) {
      if (scan.function() == "resilver" && IsActive(scan)) {
        SetRunState(run, v1::RUN_CANCELED);
        run.set_pause(v1::PAUSE_NONE);
        run.set_message("superseded by a resilver");
      }
    } else if (IsEnded(scan) && scan.has_end_time() &&
               scan.end_time() + kClockSlackSeconds >= run.started_at()) {
      EndRun(scan, run);
    } else if (IsActive(scan)) {
      CopyFigures(scan, run);
      // The scheduler records why it pauses a scrub when it sends the pause, and the agent's
      // next report, made before it got the command, still shows the scan running: that
      // must not end the pause, or the ack would then count it as the operator's and the
      // scheduler would never resume it. A scan running again ends a pause seen to take
      // effect (the last report showed it paused) and the operator's.
      const bool was_paused =
          before != nullptr && IsScrub(before->scan()) && before->scan().state() == "paused";
      const bool scheduler_pause =
          run.pause() == v1::PAUSE_WINDOW_END || run.pause() == v1::PAUSE_YIELD;
      if (scan.state() == "scanning") {
        if (was_paused || !scheduler_pause) {
          run.set_pause(v1::PAUSE_NONE);
          run.set_message("");
        }
      } else {
        MarkPaused(run);
      }
    }
    if (run.SerializeAsString() != open.SerializeAsString()) result.updated.push_back(run);
  }
  if (has_running || !IsScrub(scan)) return result;

  bool requested = false;
  for (const v1::ScrubRun& open : open_runs) requested |= open.state() == v1::RUN_REQUESTED;
  if (IsActive(scan)) {
    // Ours would already be running (its ack arrives before the pools), so this one is not.
    if (!requested && !IsSameScrub(latest_run, scan)) result.external = ExternalRun(host_id, after);
  } else if (IsEnded(scan) && scan.has_end_time()) {
    // First sight of the pool records its last scrub; later, a scrub that began and ended
    // between two reports shows up only as a new end time.
    const bool new_end = before == nullptr || !IsScrub(before->scan()) ||
                         before->scan().end_time() != scan.end_time() || IsActive(before->scan());
    if (new_end && !requested && !IsSameScrub(latest_run, scan)) {
      result.external = ExternalRun(host_id, after);
    }
  }
  return result;
}

v1::ScrubRun AgentRun(const std::string& host_id, const v1::AgentScrub& scrub) {
  v1::ScrubRun run;
  run.set_host_id(host_id);
  run.set_pool(scrub.pool());
  SetTrigger(run, v1::TRIGGER_AGENT);
  run.set_requested_at(scrub.started_at());
  run.set_started_at(scrub.started_at());
  if (!scrub.error().empty()) {
    SetRunState(run, v1::RUN_FAILED);
    run.set_ended_at(scrub.started_at());
    run.set_message(scrub.error());
  } else if (scrub.has_last_scan()) {
    if (scrub.paused_at_window_end() && scrub.last_scan().state() == "paused") {
      // Kept by MarkPaused: the scheduler resumes it when its window opens.
      run.set_pause(v1::PAUSE_WINDOW_END);
      run.set_message("paused at window end");
    }
    FollowScan(scrub.last_scan(), run);
  } else {
    SetRunState(run, v1::RUN_RUNNING);
  }
  return run;
}

bool RecordsAgentScrub(const v1::ScrubRun& run, const v1::AgentScrub& scrub,
                       int64_t match_seconds) {
  const v1::ScrubTrigger trigger = TriggerOf(run);
  return run.pool() == scrub.pool() &&
         (trigger == v1::TRIGGER_AGENT || trigger == v1::TRIGGER_EXTERNAL) &&
         run.has_started_at() && std::abs(run.started_at() - scrub.started_at()) <= match_seconds;
}

v1::ScrubRun ApplyAck(v1::ScrubRun run, v1::CommandKind kind, const v1::CommandAck& ack) {
  if (!ack.ok()) {
    if (kind == v1::SCRUB_START && run.state() == v1::RUN_REQUESTED) {
      SetRunState(run, v1::RUN_FAILED);
      run.set_ended_at(ack.executed_at());
    }
    // The scheduler's pause did not happen (refused or expired): the scrub runs on.
    if (kind == v1::SCRUB_PAUSE) run.set_pause(v1::PAUSE_NONE);
    run.set_message(ack.error());
    return run;
  }
  switch (kind) {
    case v1::SCRUB_START:
      if (run.state() == v1::RUN_REQUESTED) {
        SetRunState(run, v1::RUN_RUNNING);
        run.set_started_at(ack.executed_at());
      }
      break;
    case v1::SCRUB_STOP:
      SetRunState(run, v1::RUN_CANCELED);
      run.set_ended_at(ack.executed_at());
      run.set_pause(v1::PAUSE_NONE);
      run.set_message("stopped by request");
      break;
    case v1::SCRUB_PAUSE:
      MarkPaused(run);
      break;
    default:
      break;
  }
  return run;
}

}  // namespace zfleet::controller
