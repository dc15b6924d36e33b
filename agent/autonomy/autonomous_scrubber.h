// The agent's fallback when its controller is away: once the controller has not been
// reached for the policy's autonomous_after, start the scrubs PlanAutonomousScrubs gives,
// through `zpool scrub`, and keep each start (and what the agent later sees of it) in
// STATE_DIR/agent_scrubs.json until a report carrying it is accepted, so the controller
// records it once, as trigger agent (ReportRequest.agent_scrubs).
//
// The agent wires it in through agent/autonomy_handoff.h: MaybeScrub after each read of
// the pools on the collector's thread; Pending() into every report's agent_scrubs;
// ConfirmDelivered once a reply accepted them.
#ifndef ZFLEET_AGENT_AUTONOMY_AUTONOMOUS_SCRUBBER_H_
#define ZFLEET_AGENT_AUTONOMY_AUTONOMOUS_SCRUBBER_H_

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "agent/autonomy/autonomous_plan.h"
#include "agent/autonomy/policy_store.h"
#include "agent/zpool/zpool_client.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::agent {

struct AutonomyDeps {
  ZpoolClient* zpool = nullptr;           // runs `zpool scrub`; must outlive the scrubber
  const PolicyStore* policies = nullptr;  // the policy to apply; must outlive the scrubber
  std::string host_id;                    // this agent's --host-id (the due-time spread)
  // The 1-minute load average, nullopt when unknown. May be empty (load not checked).
  std::function<std::optional<double>()> load_reader;
};

// Thread-compatible: the agent loop's thread calls it.
class AutonomousScrubber {
 public:
  // A pool whose start this agent tried is not tried again for this long (a failed
  // `zpool scrub` is not retried every poll; a started one is not started twice while the
  // pools read before the start do not show it yet).
  static constexpr absl::Duration kRetryAfter = absl::Hours(1);

  // Loads the scrubs not yet delivered from STATE_DIR/agent_scrubs.json (in memory only when
  // `state_dir` is empty). A missing file is none; a corrupt one is logged in one line and is
  // none (those scrubs then reach the controller as external ones). Returns Internal when
  // the file exists but cannot be read.
  static absl::StatusOr<AutonomousScrubber> Open(AutonomyDeps deps, const std::string& state_dir);

  // `pools`: the pools just read from zpool. First follows the scrubs not yet delivered
  // (each keeps the last scan the agent saw of it: its outcome once it ends). Then, when
  // there is a policy, its autonomous_after is not zero and now - last_contact exceeds it:
  // its own scrubs still running when their class's window has closed are paused (where
  // zpool can pause; else they continue), stopped or left as at_window_end says, and those
  // it paused so are resumed once the window is open again, before any new start and within
  // max_per_host; then it starts what PlanAutonomousScrubs gives. One log line per action;
  // each is recorded durably before the next. Returns the scrubs started by this call (a
  // failed `zpool scrub` is one, with its error); Internal when the file cannot be written
  // (the scrubs stay pending in memory).
  absl::StatusOr<std::vector<v1::AgentScrub>> MaybeScrub(const std::vector<v1::Pool>& pools,
                                                         absl::Time now, absl::Time last_contact);

  // The scrubs not yet delivered, oldest first: the report's agent_scrubs.
  const std::vector<v1::AgentScrub>& Pending() const { return pending_; }
  // The controller accepted a report carrying the first `count` of Pending(): they are
  // dropped (and the file rewritten; Internal when that fails).
  absl::Status ConfirmDelivered(size_t count);

 private:
  AutonomousScrubber(AutonomyDeps deps, std::string path)
      : deps_(std::move(deps)), path_(std::move(path)) {}

  // Updates each pending scrub's last_scan from `pools` (and clears its window-end pause
  // once its scan is no longer paused); true when one changed.
  bool Follow(const std::vector<v1::Pool>& pools);
  // The pending scrub `i` is the last this agent started on its pool.
  bool NewestOfPool(size_t i) const;
  // The window-end pauses, stops and resumes of MaybeScrub. Returns how many scrubs it
  // resumed (the pools, read before, do not show them running yet).
  absl::StatusOr<int> ApplyWindows(const std::vector<v1::Pool>& pools, const AutonomyPolicy& policy,
                                   absl::Time now, absl::Duration away);
  // What the plan must know of the scrubs this agent just tried.
  PlanHost HostFor(const std::vector<v1::Pool>& pools, absl::Time now) const;
  // One start: runs `zpool scrub`, logs, records it.
  v1::AgentScrub Start(const PlannedScrub& planned, absl::Time now, absl::Duration away);
  absl::Status Persist() const;

  AutonomyDeps deps_;
  std::string path_;  // "" = memory only
  std::vector<v1::AgentScrub> pending_;
};

}  // namespace zfleet::agent

#endif  // ZFLEET_AGENT_AUTONOMY_AUTONOMOUS_SCRUBBER_H_
