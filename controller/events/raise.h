// Raising events: storing them (duplicates dropped by their dedup key) and logging each new
// one in one line.
#ifndef ZFLEET_CONTROLLER_EVENTS_RAISE_H_
#define ZFLEET_CONTROLLER_EVENTS_RAISE_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "controller/store/event_table.h"

namespace zfleet::controller {

// Inserts `events` in order and logs the new ones. Returns the store's error.
absl::Status RaiseEvents(EventTable& table, const std::vector<NewEvent>& events);

// Logs events[i] when ids[i] is set (a new event; nullopt: a duplicate).
// REQUIRES: ids.size() == events.size().
void LogRaisedEvents(const std::vector<NewEvent>& events,
                     const std::vector<std::optional<int64_t>>& ids);

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_EVENTS_RAISE_H_
