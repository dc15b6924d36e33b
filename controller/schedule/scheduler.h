// The fleet scrub scheduler: a pure function of (now, fleet snapshot, policy, running scrubs,
// manual requests) → decisions. No I/O, no clock, no threads; the controller's tick loop and
// zfleet-sim call the same Decide().
//
// Rules (docs/DESIGN.md, "Scheduling"):
// - due = start of the last completed scrub + class interval (the end when the start is
//   unknown), so the cadence is measured start to start and a long scrub does not push every
//   later one back. A never-scrubbed pool is due at first_seen + a fixed offset in
//   [0, interval) hashed from "host/pool" (FNV-1a), which spreads a new fleet over its first
//   interval deterministically, across restarts and in the simulator.
// - A due pool starts when all hold, checked in this order (the first failure is the reason
//   shown): host reporting; no scan (scrub or resilver) running or paused on the pool;
//   pool state not in skip_states; its class's window open; host load ≤ load_threshold;
//   fleet running < max_concurrent; host running < max_per_host; for each max_per_label key
//   the host carries, running on hosts with that label value < cap.
// - Planned starts (look ahead, scrub_planner.h): a pool not due yet starts when the plan
//   says waiting longer would make it, or another pool sharing a cap with it, miss its due
//   time: the window closes before it is due, or the windows and caps ahead are too full.
//   Never more than half an interval before its due time, so the cadence cannot creep.
// - Order: scrubs paused at a window end resume first, then manual requests, then due pools
//   and pools whose planned start has come, by urgency: the due time, or now + the expected
//   duration when that is later (so the shortest overdue scrub first), but never later than
//   due + interval/4 (a pool overdue that long goes before any that is not), with scrubs
//   that yielded (below) among them by their own due time; then early pools by due time;
//   ties by earliest due, then fleet order.
// - Early starts (flatten peaks): pools that fall due while their window is closed would
//   all wait for it to open and start together. Such a pool may instead start in an open
//   window up to early_start × interval before its due time, when every rule above holds
//   and the fleet would still run at most early_below × max_concurrent scrubs. Pools due
//   inside their window never start early, so idle capacity adds no scrubs.
// - Yield: a due pool that only the caps keep from starting may pause running scheduled
//   scrubs that share the full caps with it and are not due yet themselves (they started
//   early or planned), the one due last first, when that frees every cap it needs. Only with
//   at_window_end = pause, on hosts that can pause, while their window is open. The plan
//   packs scrubs into the caps with little room; when scrubs overrun it, or a pause at a
//   window's end reshuffles them, a scrub started ahead of its cadence gives its slot to the
//   one whose time has come instead of making it late. A yielded scrub resumes when a slot is
//   free, ranked among the due pools by its own due time.
// - Window end: a running *scheduled* scrub whose window has closed is paused (at_window_end
//   = pause, on hosts that can pause; others continue), stopped (stop) or left (continue).
//   Scrubs paused that way resume when their window reopens and the caps allow. Manual and
//   external scrubs are never paused or stopped by the scheduler.
// - Manual requests bypass the cadence but obey every rule above; with `now` they bypass
//   windows, load, skip_states and caps, and still need a reporting host and no running scan.
// - Paused scrubs do not count toward caps; running scrubs of every trigger do.
#ifndef ZFLEET_CONTROLLER_SCHEDULE_SCHEDULER_H_
#define ZFLEET_CONTROLLER_SCHEDULE_SCHEDULER_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "absl/types/span.h"
#include "controller/schedule/scheduler_policy.h"

namespace zfleet::controller {

struct HostSnapshot {
  std::string id;
  std::map<std::string, std::string> labels;  // from the agent's agent.toml
  double load1 = 0;       // 1-minute load average; negative = unknown (not checked)
  bool reporting = true;  // reported within the controller's missing_after
  bool can_pause = true;  // its zpool supports `zpool scrub -p`
  // Not reporting, but silent only since before the controller started (it was away, not
  // the host): planned as if reporting, so that the first plan after a restart has its
  // pools; nothing starts on it until it reports.
  bool expected_back = false;
};

enum class ScanFunction : uint8_t { kNone, kScrub, kResilver };
enum class ScanState : uint8_t { kNone, kScanning, kFinished, kCanceled, kPaused };
// Wire/JSON strings ("scrub", "scanning", ...) → enums; anything else → kNone.
ScanFunction ParseScanFunction(absl::string_view s);
ScanState ParseScanState(absl::string_view s);

struct PoolSnapshot {
  size_t host = 0;  // index into FleetSnapshot::hosts
  std::string name;
  DiskClass disk_class = DiskClass::kUnknown;
  std::string state = "ONLINE";  // as zpool prints it
  ScanFunction scan_function = ScanFunction::kNone;
  ScanState scan_state = ScanState::kNone;
  double percent_done = 0;
  // The last scrub that completed (not canceled); both unset = never scrubbed.
  std::optional<absl::Time> last_scrub_start;
  std::optional<absl::Time> last_scrub_end;
  absl::Time first_seen = absl::UnixEpoch();  // anchors a never-scrubbed pool's first due time
  // How long its scrub runs (ExpectedScrubDuration, scrub_planner.h): from its last runs
  // when known, else its size at its scan rate or its class's. 0 = unknown.
  absl::Duration expected_duration = absl::ZeroDuration();
  double size_bytes = 0;  // allocated bytes; 0 = unknown
  double scan_bytes_per_s = 0;
};

struct FleetSnapshot {
  std::vector<HostSnapshot> hosts;
  std::vector<PoolSnapshot> pools;
};

enum class ScrubTrigger : uint8_t { kScheduled, kManual, kExternal };
absl::string_view ScrubTriggerName(ScrubTrigger t);  // "scheduled", "manual", "external"

// kYielded: paused by the scheduler so that a due pool sharing its caps could start.
enum class RunState : uint8_t { kRunning, kPausedByWindow, kPausedByOperator, kYielded };

// A scrub the controller knows is in progress or paused. The caller lists every one,
// including scrubs someone started on the host (kExternal), so the caps see them.
struct RunningScrub {
  size_t pool = 0;  // index into FleetSnapshot::pools; at most one entry per pool
  ScrubTrigger trigger = ScrubTrigger::kScheduled;
  RunState state = RunState::kRunning;
  absl::Time started;
  absl::Time last_progress;  // when percent_done last grew (started, at first)
};

// `zfleet scrub HOST/POOL [--now]`, queued until it starts. The caller drops a request when
// its start action is taken, or when the pool already scrubs.
struct ManualRequest {
  size_t pool = 0;
  bool now = false;
  absl::Time requested;
};

enum class ActionKind : uint8_t { kStart, kPause, kResume, kStop };
absl::string_view ActionKindName(ActionKind k);  // "start", "pause", "resume", "stop"

struct Action {
  ActionKind kind = ActionKind::kStart;
  size_t pool = 0;
  ScrubTrigger trigger = ScrubTrigger::kScheduled;  // kStart: kScheduled or kManual
  // kStart: "due", "planned", "early", "manual", "manual --now"; kPause/kStop: "window closed";
  // kPause with yield: "for HOST/POOL, due"; kResume: "window open", or "slot free" after a
  // yield.
  std::string reason;
  bool yield = false;  // kPause: to let a due pool sharing its caps start (RunState::kYielded)
};

enum class PoolPhase : uint8_t {
  kNotDue,    // next_due is in the future
  kWaiting,   // due (or manually requested) but not startable; see reason
  kStarting,  // a start or resume action was taken this call
  kRunning,
  kPaused,  // paused by the operator, at a window end or to yield, and not resumed yet
};
absl::string_view PoolPhaseName(PoolPhase p);  // "not due", "waiting", ...

// One line of `zfleet schedule`.
struct PoolRow {
  size_t pool = 0;
  DiskClass disk_class = DiskClass::kUnknown;
  std::optional<absl::Time> last_scrub;  // end of the last completed scrub
  absl::Time next_due;
  PoolPhase phase = PoolPhase::kNotDue;
  // kWaiting: "window closed", "cap rack=r07 reached", "cap max_per_host reached",
  // "cap max_concurrent reached", "pool DEGRADED", "resilvering", "scan running",
  // "scrub paused", "host not reporting", "load 12.3 > 8.0". kPaused: "paused by operator",
  // else why it does not resume yet ("window closed" or a cap), after "yielded to a due
  // pool; " when it yielded (alone when it yields in this call). Otherwise empty.
  std::string reason;
  absl::Duration estimated_duration = absl::ZeroDuration();  // ExpectedScrubDuration
  // The plan's latest start (not set for running and paused pools), and whether the plan
  // sees it late anyway (an overdue pool is late).
  std::optional<absl::Time> start_by;
  bool late = false;
};

struct ScrubPlan;
struct HostLabelIndex;

struct DecideOptions {
  bool explain = true;  // fill Decision::rows
  // Optional speed-up for callers that track due times themselves (the simulator): only
  // these pools (plus running ones) are considered for a start. REQUIRES: it contains every
  // pool that is manually requested, due, past its planned start (less a tick) or within its
  // early-start period at `now`. Not owned; must outlive the call. With candidates set no rows are
  // made (explain is ignored).
  const std::vector<size_t>* candidates = nullptr;
  // The look-ahead plan to act on: the standing one (standing_plan.h), made at or before
  // `now` for this fleet; null = Decide makes one for these inputs. Not owned.
  const ScrubPlan* plan = nullptr;
  // Optional speed-up for callers whose hosts and labels seldom change (the simulator):
  // IndexHostLabels (scheduler_rules.h) of this fleet and policy, so that a decision does not
  // look up the labels of every host it checks a cap for. Not owned; must outlive the call.
  const HostLabelIndex* host_labels = nullptr;
};

struct Decision {
  std::vector<Action> actions;  // in priority order; apply all of them
  std::vector<PoolRow> rows;    // explain: one per (valid) pool, in fleet order
  // Pools whose running scrub has made no progress for stall_after (raise an event).
  std::vector<size_t> stalled;
  // The earliest time after `now` at which the actions could differ if no input but the
  // time changed (a due or early-start time, a window opening or closing). Stalls do not
  // count. Without rows (explain false or candidates set) neither do the due and early times
  // of pools that a rule keeps from starting now: a full cap (any pool while the fleet is
  // full), the load, the state, a scan; such a pool can start only once an input changes, or
  // a window of its class opens or of a running scrub closes, which do count. InfiniteFuture
  // when nothing is pending.
  absl::Time wake_at = absl::InfiniteFuture();
};

// The scheduler's decision at `now`. Entries whose pool or host index is out of range are
// ignored. Deterministic: the same inputs give the same decision. Pure and reentrant: may
// be called from any thread; it keeps no state between calls.
Decision Decide(absl::Time now, const FleetSnapshot& fleet, const SchedulerPolicy& policy,
                absl::Span<const RunningScrub> running, absl::Span<const ManualRequest> manual,
                const DecideOptions& options = {});

// When `pool` (on `host`) is due under `policy`: ScrubDueTime (schedule_policy/), the rule at
// the top of this file.
absl::Time DueTime(const PoolSnapshot& pool, const HostSnapshot& host,
                   const SchedulerPolicy& policy);
// The earliest time a pool due at `due` may start: due − early_start × interval when its
// class's windows are closed at `due` (see "Early starts"), else `due`.
absl::Time EarlyStartTime(absl::Time due, DiskClass c, const SchedulerPolicy& policy);

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_SCHEDULE_SCHEDULER_H_
