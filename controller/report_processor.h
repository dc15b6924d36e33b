// Handles one agent report, as it arrived: its bytes and their envelope
// (ingest/received_report.h), which is all a report answered from memory needs (below).
// Any other is parsed whole and checked against the report limits (model/report_limits.h:
// size, counts, duplicate pool names, UTF-8) and its identity fields, before anything is
// read or stored. Then: read what the store holds of the host
// (Store::ReadReportView); place the report in its agent's stream of observations
// (ingest/report_order.h: applied, a duplicate that only says the host is alive and carries
// acks, or stale and dropped) and date it by when the agent saw it; derive what it changes
// (ingest/: a pure diff, then the writes and events it implies); and apply all of it in one
// transaction (Store::ApplyReport). Answers with the outcome, the AgentPolicy the agent
// follows while it cannot reach the controller (agent_policy.h) and, once the agent has no
// backlog, the host's pending commands. The reply is sent only
// after the transaction holding the report commits (reports arriving together share one:
// group_commit.h), so nothing acknowledged to an agent is lost by a controller crash.
//
// Once the shortcut is on (set_shortcut, which the Controller turns on with its tick), a
// report that says what the host's last one said is answered from memory, without being
// parsed whole, and its last-seen time and stream position are written with others' at
// WriteTouches
// (report_cache.h says what a crash may lose of them: never a change).
#ifndef ZFLEET_CONTROLLER_REPORT_PROCESSOR_H_
#define ZFLEET_CONTROLLER_REPORT_PROCESSOR_H_

#include <atomic>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/clock.h"
#include "controller/config/controller_config.h"
#include "controller/events/metrics.h"
#include "controller/group_commit.h"
#include "controller/ingest/received_report.h"
#include "controller/ingest/report_fingerprint.h"
#include "controller/report_cache.h"
#include "controller/store/store.h"
#include "controller/store_service.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::controller {

// Validates a report's identity fields: InvalidArgument naming the bad field.
absl::Status ValidateReport(const v1::ReportRequest& report);

// Reports on the store path are committed in groups (group_commit.h) of at most this many:
// enough to share one fsync among the reports that arrive during one.
inline constexpr int kMaxReportGroup = 64;

// Thread-safe: all store access happens under `store_mu`, shared with the other services;
// the shortcut takes only its own lock.
class ReportProcessor : public StoreService {
 public:
  ReportProcessor(Store* store, absl::Mutex* store_mu, const ControllerConfig* config,
                  const Clock* clock)
      : StoreService(store, store_mu, config, clock),
        cache_(&store->host_changes()),
        group_(store, store_mu, kMaxReportGroup) {}

  // The answer to a report as it arrived (ingest/received_report.h): a serialized
  // ReportResponse. Returns InvalidArgument for a malformed report or one over the report
  // limits (nothing of it is read or stored), ResourceExhausted "controller database disk is
  // full (PATH)" when the disk has no room for it (counted and logged by Store::health()),
  // Internal for another store failure; after either, the agent sends it again and nothing
  // of it was kept.
  absl::StatusOr<std::string> Process(const ReceivedReport& received);
  // The same for a report in hand (in-process callers, tests).
  absl::StatusOr<v1::ReportResponse> Process(const v1::ReportRequest& report);

  // Turns the in-memory shortcut on or off; off by default, so that every report is written
  // when answered. Whoever turns it on calls WriteTouches often (the Controller: every
  // second, before each tick, and when it stops).
  void set_shortcut(bool on) { shortcut_.store(on); }
  // Writes the waiting touches in one transaction. On error they wait for the next call;
  // a full disk is counted by Store::health() like a report's.
  absl::Status WriteTouches();
  // Reports answered from memory and through the store, how many hosts the shortcut
  // knows, and how many touches wait.
  ReportPathMetrics path_metrics() const;

 private:
  struct Stored;
  // The store path, in a group's transaction: reads what the store holds of the host,
  // derives and applies the report's writes and its reply. Its error is the report's.
  absl::Status StoreInGroup(Stored& stored) ABSL_EXCLUSIVE_LOCKS_REQUIRED(store_mu_);
  // Once the group's transaction has ended with `outcome`: logs what the report raised,
  // remembers it for the shortcut, or puts its host's touch back; sets its result.
  void Finish(Stored& stored, const absl::Status& outcome) ABSL_EXCLUSIVE_LOCKS_REQUIRED(store_mu_);
  absl::StatusOr<v1::ReportResponse> Reply(const v1::ReportRequest& report, absl::Time now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(store_mu_);

  std::atomic<bool> shortcut_{false};
  std::atomic<int64_t> answered_from_memory_{0};
  std::atomic<int64_t> answered_from_store_{0};
  ReportCache cache_;
  GroupCommit group_;
};

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_REPORT_PROCESSOR_H_
