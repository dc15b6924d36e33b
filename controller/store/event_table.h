// The events table: the log of what changed (pool states, device errors, scrub results,
// hosts missing, stack problems), each raised once per change and acknowledged by people.
// Repeats of one condition coalesce: while an event is not acknowledged, another occurrence
// of its condition updates it (count, last seen, latest message) instead of adding a row;
// once it is acknowledged, the next occurrence opens a new event.
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
#include "controller/store/columns.h"
#include "controller/store/controller_state_table.h"
#include "controller/store/host_table.h"
#include "controller/store/sqlite.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::controller {

// An event to raise: its dedup key names the change it is about (e.g. the pool, its new
// state and the report's time), so the same change found twice is stored once.
struct NewEvent {
  v1::Event event;        // time, severity, host_id, pool, device, kind, message
  std::string dedup_key;  // never empty
  // The condition this change is an occurrence of (event_detector.h names one per kind
  // that can repeat, e.g. a device's error counters rising). "": every change is its own
  // event.
  std::string condition;
};

// What Insert made of one NewEvent that was not a duplicate.
struct RaisedEvent {
  int64_t id = 0;
  bool repeat = false;  // an occurrence added to the open event `id` rather than a new one
};

struct EventFilter {
  absl::Time since = absl::InfinitePast();   // last seen at or after
  std::optional<v1::Severity> min_severity;  // nullopt: all
  std::string host_id;                       // "": all hosts
  std::string pool;                          // "": all pools (with host_id: that host's pool)
  bool unacknowledged_only = false;
  int limit = 1000;  // at most this many, newest first
};

struct EventCount {
  std::string severity;  // "critical", "warning", "info"
  // Occurrences ever raised: a repeat coalesced into an open event counts, and so do the
  // events retention and ForgetHost deleted (never goes down).
  int64_t total = 0;
  int64_t unacknowledged = 0;  // events (rows) not acknowledged
};

// What retention may delete (EventTable::DeleteOld).
struct EventRetention {
  absl::Time closed_before;  // acknowledged or info events last seen before this
  absl::Time any_before;     // any event last seen before this
  int limit = 1000;          // at most this many per call
};

class EventTable {
 public:
  EventTable(Database* db, HostTable* hosts, ControllerStateTable* state)
      : db_(db), hosts_(hosts), state_(state) {}

  // Raises `e` (the event's id, count, last seen and acknowledgement are ignored):
  // - nullopt when an event with the same dedup_key is stored (the change is known);
  // - else, when e.condition names the condition of an unacknowledged event, that event
  //   gets one more occurrence: last seen = e's time (if later), the message, dedup key
  //   and (if higher) severity of `e`; {its id, repeat};
  // - else a new event, first and last seen at e's time: {new id, !repeat}.
  // NotFound if event.host_id is unknown; InvalidArgument for an unspecified severity or
  // an empty dedup_key.
  absl::StatusOr<std::optional<RaisedEvent>> Insert(const NewEvent& e);
  // Insert for each event, in order.
  absl::StatusOr<std::vector<std::optional<RaisedEvent>>> InsertAll(
      const std::vector<NewEvent>& events);
  // Events matching `filter`, last seen newest first.
  absl::StatusOr<std::vector<v1::Event>> List(const EventFilter& filter);
  // Acknowledges each id not yet acknowledged (by, now); ids already acknowledged keep
  // their first acknowledgement and are listed as acknowledged; missing ids as unknown.
  absl::StatusOr<AckResult> Ack(const std::vector<int64_t>& ids, const std::string& by,
                                absl::Time now);
  // Events per severity (all time, and not yet acknowledged), ordered by severity name.
  absl::StatusOr<std::vector<EventCount>> Count();

  // Deletes at most `r.limit` events that `r` allows, oldest last seen first, keeping
  // their occurrences in Count's totals. Returns how many were deleted.
  absl::StatusOr<int64_t> DeleteOld(const EventRetention& r);
  // Keeps the occurrences of the events of the host with row id `host_row` in Count's
  // totals; Store::ForgetHost calls it in its transaction, before deleting them.
  absl::Status KeepTotalsOfHost(int64_t host_row);

 private:
  Database* db_;
  HostTable* hosts_;
  ControllerStateTable* state_;
};

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_STORE_EVENT_TABLE_H_
