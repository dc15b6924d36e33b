// The incidents table: one row per condition (kind, host, pool, subject) while it lasts,
// kept after it resolved. At most one open incident per condition (a unique index); a
// condition that comes back after it resolved opens a new incident. What opens, updates
// and resolves incidents is decided in events/incident_plan.h; this only stores.
//
// Thread-compatible; every method returns Internal (with SQLite's message) on a database
// error.
#ifndef ZFLEET_CONTROLLER_STORE_INCIDENT_TABLE_H_
#define ZFLEET_CONTROLLER_STORE_INCIDENT_TABLE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "controller/store/event_table.h"
#include "controller/store/host_table.h"
#include "controller/store/sqlite.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::controller {

struct IncidentFilter {
  bool resolved_too = false;  // else open incidents only
  std::string host_id;        // "": all hosts
  int limit = 1000;           // open first (most severe, then oldest), then resolved newest
};

class IncidentTable {
 public:
  IncidentTable(Database* db, HostTable* hosts) : db_(db), hosts_(hosts) {}

  // Opens an incident for `item`'s condition at `now`: severity, problem, action and value
  // from the item. Returns its id. NotFound for an unknown host; FailedPrecondition when
  // the condition already has an open incident.
  absl::StatusOr<int64_t> Open(const v1::TriageItem& item, absl::Time now);
  // The open incident `id` takes `item`'s severity, problem, action and value; its worst
  // severity and peak value grow to them; updated_at = now, updates + 1. NotFound when `id`
  // is not open.
  absl::Status Update(int64_t id, const v1::TriageItem& item, absl::Time now);
  // Resolves the open incident `id` at `now`; an incident already resolved is left as it was.
  absl::Status Resolve(int64_t id, absl::Time now);
  // Acknowledges each id not yet acknowledged (by, now), open or resolved; ids already
  // acknowledged keep their first acknowledgement and are listed as acknowledged; missing
  // ids as unknown.
  absl::StatusOr<AckResult> Ack(const std::vector<int64_t>& ids, const std::string& by,
                                absl::Time now);
  // Incidents as `filter` says.
  absl::StatusOr<std::vector<v1::Incident>> List(const IncidentFilter& filter);
  // Incident `id`; NotFound "unknown incident id N".
  absl::StatusOr<v1::Incident> Get(int64_t id);
  // Every open incident (for planning; unlimited: one per live condition).
  absl::StatusOr<std::vector<v1::Incident>> ListOpen();
  // Incidents resolved at or after `since`, newest first, at most `limit`.
  absl::StatusOr<std::vector<v1::Incident>> ListResolvedSince(absl::Time since, int limit);
  // Deletes at most `limit` incidents resolved before `before`, oldest first. Returns how
  // many.
  absl::StatusOr<int64_t> DeleteResolved(absl::Time before, int limit);

 private:
  Database* db_;
  HostTable* hosts_;
};

// "kind:host/pool:subject": the condition an item or incident is about.
std::string ConditionKey(const std::string& kind, const std::string& host_id,
                         const std::string& pool, const std::string& subject);

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_STORE_INCIDENT_TABLE_H_
