#include "controller/events/raise.h"

#include "common/log.h"
#include "common/status_macros.h"
#include "model/enum_names.h"

namespace zfleet::controller {

absl::Status RaiseEvents(EventTable& table, const std::vector<NewEvent>& events) {
  ASSIGN_OR_RETURN(std::vector<std::optional<RaisedEvent>> raised, table.InsertAll(events));
  LogRaisedEvents(events, raised);
  return absl::OkStatus();
}

void LogRaisedEvents(const std::vector<NewEvent>& events,
                     const std::vector<std::optional<RaisedEvent>>& raised) {
  for (size_t i = 0; i < events.size() && i < raised.size(); ++i) {
    if (!raised[i].has_value()) continue;
    const v1::Event& e = events[i].event;
    if (raised[i]->repeat) {
      spdlog::debug("event {} again {} {}: {}", raised[i]->id, SeverityName(e.severity()), e.kind(),
                    e.message());
    } else {
      spdlog::info("event {} {} {}: {}", raised[i]->id, SeverityName(e.severity()), e.kind(),
                   e.message());
    }
  }
}

}  // namespace zfleet::controller
