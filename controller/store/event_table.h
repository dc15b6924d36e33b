// The events table: the log of what changed (pool states, device errors, scrub results,
// hosts missing, stack problems), each raised once per change and acknowledged by people.
//
// Thread-compatible; every method returns Internal (with SQLite's message) on a database
// error.
#ifndef ZFLEET_CONTROLLER_STORE_EVENT_TABLE_H_
#define ZFLEET_CONTROLLER_STORE_EVENT_TABLE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "controller/store/host_table.h"
#include "controller/store/sqlite.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::controller {

// An event to raise: its dedup key names the change it is about (e.g. the pool, its new
// state and the report's time), so the same change found twice is stored once.
struct NewEvent {
  v1::Event event;        // time, severity, host_id, pool, device, kind, message
  std::string dedup_key;  // never empty
};

struct EventFilter {
  absl::Time since = absl::InfinitePast();
  std::optional<v1::Severity> min_severity;  // nullopt: all
  std::string host_id;                       // "": all hosts
  std::string pool;                          // "": all pools (with host_id: that host's pool)
  bool unacknowledged_only = false;
  int limit = 1000;  // at most this many, newest first
};

struct AckResult {
  std::vector<int64_t> acknowledged;  // now or earlier (an earlier ack is kept as it was)
  std::vector<int64_t> unknown;
};

struct EventCount {
  std::string severity;  // "critical", "warning", "info"
  int64_t total = 0;
  int64_t unacknowledged = 0;
};

class EventTable {
 public:
  EventTable(Database* db, HostTable* hosts) : db_(db), hosts_(hosts) {}

  // Inserts `event` (its id and acknowledgement fields are ignored) unless an event with
  // the same `dedup_key` exists. Returns the new id, or nullopt when it was a duplicate.
  // NotFound if event.host_id is unknown; InvalidArgument for an unspecified severity or
  // an empty dedup_key.
  absl::StatusOr<std::optional<int64_t>> Insert(const v1::Event& event,
                                                const std::string& dedup_key);
  // Insert for each event, in order: the new id of each, or nullopt for a duplicate.
  absl::StatusOr<std::vector<std::optional<int64_t>>> InsertAll(
      const std::vector<NewEvent>& events);
  // Events matching `filter`, newest first.
  absl::StatusOr<std::vector<v1::Event>> List(const EventFilter& filter);
  // Acknowledges each id not yet acknowledged (by, now); ids already acknowledged keep
  // their first acknowledgement and are listed as acknowledged; missing ids as unknown.
  absl::StatusOr<AckResult> Ack(const std::vector<int64_t>& ids, const std::string& by,
                                absl::Time now);
  // Events per severity (all time, and not yet acknowledged), ordered by severity name.
  absl::StatusOr<std::vector<EventCount>> Count();

 private:
  Database* db_;
  HostTable* hosts_;
};

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_STORE_EVENT_TABLE_H_
