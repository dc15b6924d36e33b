// The scan watch tables: scan_progress (each running or paused scan and when its progress
// last moved, for stall detection) and scrub_concerns (the pools whose scrub is stalled or
// overdue, as the controller's tick last found them).
//
// Thread-compatible; every method returns Internal (with SQLite's message) on a database
// error.
#ifndef ZFLEET_CONTROLLER_STORE_SCAN_WATCH_TABLE_H_
#define ZFLEET_CONTROLLER_STORE_SCAN_WATCH_TABLE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "controller/store/sqlite.h"
#include "model/scan_watch.h"

namespace zfleet::controller {

class ScanWatchTable {
 public:
  explicit ScanWatchTable(Database* db) : db_(db) {}

  // nullopt when the pool has none (or is unknown).
  absl::StatusOr<std::optional<ScanProgress>> GetProgress(const std::string& host_id,
                                                          const std::string& pool);
  // Stores (or with nullopt deletes) the pool's scan progress. NotFound if the pool is
  // unknown.
  absl::Status SetProgress(const std::string& host_id, const std::string& pool,
                           const std::optional<ScanProgress>& progress);
  // Scan progress of present pools, ordered by host then pool.
  absl::StatusOr<std::vector<ScanProgressRecord>> ListProgress();

  // Replaces every concern of `kind` by `concerns` (their kind must be `kind`:
  // InvalidArgument otherwise; unknown pools are skipped).
  absl::Status ReplaceConcerns(ScrubConcern::Kind kind, const std::vector<ScrubConcern>& concerns);
  // Drops the pool's concern of `kind`, if any.
  absl::Status ClearConcern(const std::string& host_id, const std::string& pool,
                            ScrubConcern::Kind kind);
  // Concerns of present pools, ordered by host, pool, kind.
  absl::StatusOr<std::vector<ScrubConcern>> ListConcerns();

 private:
  Database* db_;
};

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_STORE_SCAN_WATCH_TABLE_H_
