// The audit table: every write a person asked for (scrub start/stop/pause, acks, forgetting a
// host, cancelling queued requests), with who asked, in which role, from where, and what came
// of it — refusals included. Rows are only appended, and deleted by retention once old.
//
// Thread-compatible; every method returns Internal (with SQLite's message) on a database
// error.
#ifndef ZFLEET_CONTROLLER_STORE_AUDIT_TABLE_H_
#define ZFLEET_CONTROLLER_STORE_AUDIT_TABLE_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "controller/store/sqlite.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::controller {

class AuditTable {
 public:
  explicit AuditTable(Database* db) : db_(db) {}

  // Appends `entry` (its id is ignored); returns the new id.
  absl::StatusOr<int64_t> Append(const v1::AuditEntry& entry);
  // Entries at or after `since`, newest first, at most `limit`.
  absl::StatusOr<std::vector<v1::AuditEntry>> List(absl::Time since, int limit);
  // Deletes at most `limit` entries older than `before`, oldest first; returns how many.
  absl::StatusOr<int64_t> DeleteBefore(absl::Time before, int limit);

 private:
  Database* db_;
};

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_STORE_AUDIT_TABLE_H_
