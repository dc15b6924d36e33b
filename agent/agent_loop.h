// The agent's heartbeat, after kudu's heartbeater: read zpool every poll interval, report
// every report interval and at once after a change, execute the commands the reply
// carries, and back off while the controller is away. Time comes from an injected Clock and
// the loop exposes Tick(), so tests drive it without sleeping.
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
#include "agent/command_journal.h"
#include "agent/controller_link.h"
#include "agent/disks/disk_enrichment.h"
#include "agent/zpool/zpool_client.h"
#include "agent/zpool/zpool_status_parser.h"
#include "common/clock.h"

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
  ZpoolClient* zpool = nullptr;
  ControllerLink* link = nullptr;
  CommandJournal* journal = nullptr;
  DiskEnricher* disks = nullptr;  // null: leaves get class from overrides/transport only
  // The 1-minute load average, or nullopt when unknown. May be empty.
  std::function<std::optional<double>()> load_reader;
  // The ZFS stack checks, run every config.stack_check_interval. May be empty.
  std::function<std::vector<v1::StackCheck>()> stack_checker;
};

// Not thread-safe except Stop(), which may be called from any thread while Run() runs.
class AgentLoop {
 public:
  AgentLoop(AgentDeps deps, AgentConfig config, AgentIdentity identity,
            StatusParseOptions parse_options);

  // Does everything due at clock->Now() and returns when it next wants to run.
  absl::Time Tick();

  // Ticks until Stop(), sleeping in real time between ticks.
  void Run();
  void Stop();

  // Observability for tests and logs.
  int reports_sent() const { return reports_sent_; }
  int consecutive_failures() const { return failures_; }
  absl::Duration report_interval() const { return report_interval_; }

 private:
  void Poll(absl::Time now);
  // Cleans what was just read from the host to UTF-8 and recomputes digest_.
  void Collected();
  void SendReport(absl::Time now);
  void Execute(const v1::Command& command, absl::Time now);
  v1::ReportRequest BuildReport(absl::Time now);

  AgentDeps deps_;
  const AgentConfig config_;
  const ClassOverrideFn class_overrides_;  // config_'s, built once
  const AgentIdentity identity_;
  const StatusParseOptions parse_options_;

  // The latest view of the host, its strings valid UTF-8 (host text can hold any bytes, a
  // file name in a pool's error list; one that is not UTF-8 would make a report unparseable).
  std::vector<v1::Pool> pools_;
  std::string collect_error_;
  std::string generation_;
  std::vector<v1::StackCheck> stack_checks_;
  absl::Time next_stack_check_ = absl::InfinitePast();
  std::string digest_;            // of pools_, collect_error_ and stack_checks_
  std::string last_sent_digest_;  // what the controller last received, to detect change

  absl::Duration report_interval_ = absl::Seconds(30);
  absl::Time next_poll_ = absl::InfinitePast();
  absl::Time next_report_ = absl::InfinitePast();
  absl::Time retry_at_ = absl::InfinitePast();
  absl::Duration backoff_ = absl::ZeroDuration();
  uint64_t sequence_ = 0;
  int reports_sent_ = 0;
  int failures_ = 0;
  int unparsed_logged_ = 0;

  absl::Mutex stop_mu_;
  bool stop_ ABSL_GUARDED_BY(stop_mu_) = false;
};

}  // namespace zfleet::agent

#endif  // ZFLEET_AGENT_AGENT_LOOP_H_
