// The controller's durable state in SQLite: WAL, synchronous=FULL, the schema migrated
// through PRAGMA user_version (schema.h), every statement prepared and bound. The tables
// are grouped into one class each (hosts, pools, scrub runs, commands, audit, events,
// incidents, webhook notifications, history, scan watch, controller state); Store owns one
// connection and the tables over it, runs transactions, and reads and applies one agent
// report (report_io.h).
//
// One Store (Open) is the writer: it owns the file and migrates it. Others may be opened
// on the same file as readers (OpenReader; reader_pool.h keeps them): read-only
// connections that WAL lets read the last committed state while the writer writes.
//
// Thread-compatible: callers serialize access to each Store (the controller holds one
// mutex around the writer and one per reader); health() alone is thread-safe. Every method
// returns Internal (with SQLite's message) on a database error, ResourceExhausted when the
// disk is full (sqlite.h, IsDiskFull), and leaves the database as it was.
#ifndef ZFLEET_CONTROLLER_STORE_STORE_H_
#define ZFLEET_CONTROLLER_STORE_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "controller/store/audit_table.h"
#include "controller/store/command_table.h"
#include "controller/store/controller_state_table.h"
#include "controller/store/event_table.h"
#include "controller/store/history_table.h"
#include "controller/store/host_changes.h"
#include "controller/store/host_table.h"
#include "controller/store/incident_table.h"
#include "controller/store/notification_table.h"
#include "controller/store/pool_status_table.h"
#include "controller/store/pool_table.h"
#include "controller/store/report_io.h"
#include "controller/store/scan_watch_table.h"
#include "controller/store/scrub_run_table.h"
#include "controller/store/sqlite.h"
#include "controller/store/store_health.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::controller {

// What ForgetHost removed.
struct ForgottenHost {
  int pools = 0;
  int events = 0;
};

// True for ":memory:" (and ""): a private database that no second connection can open, so
// it has no readers.
bool IsInMemoryPath(const std::string& path);

class Store {
 public:
  // Opens (creating if needed) the database at `path` (":memory:" for tests), enables WAL
  // and synchronous=FULL, and migrates the schema to the current version. Returns
  // FailedPrecondition if the file's schema is newer than this binary knows, Internal if
  // the file cannot be opened or is not a database.
  static absl::StatusOr<std::unique_ptr<Store>> Open(const std::string& path);
  // Opens a reader of the database file at `path`, which a writer has opened (and so
  // migrated): a read-only connection, no migrations. Every write through it fails
  // (Internal). InvalidArgument for an in-memory path (a second connection to ":memory:" is
  // another, empty database); FailedPrecondition when the file's schema version is not
  // this binary's; Internal when the file cannot be opened or is not a database.
  static absl::StatusOr<std::unique_ptr<Store>> OpenReader(const std::string& path);
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Runs `fn` inside BEGIN IMMEDIATE … COMMIT; rolls back and returns fn's error, or the
  // commit's error. Nested calls are not supported (REQUIRES: not already inside one; a
  // nested call returns FailedPrecondition). Table methods called inside `fn` that fail
  // undo only their own writes, so `fn` may carry on after one.
  absl::Status RunInTransaction(const std::function<absl::Status()>& fn);
  // Runs `fn` in a transaction of its own, or, inside one, in a savepoint: on fn's error
  // only fn's writes are undone.
  absl::Status Atomically(const std::function<absl::Status()>& fn);
  // Whether a transaction is open.
  bool InTransaction() const { return !db_.InAutocommit(); }
  // Runs `fn` inside BEGIN … COMMIT without taking the write lock: under WAL every read of
  // `fn` sees the one snapshot its first read took, whatever commits meanwhile. Returns fn's
  // error (the transaction is ended either way) or the BEGIN's or COMMIT's.
  // REQUIRES: no transaction is open (else FailedPrecondition).
  absl::Status RunInReadTransaction(const std::function<absl::Status()>& fn);

  HostTable& hosts() { return hosts_; }
  PoolTable& pools() { return pools_; }
  PoolStatusTable& pool_status() { return pool_status_; }
  ScrubRunTable& scrub_runs() { return scrub_runs_; }
  CommandTable& commands() { return commands_; }
  EventTable& events() { return events_; }
  IncidentTable& incidents() { return incidents_; }
  NotificationTable& notifications() { return notifications_; }
  HistoryTable& history() { return history_; }
  ScanWatchTable& scan_watch() { return scan_watch_; }
  ControllerStateTable& state() { return state_; }
  AuditTable& audit() { return audit_; }
  // Whether the disk is full, as the writes the services report to it found it.
  StoreHealth& health() { return health_; }
  // A trivial read through the connection (the schema version): OK when the database
  // answers, its error otherwise. For the liveness probe (liveness_probe.h): it takes
  // SQLite's locks like any read, so it waits where a wedged read or write would.
  absl::Status Ping();

  // What the store holds that `report` is compared with (report_io.h): the host, the
  // reported pools with their scan progress, the host's present pools, open and newest
  // runs, and the commands its acks name.
  absl::StatusOr<StoredReportView> ReadReportView(const v1::ReportRequest& report);
  // Applies `write` in one transaction, or a savepoint of the open one. Returns, per write.events,
  // what became of it (EventTable::Insert; nullopt: a duplicate). On error nothing of it
  // is kept.
  // `before`, when set, is the host's batched touch not written yet: it is written first,
  // in the same transaction.
  absl::StatusOr<std::vector<std::optional<RaisedEvent>>> ApplyReport(
      const ReportWrite& write, const ReportTouch* before = nullptr);
  // Writes the touches in one transaction (REQUIRES: none open), without raising the
  // hosts' versions: they write only what the report they stand for left as it was. A
  // touch of a host no longer stored (forgotten since) writes nothing. On error nothing
  // of them is kept.
  absl::Status WriteTouches(const std::vector<ReportTouch>& touches);
  // Which hosts' stored state changed, and when (host_changes.h).
  HostChanges& host_changes() { return host_changes_; }

  // Administration (fleet_admin.cc), each in one transaction (REQUIRES: none open).
  //
  // Removes the host and everything stored about it: its pools with their snapshots, vdevs,
  // counters, scan watch and status, scrub runs, commands and events. NotFound for an
  // unknown host. A host that reports again afterwards is a new host.
  absl::StatusOr<ForgottenHost> ForgetHost(const std::string& host_id);
  // Cancels every run still in state requested (of `host_id`'s pools; every host's when
  // "") as of `now` with `message`, and fails their START commands that are still pending
  // with the error "canceled" (an agent that already received one may still run it; its ack
  // is then ignored like any second ack). Returns how many runs were canceled.
  absl::StatusOr<int> CancelRequestedRuns(const std::string& host_id, absl::Time now,
                                          const std::string& message);

 private:
  explicit Store(Database db);
  // ApplyReport's writes but the events, inside its transaction.
  absl::Status WriteReport(const ReportWrite& write);
  absl::Status WriteTouch(const ReportTouch& touch);

  Database db_;
  HostTable hosts_;
  PoolStatusTable pool_status_;
  HistoryTable history_;
  PoolTable pools_;
  ScrubRunTable scrub_runs_;
  CommandTable commands_;
  EventTable events_;
  IncidentTable incidents_;
  NotificationTable notifications_;
  ScanWatchTable scan_watch_;
  ControllerStateTable state_;
  AuditTable audit_;
  StoreHealth health_;
  HostChanges host_changes_;
};

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_STORE_STORE_H_
