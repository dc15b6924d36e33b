#include "cli/render/render_events.h"

#include <algorithm>
#include <cstdint>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli/render/format_util.h"
#include "cli/render/sorted.h"
#include "cli/render/table.h"

namespace zfleet::cli {
namespace {

using Json = nlohmann::ordered_json;

// An older controller sends neither: one occurrence, last seen when raised.
uint32_t Count(const v1::Event& e) { return std::max<uint32_t>(e.count(), 1); }
int64_t LastSeen(const v1::Event& e) { return e.last_seen() != 0 ? e.last_seen() : e.time(); }

std::vector<const v1::Event*> SortedEvents(const v1::ListEventsResponse& events) {
  return SortedBy(events.events(), [](const v1::Event& a, const v1::Event& b) {
    return std::make_tuple(LastSeen(a), a.id()) > std::make_tuple(LastSeen(b), b.id());
  });
}

// The message, and for a repeated condition how often and when last: "… (×37, last 14:02)"
// (the date too when the last occurrence is on another UTC day than the first).
std::string MessageCell(const v1::Event& e) {
  if (Count(e) <= 1) return e.message();
  const std::string first = FormatMinute(e.time());
  std::string last = FormatMinute(LastSeen(e));
  if (first.substr(0, 10) == last.substr(0, 10)) last = last.substr(11);
  return absl::StrCat(e.message(), " (×", Count(e), ", last ", last, ")");
}

std::string AckCell(const v1::Event& e) {
  if (!e.acknowledged_by().empty()) return e.acknowledged_by();
  return e.has_acknowledged_at() ? "yes" : "-";
}

}  // namespace

std::string RenderEventsText(const v1::ListEventsResponse& events, absl::Time since,
                             const RenderOptions& options) {
  if (events.events_size() == 0) {
    return absl::StrCat("no events since ", FormatMinute(absl::ToUnixSeconds(since)), " UTC\n");
  }
  Table table({{"ID", Align::kRight},
               Table::Whole("TIME"),
               {"SEVERITY"},
               {"HOST"},
               {"POOL"},
               {"DEVICE"},
               {"KIND"},
               {"MESSAGE"},
               {"ACK"}});
  for (const v1::Event* e : SortedEvents(events)) {
    table.AddRow({absl::StrCat(e->id()), e->time() != 0 ? FormatMinute(e->time()) : "-",
                  Cell(SeverityText(*e), SeverityColor(SeverityText(*e))), OrDash(e->host_id()),
                  OrDash(e->pool()), OrDash(e->device()), e->kind(), MessageCell(*e), AckCell(*e)});
  }
  return table.Render(options.color, "", options.width);
}

Json RenderEventsJson(const v1::ListEventsResponse& events) {
  Json list = Json::array();
  for (const v1::Event* e : SortedEvents(events)) {
    Json j;
    j["id"] = e->id();
    j["time"] = TimeOrNull(e->time());
    j["last_seen"] = TimeOrNull(LastSeen(*e));
    j["count"] = Count(*e);
    j["severity"] = SeverityText(*e);
    j["host"] = StringOrNull(e->host_id());
    j["pool"] = StringOrNull(e->pool());
    j["device"] = StringOrNull(e->device());
    j["kind"] = e->kind();
    j["message"] = e->message();
    j["acknowledged_by"] = StringOrNull(e->acknowledged_by());
    j["acknowledged_at"] = e->has_acknowledged_at() ? TimeOrNull(e->acknowledged_at()) : Json();
    list.push_back(std::move(j));
  }
  Json doc;
  doc["events"] = std::move(list);
  return doc;
}

}  // namespace zfleet::cli
