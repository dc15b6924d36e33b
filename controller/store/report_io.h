// What one agent report reads from the store and writes to it: the stored view the report
// is compared with (Store::ReadReportView) and the writes derived from the comparison
// (Store::ApplyReport, one transaction). The comparison itself is pure and lives in
// controller/ingest/.
#ifndef ZFLEET_CONTROLLER_STORE_REPORT_IO_H_
#define ZFLEET_CONTROLLER_STORE_REPORT_IO_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "controller/store/event_table.h"
#include "controller/store/pool_table.h"
#include "model/command_record.h"
#include "model/host_record.h"
#include "model/scan_watch.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::controller {

// How far apart the start of an agent scrub and that of a stored run may be for the run to
// record that scrub: the agent's clock when it ran `zpool scrub` and zpool's own start time
// (an external run's) differ by the command's run time.
inline constexpr int64_t kAgentScrubMatchSeconds = 60;

// The store's state, as a report of one host meets it.
struct StoredReportView {
  std::optional<HostRecord> host;        // nullopt: the host's first report
  std::optional<HostLiveness> liveness;  // set with `host`
  std::optional<HostStream> stream;      // set with `host`
  // Each pool the report lists (a new pool has an empty StoredPool), and its scan progress.
  std::map<std::string, StoredPool> pools;
  std::map<std::string, std::optional<ScanProgress>> scan_progress;
  std::vector<std::string> present_pools;  // the host's present pools, sorted
  // The host's open runs (requested, running), the newest run of each of its pools and the
  // runs that started within kAgentScrubMatchSeconds of one of the report's agent scrubs
  // (on its pool), by ascending id.
  std::vector<v1::ScrubRun> runs;
  // The commands the report's acks name, by id (ids unknown for this host are left out).
  std::map<std::string, CommandRecord> acked_commands;
};

// Everything one report changes in the store.
struct ReportWrite {
  std::string host_id;
  std::string instance_id;
  v1::HostInfo info;
  std::string collect_error;
  absl::Time now;       // when the report arrived: last_seen, command acks
  absl::Time observed;  // when the agent saw what it reports: snapshots, runs, events

  std::optional<HostStream> stream;  // set when the report advances the host's stream
  struct ZpoolStuck {
    std::optional<absl::Time> since;  // nullopt: zpool answers again
    std::string detail;
  };
  std::optional<ZpoolStuck> zpool_stuck;  // set when zpool's health on the host changes

  std::optional<bool> stack_attention;          // set when the host's flag changes
  bool clear_missing = false;                   // the host was flagged missing and reports again
  std::vector<CommandRecord> command_outcomes;  // commands whose ack changed them

  struct Pool {
    const v1::Pool* pool;  // borrowed from the report, which must outlive the write
    PoolWritePlan plan;
  };
  std::vector<Pool> pools;  // in report order
  // Scan progress to store (nullopt: delete), by pool.
  std::vector<std::pair<std::string, std::optional<ScanProgress>>> scan_progress;
  std::vector<std::pair<std::string, ScrubConcern::Kind>> cleared_concerns;  // by pool
  std::vector<v1::ScrubRun> updated_runs;  // each run once, as it ends up
  // To insert: scrubs zfleet did not start, and those the agent started on its own.
  std::vector<v1::ScrubRun> new_runs;
  // Agent scrubs of pools the store does not know and the report does not list: not stored
  // (the caller logs them). Borrowed from the report.
  std::vector<const v1::AgentScrub*> dropped_agent_scrubs;
  // When the report's pools are valid: the pools it lists; the host's others become absent.
  std::optional<std::vector<std::string>> present_pools;
  std::vector<NewEvent> events;  // in the order they are raised
};

// What a report that changes nothing writes, kept in memory and written in batches
// (controller/report_cache.h): the host's liveness, info and stream, and when its present
// pools were last seen. The same writes as ApplyReport makes of such a report.
struct ReportTouch {
  std::string host_id;
  std::string instance_id;
  v1::HostInfo info;  // its load changes on every report
  std::string collect_error;
  absl::Time now;  // the host's last_seen
  HostStream stream;
  absl::Time observed;  // the present pools' last_seen
};

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_STORE_REPORT_IO_H_
