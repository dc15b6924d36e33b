// The scrub_runs table: one row per scrub zfleet asked for or saw, from request to end.
//
// Thread-compatible; every method returns Internal (with SQLite's message) on a database
// error.
#ifndef ZFLEET_CONTROLLER_STORE_SCRUB_RUN_TABLE_H_
#define ZFLEET_CONTROLLER_STORE_SCRUB_RUN_TABLE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "controller/store/sqlite.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::controller {

class ScrubRunTable {
 public:
  explicit ScrubRunTable(Database* db) : db_(db) {}

  // Inserts a run for the pool named by run.host_id/run.pool; returns its id. `run.id` is
  // ignored. NotFound if that pool was never reported.
  absl::StatusOr<int64_t> Insert(const v1::ScrubRun& run);
  // Overwrites the run with id `run.id` (its host_id and pool are ignored: a run never
  // moves); NotFound if there is none.
  absl::Status Update(const v1::ScrubRun& run);
  // Runs of one pool, newest (highest id) first, at most `limit` (none if limit <= 0).
  absl::StatusOr<std::vector<v1::ScrubRun>> List(const std::string& host_id,
                                                 const std::string& pool, int limit);
  // Runs of one pool that started within `slack` seconds of `started_at` (unix seconds),
  // oldest first.
  absl::StatusOr<std::vector<v1::ScrubRun>> StartedNear(const std::string& host_id,
                                                        const std::string& pool, int64_t started_at,
                                                        int64_t slack);
  // The newest run of every pool that has one (any state), in one query.
  absl::StatusOr<std::vector<v1::ScrubRun>> Latest();
  // The newest run (any state) of each of the host's pools that has one.
  absl::StatusOr<std::vector<v1::ScrubRun>> LatestOfHost(const std::string& host_id);
  // Runs in state requested or running for the host, oldest first.
  absl::StatusOr<std::vector<v1::ScrubRun>> Open(const std::string& host_id);
  // Open for every host in one query, oldest first.
  absl::StatusOr<std::vector<v1::ScrubRun>> OpenAll();
  // The finished runs among each pool's `per_pool` newest runs (of any state), per pool
  // newest first: what List(host, pool, per_pool) filtered to finished runs says, for every
  // pool in one query (the scheduler's tick). Pools come in no particular order.
  absl::StatusOr<std::vector<v1::ScrubRun>> FinishedAmongNewest(int per_pool);
  // Deletes at most `limit` runs that ended (finished, canceled, failed) before `before`
  // (or, without an end, were requested before it), oldest first. Kept whatever their age:
  // each pool's newest run, newest ended run and newest finished run (the scheduler's due
  // time and /metrics read them), and a run a command still names. Returns how many were
  // deleted.
  absl::StatusOr<int64_t> DeleteEnded(absl::Time before, int limit);

  // The row reader, for queries of other tables that join runs: the run's own columns
  // (id, trigger … pause) of the scrub_runs row aliased `alias`, and the reader of those
  // columns starting at `first`. ReadColumns returns false (and leaves `run` alone) when
  // the id column is NULL, i.e. a LEFT JOIN found no run.
  static std::string Columns(absl::string_view alias);
  static constexpr int kColumnCount = 11;
  static bool ReadColumns(const Statement& stmt, int first, v1::ScrubRun* run);

 private:
  // Runs with their host and pool names; `bind` binds the parameters of `where_and_order`.
  absl::StatusOr<std::vector<v1::ScrubRun>> Select(absl::string_view where_and_order,
                                                   const std::function<void(Statement&)>& bind);

  Database* db_;
};

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_STORE_SCRUB_RUN_TABLE_H_
