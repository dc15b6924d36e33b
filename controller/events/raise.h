// Raising events: storing them (duplicates dropped by their dedup key, repeats of an open
// condition coalesced) and logging each new one in one line. A repeat is logged only at
// debug level: a counter rising on every poll would otherwise fill the log.
#ifndef ZFLEET_CONTROLLER_EVENTS_RAISE_H_
#define ZFLEET_CONTROLLER_EVENTS_RAISE_H_

#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "controller/store/event_table.h"

namespace zfleet::controller {

// Inserts `events` in order and logs the new ones. Returns the store's error.
absl::Status RaiseEvents(EventTable& table, const std::vector<NewEvent>& events);

// Logs events[i] as raised[i] says (nullopt: a duplicate, not logged).
// REQUIRES: raised.size() == events.size().
void LogRaisedEvents(const std::vector<NewEvent>& events,
                     const std::vector<std::optional<RaisedEvent>>& raised);

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_EVENTS_RAISE_H_
