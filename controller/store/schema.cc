#include "controller/store/schema.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace zfleet::controller {
namespace {

// Times are unix seconds. uint64 counters are stored as their int64 bit pattern (SQLite
// integers are signed) and read back the same way. Optional proto fields map to NULL.
//
// vdevs holds the latest snapshot's config tree, one row per node in pre-order. Rows are
// keyed by position rather than name because a name can appear twice in one pool (an
// in-use hot spare is listed under spare-N and again under "spares").
constexpr const char* kMigrations[] = {
    // Version 1.
    R"sql(
CREATE TABLE hosts (
  id            INTEGER PRIMARY KEY,
  name          TEXT    NOT NULL UNIQUE,
  instance_id   TEXT    NOT NULL,
  first_seen    INTEGER NOT NULL,
  last_seen     INTEGER NOT NULL,
  info          BLOB    NOT NULL,  -- serialized zfleet.v1.HostInfo
  collect_error TEXT    NOT NULL DEFAULT ''
);

CREATE TABLE pools (
  id               INTEGER PRIMARY KEY,
  host_id          INTEGER NOT NULL REFERENCES hosts(id),
  name             TEXT    NOT NULL,
  present          INTEGER NOT NULL DEFAULT 1 CHECK (present IN (0, 1)),
  first_seen       INTEGER NOT NULL,
  last_seen        INTEGER NOT NULL,
  changed_at       INTEGER NOT NULL,
  last_snapshot_id INTEGER REFERENCES pool_snapshots(id),
  UNIQUE (host_id, name)
);

CREATE TABLE pool_snapshots (
  id            INTEGER PRIMARY KEY,
  pool_id       INTEGER NOT NULL REFERENCES pools(id),
  taken_at      INTEGER NOT NULL,
  state         TEXT    NOT NULL,
  scan_function TEXT    NOT NULL,
  scan_state    TEXT    NOT NULL,
  pool          BLOB    NOT NULL  -- serialized zfleet.v1.Pool
);
CREATE INDEX pool_snapshots_by_pool ON pool_snapshots (pool_id, taken_at);

CREATE TABLE vdevs (
  id              INTEGER PRIMARY KEY,
  pool_id         INTEGER NOT NULL REFERENCES pools(id),
  position        INTEGER NOT NULL,  -- pre-order index in the config tree
  parent_position INTEGER,           -- NULL for a root vdev
  name            TEXT    NOT NULL,
  path            TEXT    NOT NULL,
  type            TEXT    NOT NULL,
  role            TEXT    NOT NULL,
  state           TEXT    NOT NULL,
  serial          TEXT,
  model           TEXT,
  wwn             TEXT,
  read_errors     INTEGER,
  write_errors    INTEGER,
  checksum_errors INTEGER,
  updated_at      INTEGER NOT NULL,
  UNIQUE (pool_id, position)
);
-- Triage starts from a disk's serial: which host and pool is it in?
CREATE INDEX vdevs_by_serial ON vdevs (serial) WHERE serial IS NOT NULL;

CREATE TABLE scrub_runs (
  id             INTEGER PRIMARY KEY,
  pool_id        INTEGER NOT NULL REFERENCES pools(id),
  triggered_by   TEXT    NOT NULL,  -- ScrubRun.trigger ("trigger" is an SQL keyword)
  state          TEXT    NOT NULL,
  requested_at   INTEGER NOT NULL,
  started_at     INTEGER,
  ended_at       INTEGER,
  bytes_scanned  INTEGER,
  bytes_repaired INTEGER,
  errors         INTEGER,
  message        TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX scrub_runs_by_pool ON scrub_runs (pool_id, id);
CREATE INDEX scrub_runs_open ON scrub_runs (pool_id)
  WHERE state IN ('requested', 'running');

CREATE TABLE commands (
  id           TEXT    PRIMARY KEY,
  host_id      INTEGER NOT NULL REFERENCES hosts(id),
  pool_name    TEXT    NOT NULL,
  kind         INTEGER NOT NULL,  -- zfleet.v1.CommandKind number
  scrub_run_id INTEGER REFERENCES scrub_runs(id),
  created_at   INTEGER NOT NULL,
  state        TEXT    NOT NULL CHECK (state IN ('pending', 'done', 'failed')),
  error        TEXT    NOT NULL DEFAULT '',
  acked_at     INTEGER
);
CREATE INDEX commands_pending ON commands (host_id, created_at) WHERE state = 'pending';
)sql",

    // Version 2: history, events and triage.
    //
    // events.dedup_key names the change an event is about (event_table.h, Insert), so a
    // condition found again after a restart or on the next tick is not raised twice.
    // vdev_counters holds one row per leaf whenever its counters differ from its last row
    // (the first row is the baseline): the error trend of a disk across scrubs.
    // snapshot_facts summarizes each snapshot (model/pool_facts.h) in a narrow table, so
    // history and retention compare snapshots without reading their blobs; snapshots written
    // before version 2 have no row. pools.attention and hosts.stack_attention flag what triage must
    // look at (1), so it reads a few blobs instead of the whole fleet's; NULL = not known yet.
    // hosts.missing_since is the last_seen of a host declared missing (NULL: reporting).
    // scan_progress follows each running or paused scan: when its progress last moved.
    // scrub_concerns are the pools currently overdue or stalled, as the controller's tick
    // last found them. controller_state keeps the tick's bookkeeping (last thinning, …).
    R"sql(
CREATE TABLE events (
  id              INTEGER PRIMARY KEY,
  time            INTEGER NOT NULL,
  severity        TEXT    NOT NULL CHECK (severity IN ('critical', 'warning', 'info')),
  host_id         INTEGER NOT NULL REFERENCES hosts(id),
  pool            TEXT    NOT NULL DEFAULT '',
  device          TEXT    NOT NULL DEFAULT '',
  kind            TEXT    NOT NULL,
  message         TEXT    NOT NULL,
  dedup_key       TEXT    NOT NULL UNIQUE,
  acknowledged_by TEXT    NOT NULL DEFAULT '',
  acknowledged_at INTEGER
);
CREATE INDEX events_by_time ON events (time);
CREATE INDEX events_by_severity ON events (severity, time);
CREATE INDEX events_by_host ON events (host_id, time);
CREATE INDEX events_unacknowledged ON events (time) WHERE acknowledged_at IS NULL;

CREATE TABLE vdev_counters (
  id              INTEGER PRIMARY KEY,
  pool_id         INTEGER NOT NULL REFERENCES pools(id),
  vdev            TEXT    NOT NULL,  -- leaf name as zpool prints it
  path            TEXT    NOT NULL,
  time            INTEGER NOT NULL,
  read_errors     INTEGER,
  write_errors    INTEGER,
  checksum_errors INTEGER
);
CREATE INDEX vdev_counters_by_leaf ON vdev_counters (pool_id, vdev, id);

CREATE TABLE snapshot_facts (
  snapshot_id   INTEGER PRIMARY KEY REFERENCES pool_snapshots(id) ON DELETE CASCADE,
  health        INTEGER NOT NULL,  -- PoolFacts.health (uint64 bit pattern)
  data_errors   INTEGER,
  device_errors INTEGER,
  bad_devices   INTEGER NOT NULL
);

ALTER TABLE pools ADD COLUMN attention INTEGER;
ALTER TABLE pools ADD COLUMN disk_classes TEXT;  -- PoolFacts.disk_classes; NULL = not known yet
ALTER TABLE hosts ADD COLUMN stack_attention INTEGER;
ALTER TABLE hosts ADD COLUMN missing_since INTEGER;

-- The metrics page lists the devices that have errors, not all of them.
CREATE INDEX vdevs_with_errors ON vdevs (pool_id, position)
  WHERE read_errors > 0 OR write_errors > 0 OR checksum_errors > 0;

CREATE TABLE scan_progress (
  pool_id       INTEGER PRIMARY KEY REFERENCES pools(id),
  function      TEXT    NOT NULL,
  start_time    INTEGER,
  progress      REAL    NOT NULL,  -- bytes issued, else scanned, else percent done
  percent_done  REAL,
  paused        INTEGER NOT NULL CHECK (paused IN (0, 1)),
  progressed_at INTEGER NOT NULL
);

CREATE TABLE scrub_concerns (
  pool_id INTEGER NOT NULL REFERENCES pools(id),
  kind    TEXT    NOT NULL CHECK (kind IN ('overdue', 'stalled')),
  since   INTEGER NOT NULL,
  detail  TEXT    NOT NULL DEFAULT '',
  PRIMARY KEY (pool_id, kind)
);

CREATE TABLE controller_state (
  key   TEXT    PRIMARY KEY,
  value INTEGER NOT NULL
);
)sql",

    // Version 3: `zfleet status` without the snapshot blobs. pool_status holds, per pool,
    // what the status verdict needs of its latest snapshot (model/pool_status.h,
    // PoolStatusOf): state, scan function/state/percent_done/end_time, status_text
    // (Pool.status), error_count (Pool.errors.count), leaf_errors (READ + WRITE + CKSUM
    // over vdevs without children; NULL when none has a counter) and noisy_vdevs (names of
    // the vdevs with a non-zero counter, pre-order, "\n" between them). A narrow table of
    // its own, because columns appended to pool_snapshots would sit behind the blob and
    // every read would walk its overflow pages. A pool without a row (last stored before
    // version 3) is read from its blob, and its next report writes the row.
    R"sql(
CREATE TABLE pool_status (
  pool_id       INTEGER PRIMARY KEY REFERENCES pools(id),
  state         TEXT    NOT NULL,
  scan_function TEXT    NOT NULL,
  scan_state    TEXT    NOT NULL,
  status_text   TEXT    NOT NULL,
  percent_done  REAL,
  scan_end_time INTEGER,
  error_count   INTEGER,
  leaf_errors   INTEGER,
  noisy_vdevs   TEXT    NOT NULL
);
)sql",

    // Version 4: why a running scrub is paused, as a column (zfleet.v1.ScrubPause number:
    // 0 none, 1 operator, 2 window end) instead of read from the run's message. Runs paused
    // under version 3 are recognized by the messages that version wrote.
    R"sql(
ALTER TABLE scrub_runs ADD COLUMN pause INTEGER NOT NULL DEFAULT 0;
UPDATE scrub_runs SET pause = 2 WHERE state = 'running' AND message = 'paused at window end';
UPDATE scrub_runs SET pause = 1 WHERE state = 'running' AND message = 'paused';
)sql",

    // Version 5: the audit trail (audit_table.h): who asked for which write, in which role,
    // from where, and its result. Appended only; time is unix seconds.
    R"sql(
CREATE TABLE audit (
  id     INTEGER PRIMARY KEY,
  time   INTEGER NOT NULL,
  who    TEXT    NOT NULL,
  role   TEXT    NOT NULL,
  peer   TEXT    NOT NULL,
  action TEXT    NOT NULL,
  target TEXT    NOT NULL,
  result TEXT    NOT NULL,
  detail TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX audit_by_time ON audit (time);
)sql",
    // Version 6: observations in order, each once (controller/ingest/report_order.h), and
    // zpool's health. stream_id/last_sequence: the last applied observation of the agent's
    // stream; last_observed: when the agent made it (unix seconds). zpool_stuck_since: zpool
    // on the host has not answered since then (NULL: it answers), zpool_stuck_detail what hangs.
    R"sql(
ALTER TABLE hosts ADD COLUMN stream_id TEXT NOT NULL DEFAULT '';
ALTER TABLE hosts ADD COLUMN last_sequence INTEGER NOT NULL DEFAULT 0;
ALTER TABLE hosts ADD COLUMN last_observed INTEGER;
ALTER TABLE hosts ADD COLUMN zpool_stuck_since INTEGER;
ALTER TABLE hosts ADD COLUMN zpool_stuck_detail TEXT NOT NULL DEFAULT '';
CREATE INDEX hosts_zpool_stuck ON hosts (zpool_stuck_since) WHERE zpool_stuck_since IS NOT NULL;
)sql",

    // Version 7: commands expire (command_table.h): expires_at, unix seconds, NULL = never.
    // A command an agent did not take before it is not handed out any more and is failed by
    // the tick. Commands queued before this version get the default of a person's request,
    // one hour after they were queued.
    R"sql(
ALTER TABLE commands ADD COLUMN expires_at INTEGER;
UPDATE commands SET expires_at = created_at + 3600 WHERE state = 'pending';
)sql",

    // Version 8: growth bounded by design (event_table.h, history_table.h, retention).
    //
    // An event is one occurrence or a run of them: while it is not acknowledged, a repeat of
    // its condition (events.condition_key, named by the detector; NULL: every occurrence its
    // own row) updates it instead of adding a row: occurrences + 1, last_seen, the latest
    // message and dedup_key. At most one open event per condition (the unique index).
    // Lists and retention go by last_seen; the events before this version are one
    // occurrence each, last seen when raised. The other indexes let retention find old rows
    // without reading whole tables, and a scrub run still named by a command.
    R"sql(
ALTER TABLE events ADD COLUMN occurrences INTEGER NOT NULL DEFAULT 1;
ALTER TABLE events ADD COLUMN last_seen INTEGER NOT NULL DEFAULT 0;
ALTER TABLE events ADD COLUMN condition_key TEXT;
UPDATE events SET last_seen = time;
DROP INDEX events_by_time;
CREATE INDEX events_by_last_seen ON events (last_seen);
CREATE UNIQUE INDEX events_open_by_condition ON events (condition_key)
  WHERE condition_key IS NOT NULL AND acknowledged_at IS NULL;

CREATE INDEX vdev_counters_by_time ON vdev_counters (time);
CREATE INDEX commands_by_run ON commands (scrub_run_id) WHERE scrub_run_id IS NOT NULL;
)sql",

    // Version 9: incidents (incident_table.h), one per condition while it lasts: opened when
    // triage first finds it, updated while it continues (severity, value, their worst), and
    // resolved when it clears. condition_key is "kind:host/pool:subject"; at most one open
    // incident per condition. Severities are the v1.Severity numbers.
    R"sql(
CREATE TABLE incidents (
  id              INTEGER PRIMARY KEY,
  condition_key   TEXT    NOT NULL,
  kind            TEXT    NOT NULL,
  host_id         INTEGER NOT NULL REFERENCES hosts(id),
  pool            TEXT    NOT NULL DEFAULT '',
  subject         TEXT    NOT NULL DEFAULT '',
  severity        INTEGER NOT NULL,
  worst_severity  INTEGER NOT NULL,
  problem         TEXT    NOT NULL,
  action          TEXT    NOT NULL DEFAULT '',
  value           INTEGER NOT NULL DEFAULT 0,
  peak_value      INTEGER NOT NULL DEFAULT 0,
  opened_at       INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  updates         INTEGER NOT NULL DEFAULT 0,
  resolved_at     INTEGER,
  acknowledged_by TEXT    NOT NULL DEFAULT '',
  acknowledged_at INTEGER
);
CREATE UNIQUE INDEX incidents_open_by_condition ON incidents (condition_key)
  WHERE resolved_at IS NULL;
CREATE INDEX incidents_by_resolved ON incidents (resolved_at) WHERE resolved_at IS NOT NULL;
CREATE INDEX incidents_by_host ON incidents (host_id);
)sql",

    // Version 10: the webhook outbox (notification_table.h): each notification once, and a
    // delivery row per URL that still has to take it. AUTOINCREMENT: ids never come back,
    // so a receiver may tell repeats by them.
    R"sql(
CREATE TABLE notifications (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  created_at INTEGER NOT NULL,
  body       TEXT    NOT NULL
);
CREATE TABLE notification_deliveries (
  url             TEXT    NOT NULL,
  notification_id INTEGER NOT NULL REFERENCES notifications(id),
  attempts        INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (url, notification_id)
) WITHOUT ROWID;
CREATE INDEX notification_deliveries_by_id ON notification_deliveries (notification_id);
)sql",

    // Version 11: the scheduler reads the fleet's pools without their snapshot blobs
    // (PoolStatusTable::ForEachPoolSchedule): pool_status gains the pool's allocated and
    // total bytes (Pool.allocated_bytes, Pool.size_bytes; NULL when zpool did not say). The
    // rows are dropped so each is written again whole: a pool without a row is read from its
    // blob, and its next report that takes the store path (every host's first one after a
    // restart) writes the row.
    R"sql(
DELETE FROM pool_status;
ALTER TABLE pool_status ADD COLUMN allocated_bytes INTEGER;
ALTER TABLE pool_status ADD COLUMN size_bytes INTEGER;
)sql",
};

absl::Status CheckNotNewer(int version, size_t known) {
  if (version < 0 || static_cast<size_t>(version) > known) {
    return absl::FailedPreconditionError(absl::StrCat("database schema version ", version,
                                                      " is newer than this binary knows (", known,
                                                      "); run a newer zfleet-controller"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Span<const char* const> StoreMigrations() { return kMigrations; }

absl::StatusOr<int> SchemaVersion(Database& db) {
  ASSIGN_OR_RETURN(Statement stmt, db.Prepare("PRAGMA user_version"));
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return absl::InternalError("PRAGMA user_version returned no row");
  return static_cast<int>(stmt.ColumnInt64(0));
}

absl::Status MigrateSchema(Database& db, absl::Span<const char* const> migrations) {
  // Checked outside a transaction first so an up-to-date database takes no write lock.
  ASSIGN_OR_RETURN(int version, SchemaVersion(db));
  RETURN_IF_ERROR(CheckNotNewer(version, migrations.size()));
  if (static_cast<size_t>(version) == migrations.size()) return absl::OkStatus();

  RETURN_IF_ERROR(WithContext(db.Exec("BEGIN IMMEDIATE"), "migrating schema"));
  auto apply = [&]() -> absl::Status {
    // Re-read under the write lock: another process may have migrated meanwhile.
    ASSIGN_OR_RETURN(version, SchemaVersion(db));
    RETURN_IF_ERROR(CheckNotNewer(version, migrations.size()));
    for (size_t v = static_cast<size_t>(version); v < migrations.size(); ++v) {
      RETURN_IF_ERROR(
          WithContext(db.Exec(migrations[v]), absl::StrCat("migrating schema to version ", v + 1)));
    }
    // PRAGMA takes no bound parameters; the value is our own integer.
    RETURN_IF_ERROR(db.Exec(absl::StrCat("PRAGMA user_version = ", migrations.size())));
    return db.Exec("COMMIT");
  };
  absl::Status status = apply();
  if (!status.ok() && !db.InAutocommit()) {
    // The original error is what matters; a failed rollback leaves nothing committed.
    db.Exec("ROLLBACK").IgnoreError();
  }
  return status;
}

}  // namespace zfleet::controller
