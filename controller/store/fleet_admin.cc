// Store's administration writes: forgetting a host, cancelling queued scrub requests.
#include <string>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "controller/store/columns.h"
#include "controller/store/store.h"
#include "model/enum_names.h"

namespace zfleet::controller {
namespace {

// The host's pools, as a subquery over ?1 (the host's row id).
constexpr char kHostPools[] = "(SELECT id FROM pools WHERE host_id = ?1)";

// Deletions in an order the foreign keys allow: what refers to a pool or snapshot goes
// before it (snapshot_facts cascades with its snapshot), pools before their host.
const char* const kForgetSteps[] = {
    "UPDATE pools SET last_snapshot_id = NULL WHERE host_id = ?1",
    "DELETE FROM commands WHERE host_id = ?1",
    "DELETE FROM scrub_runs WHERE pool_id IN {pools}",
    "DELETE FROM pool_snapshots WHERE pool_id IN {pools}",
    "DELETE FROM vdevs WHERE pool_id IN {pools}",
    "DELETE FROM vdev_counters WHERE pool_id IN {pools}",
    "DELETE FROM scan_progress WHERE pool_id IN {pools}",
    "DELETE FROM scrub_concerns WHERE pool_id IN {pools}",
    "DELETE FROM pool_status WHERE pool_id IN {pools}",
    "DELETE FROM pools WHERE host_id = ?1",
    "DELETE FROM events WHERE host_id = ?1",
    "DELETE FROM incidents WHERE host_id = ?1",
    "DELETE FROM hosts WHERE id = ?1",
};

std::string WithHostPools(const char* step) {
  std::string sql = step;
  const std::string placeholder = "{pools}";
  if (size_t at = sql.find(placeholder); at != std::string::npos) {
    sql.replace(at, placeholder.size(), kHostPools);
  }
  return sql;
}

}  // namespace

absl::StatusOr<ForgottenHost> Store::ForgetHost(const std::string& host_id) {
  ForgottenHost forgotten;
  RETURN_IF_ERROR(RunInTransaction([&]() -> absl::Status {
    ASSIGN_OR_RETURN(Statement find, db_.Prepare(R"sql(
      SELECT h.id, (SELECT COUNT(*) FROM pools WHERE host_id = h.id),
             (SELECT COUNT(*) FROM events WHERE host_id = h.id)
      FROM hosts h WHERE h.name = ?1)sql"));
    find.BindText(1, host_id);
    ASSIGN_OR_RETURN(bool found, find.Step());
    if (!found) return absl::NotFoundError(absl::StrCat("unknown host ", host_id));
    const int64_t row_id = find.ColumnInt64(0);
    forgotten.pools = static_cast<int>(find.ColumnInt64(1));
    forgotten.events = static_cast<int>(find.ColumnInt64(2));
    find.Reset();
    // The /metrics count of events raised must not go down with them.
    RETURN_IF_ERROR(events_.KeepTotalsOfHost(row_id));
    for (const char* step : kForgetSteps) {
      ASSIGN_OR_RETURN(Statement stmt, db_.Prepare(WithHostPools(step)));
      stmt.BindInt64(1, row_id);
      RETURN_IF_ERROR(WithContext(stmt.Run(), absl::StrCat("forgetting host ", host_id)));
    }
    return absl::OkStatus();
  }));
  return forgotten;
}

absl::StatusOr<int> Store::CancelRequestedRuns(const std::string& host_id, absl::Time now,
                                               const std::string& message) {
  // ?1 = host name ("" = every host), ?2 = now, ?3 = message.
  constexpr char kRequested[] = R"sql(
    SELECT r.id FROM scrub_runs r JOIN pools p ON p.id = r.pool_id JOIN hosts h ON h.id = p.host_id
    WHERE r.state = ?4 AND (?1 = '' OR h.name = ?1))sql";
  int canceled = 0;
  RETURN_IF_ERROR(RunInTransaction([&]() -> absl::Status {
    if (!host_id.empty()) {
      ASSIGN_OR_RETURN(auto host, hosts_.Get(host_id));
      if (!host.has_value()) return absl::NotFoundError(absl::StrCat("unknown host ", host_id));
    }
    ASSIGN_OR_RETURN(Statement commands, db_.Prepare(absl::StrCat(R"sql(
      UPDATE commands SET state = 'failed', error = 'canceled', acked_at = ?2
      WHERE state = 'pending' AND kind = ?5 AND scrub_run_id IN )sql",
                                                                  "(", kRequested, ")")));
    commands.BindText(1, host_id)
        .BindInt64(2, ToUnix(now))
        .BindText(4, RunStateName(v1::RUN_REQUESTED))
        .BindInt64(5, v1::SCRUB_START);
    RETURN_IF_ERROR(WithContext(commands.Run(), "cancelling queued scrub commands"));
    ASSIGN_OR_RETURN(Statement runs, db_.Prepare(absl::StrCat(R"sql(
      UPDATE scrub_runs SET state = ?6, ended_at = ?2, message = ?3 WHERE id IN )sql",
                                                              "(", kRequested, ")")));
    runs.BindText(1, host_id)
        .BindInt64(2, ToUnix(now))
        .BindText(3, message)
        .BindText(4, RunStateName(v1::RUN_REQUESTED))
        .BindText(6, RunStateName(v1::RUN_CANCELED));
    RETURN_IF_ERROR(WithContext(runs.Run(), "cancelling queued scrub requests"));
    canceled = static_cast<int>(db_.Changes());
    return absl::OkStatus();
  }));
  return canceled;
}

}  // namespace zfleet::controller
