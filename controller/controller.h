// The controller's composition root: the store's writer and the one lock around it, the
// store's readers (on-disk stores), the services that answer agents and people over them
// (reports, fleet queries, events and triage, the schedule, the audit trail and
// administration), the liveness probe systemd's watchdog follows, and the periodic tick
// (scheduler, then event checks). The gRPC and /metrics servers (service/) are thin shells
// over this.
//
// Thread-safe: every write takes the writer's lock; every pure read (the CLI's queries,
// /metrics, the scheduler's snapshot, the incidents fed to the alert sink) takes a reader
// of its own instead (store_service.h), or the writer's lock when the store has no readers.
#ifndef ZFLEET_CONTROLLER_CONTROLLER_H_
#define ZFLEET_CONTROLLER_CONTROLLER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/clock.h"
#include "common/periodic_runner.h"
#include "controller/admin_service.h"
#include "controller/alerts/alert_sender.h"
#include "controller/alerts/webhook_sender.h"
#include "controller/config/controller_config.h"
#include "controller/event_queries.h"
#include "controller/fleet_queries.h"
#include "controller/liveness_probe.h"
#include "controller/report_processor.h"
#include "controller/schedule_service.h"
#include "controller/store/reader_pool.h"
#include "controller/store/store.h"
#include "controller/store_notification_queue.h"

namespace zfleet::controller {

class Controller {
 public:
  // Opens (or creates) the database at `db_path` and owns it, with kReaders readers beside
  // the writer unless it is in memory. `config` and `clock` must outlive the controller.
  // Returns the store's error (store/store.h, Store::Open and Store::OpenReader).
  static absl::StatusOr<std::unique_ptr<Controller>> Open(const std::string& db_path,
                                                          const ControllerConfig* config,
                                                          const Clock* clock);
  // Over a store the caller owns (tests that restart the controller on the same store),
  // without readers: every call takes the writer's lock, as an in-memory store needs.
  // `store`, `config` and `clock` must outlive the controller.
  Controller(Store* store, const ControllerConfig* config, const Clock* clock);
  ~Controller();  // StopTicking()
  Controller(const Controller&) = delete;
  Controller& operator=(const Controller&) = delete;

  ReportProcessor& reports() { return reports_; }
  FleetQueries& fleet() { return fleet_; }
  EventQueries& events() { return events_; }
  ScheduleService& schedule() { return schedule_; }
  AdminService& admin() { return admin_; }
  // For systemd's watchdog: passes only through the writer's lock and the writer.
  LivenessProbe& liveness() { return liveness_; }

  // One tick: the scheduler (which first fails the commands that expired unanswered), then
  // the event checks (hosts missing, stalled and overdue scrubs, incidents with their
  // webhook notifications, retention), then the incidents handed to the alert sink (open
  // ones, and those resolved within its resolved_for), and the webhook sender woken.
  // Errors are logged; the next tick tries again.
  void Tick();
  // Drops what waits for webhook URLs no longer configured; runs Tick every
  // config->scheduler.tick on a thread of its own, and at once after an accepted scrub
  // request; turns on the reports' in-memory shortcut and writes their waiting last-seen
  // times every second (report_cache.h); starts the alert and webhook senders' threads.
  // Idempotent. (The constructor touches no store: a controller may be made while another
  // still runs over it.)
  void StartTicking();
  // Stops that thread (a tick under way finishes first) and the senders, turns the shortcut
  // off and writes the last-seen times still waiting. Idempotent.
  void StopTicking();

  // The alert sink's counters per Alertmanager ([alerts]); empty without one.
  std::vector<AlertTargetStats> AlertStats() const;
  // The webhook sender's counters per URL ([webhook]); empty without one.
  std::vector<WebhookTargetStats> WebhookStats() const;
  // The /metrics page: EventQueries::Metrics with the senders' counters.
  absl::StatusOr<std::string> Metrics();

  // Readers Open gives an on-disk store: one for a scrape or the tick beside one CLI call.
  static constexpr int kReaders = 2;

 private:
  Controller(std::unique_ptr<Store> owned_store, Store* store, std::unique_ptr<ReaderPool> readers,
             const ControllerConfig* config, const Clock* clock);

  std::unique_ptr<Store> owned_store_;  // null when the caller owns the store
  Store* store_;
  std::unique_ptr<ReaderPool> readers_;  // null: reads take the writer's lock
  const ControllerConfig* config_;
  const Clock* clock_;
  // When this controller started: no host is declared missing for silence before it.
  const absl::Time watching_since_;
  absl::Mutex store_mu_;
  ReportProcessor reports_;
  FleetQueries fleet_;
  EventQueries events_;
  ScheduleService schedule_;
  AdminService admin_;
  absl::Status FeedAlerts();
  void MakeWebhookSender();  // null without [webhook] url
  // Drops the queues of URLs no longer configured.
  void ForgetRemovedWebhooks();

  LivenessProbe liveness_;
  std::unique_ptr<AlertSender> alerts_;  // null without [alerts] alertmanager
  StoreNotificationQueue notification_queue_;
  std::unique_ptr<WebhookSender> webhooks_;  // null without [webhook] url
  PeriodicRunner ticker_;
  // Writes the reports' waiting touches (ReportProcessor::WriteTouches).
  PeriodicRunner touch_writer_;
  void WriteTouches();
};

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_CONTROLLER_H_
