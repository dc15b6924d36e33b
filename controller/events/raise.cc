#include "controller/events/raise.h"

#include "common/log.h"
#include "common/status_macros.h"
#include "model/enum_names.h"

namespace zfleet::controller {

absl::Status RaiseEvents(EventTable& table, const std::vector<NewEvent>& events) {
  ASSIGN_OR_RETURN(std::vector<std::optional<int64_t>> ids, table.InsertAll(events));
  LogRaisedEvents(events, ids);
  return absl::OkStatus();
}

void LogRaisedEvents(const std::vector<NewEvent>& events,
                     const std::vector<std::optional<int64_t>>& ids) {
  for (size_t i = 0; i < events.size() && i < ids.size(); ++i) {
    if (!ids[i].has_value()) continue;
    const v1::Event& e = events[i].event;
    spdlog::info("event {} {} {}: {}", *ids[i], SeverityName(e.severity()), e.kind(), e.message());
  }
}

}  // namespace zfleet::controller
