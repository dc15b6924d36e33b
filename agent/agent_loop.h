// The agent's heartbeat, after kudu's heartbeater. Every tick it takes the collector's view
// of the host (collector.h: read inline, or on a thread of its own so a hung zpool never
// stops it); a view that changed, or the periodic report when nothing did, becomes an
// observation in the outbox (outbox.h: numbered and fsynced); the outbox is delivered in
// order, each observation until the controller answers it, backing off while the controller
// is away. Commands in the replies go to the collector, which runs them; the policy in the
// replies, and the scrubs the agent started alone, cross through the AutonomyHandoff. Time
// comes from an injected Clock and the loop exposes Tick(), so tests drive it without
// sleeping.
#ifndef ZFLEET_AGENT_AGENT_LOOP_H_
#define ZFLEET_AGENT_AGENT_LOOP_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "agent/agent_config.h"
#include "agent/autonomy_handoff.h"
#include "agent/collector.h"
#include "agent/command_journal.h"
#include "agent/controller_link.h"
#include "agent/outbox/outbox.h"
#include "agent/zpool/zpool_client.h"
#include "common/clock.h"
#include "common/heartbeat.h"

namespace zfleet::agent {

struct AgentIdentity {
  std::string host_id;
  std::string instance_id;
  std::string hostname;
  std::string agent_version;
};

// What the loop works with. Pointers must outlive the loop.
struct AgentDeps {
  const Clock* clock = nullptr;
  Collector* collector = nullptr;
  ControllerLink* link = nullptr;
  Outbox* outbox = nullptr;
  CommandJournal* journal = nullptr;
  ZpoolClient* zpool = nullptr;  // runs the commands (Execute)
  // The scrubs the agent started alone, and where the controller's policy goes. May be null
  // (an agent that never acts alone).
  AutonomyHandoff* autonomy = nullptr;
  // The 1-minute load average, or nullopt when unknown. May be empty.
  std::function<std::optional<double>()> load_reader;
  // Beaten whenever the loop gets somewhere: every tick, every report sent, and at least
  // every kWaitSlice while it waits. systemd's watchdog pings follow it (agent_app.cc), so
  // they stop when the loop is wedged, never because zpool hangs (the collector's thread
  // waits on zpool, not the loop) or the controller is away. May be null.
  Heartbeat* heartbeat = nullptr;
};

// Tick() and Run() on one thread; Execute() may run on the collector's thread; Stop() and
// Wake() from any thread.
class AgentLoop {
 public:
  // The longest the loop waits between two heartbeats while it has nothing to do. Its other
  // steps are bounded by the link's deadline (one report at a time).
  static constexpr absl::Duration kWaitSlice = absl::Seconds(1);

  AgentLoop(AgentDeps deps, AgentConfig config, AgentIdentity identity);

  // Does everything due at clock->Now() and returns when it next wants to run.
  absl::Time Tick();

  // Ticks until Stop(), sleeping in real time between ticks (or until Wake()), in slices
  // of at most kWaitSlice, each a heartbeat.
  void Run();
  void Stop();
  void Wake();
  // Takes the collector's view now into the outbox (if it changed) and wakes the loop: the
  // collector calls it after every read, so a change is kept even while the loop waits on
  // the controller.
  void ObserveNow();

  // Runs one controller command at `now`, at most once per id (the journal answers a
  // repeated one), and records its ack for the next report.
  void Execute(const v1::Command& command, absl::Time now);

  // Observability for tests and logs.
  int reports_sent() const { return reports_sent_; }
  int consecutive_failures() const { return failures_; }
  absl::Duration report_interval() const { return report_interval_; }

 private:
  // Appends the view as an observation when it changed, or when a periodic report is due
  // and nothing waits in the outbox.
  void Observe(const HostView& view, absl::Time now);
  // Sends what the outbox holds, oldest first, until it is empty, a send fails, or a
  // bounded number went out this tick.
  void Deliver(absl::Time now);
  // The outbox's front observation, completed with what is current: host facts, acks and
  // the scrubs the agent started alone.
  v1::ReportRequest Outgoing(v1::ReportRequest observation, absl::Time now, size_t* acks_sent);
  void Failed(const absl::Status& status, absl::Time now);
  void Beat() {
    if (deps_.heartbeat != nullptr) deps_.heartbeat->Beat();
  }

  // Held around the outbox and the observation state: ObserveNow runs on the collector's
  // thread. Never held across an RPC.
  absl::Mutex outbox_mu_;

  AgentDeps deps_;
  const AgentConfig config_;
  const AgentIdentity identity_;

  std::string last_digest_;     // of the last observation appended
  std::string last_state_key_;  // its ObservationStateKey
  absl::Duration report_interval_ = absl::Seconds(30);
  absl::Time next_report_ = absl::InfinitePast();
  absl::Time retry_at_ = absl::InfinitePast();
  absl::Time next_append_warning_ = absl::InfinitePast();
  absl::Duration backoff_ = absl::ZeroDuration();
  int reports_sent_ = 0;
  int failures_ = 0;

  bool StoppedOrWoken() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(wake_mu_) { return stop_ || woken_; }

  absl::Mutex wake_mu_;
  bool stop_ ABSL_GUARDED_BY(wake_mu_) = false;
  bool woken_ ABSL_GUARDED_BY(wake_mu_) = false;
};

}  // namespace zfleet::agent

#endif  // ZFLEET_AGENT_AGENT_LOOP_H_
