#include "cli/render/render_triage.h"

#include <map>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli/render/disk_view.h"
#include "cli/render/format_util.h"
#include "cli/render/sorted.h"
#include "cli/render/table.h"

namespace zfleet::cli {
namespace {

using Json = nlohmann::ordered_json;

// Width of "CRITICAL" plus the gap; continuation lines start under the place.
constexpr size_t kSeverityWidth = 10;

std::vector<const v1::TriageItem*> SortedItems(const v1::TriageResponse& triage) {
  return SortedBy(triage.items(), [](const v1::TriageItem& a, const v1::TriageItem& b) {
    return SeverityRank(SeverityText(a)) < SeverityRank(SeverityText(b));
  });
}

std::string Place(const v1::TriageItem& item) {
  const std::string& host = item.host_id().empty() ? item.disk().host_id() : item.host_id();
  const std::string& pool = item.pool().empty() ? item.disk().pool() : item.pool();
  std::string place = host.empty() ? "fleet" : host;
  if (!pool.empty()) absl::StrAppend(&place, "/", pool);
  if (item.has_disk()) {
    absl::StrAppend(&place, " disk ", DiskDevice(item.disk()));
    const std::string identity = DiskIdentityText(item.disk());
    if (!identity.empty()) absl::StrAppend(&place, " (", identity, ")");
  }
  return place;
}

std::string Summary(const std::vector<const v1::TriageItem*>& items) {
  std::vector<std::string> counts;
  std::map<int, std::pair<std::string, int>> by_rank;
  for (const v1::TriageItem* item : items) {
    const std::string severity = SeverityText(*item);
    auto& [name, n] = by_rank[SeverityRank(severity)];
    name = severity.empty() ? "unknown" : severity;
    ++n;
  }
  for (const auto& [rank, entry] : by_rank)
    counts.push_back(absl::StrCat(entry.second, " ", entry.first));
  const size_t n = items.size();
  return absl::StrCat(n, n == 1 ? " item needs attention: " : " items need attention: ",
                      absl::StrJoin(counts, ", "));
}

// The item's lines, each fitted to `width` (0: no limit) with its continuation lines under
// the place, so that the severity column stays clear.
std::string Item(const v1::TriageItem& item, absl::Time now, bool color, size_t width) {
  const std::string indent(kSeverityWidth, ' ');
  std::string severity =
      absl::AsciiStrToUpper(SeverityText(item).empty() ? "unknown" : SeverityText(item));
  const size_t pad = severity.size() < kSeverityWidth ? kSeverityWidth - severity.size() : 1;
  std::vector<std::string> lines;
  lines.push_back(absl::StrCat(Colorize(severity, SeverityColor(SeverityText(item)), color),
                               std::string(pad, ' '), Place(item), ": ", item.problem()));
  if (item.since() != 0) {
    absl::StrAppend(&lines.back(), " (since ", FormatMinute(item.since()), " UTC, ",
                    FormatAge(item.since(), now), ")");
  }
  if (item.has_disk()) {
    std::string errors = DiskCountersText(item.disk());
    const std::string trend = CounterTrend(item.disk());
    if (!trend.empty()) absl::StrAppend(&errors, "; ", trend);
    lines.push_back(absl::StrCat(indent, "errors: ", errors));
  }
  if (!item.action().empty()) {
    lines.push_back(
        absl::StrCat(indent, Colorize("ACTION:", Color::kBold, color), " ", item.action()));
  }
  if (item.held() > 0) {
    lines.push_back(absl::StrCat(
        indent, "holds ", item.held(), " open incident", item.held() == 1 ? "" : "s",
        " of this host as last known (`zfleet incidents --host ", item.host_id(), "`)"));
  }
  if (item.incident_id() != 0) {
    lines.push_back(
        absl::StrCat(indent, "incident ", item.incident_id(),
                     item.acknowledged_by().empty()
                         ? absl::StrCat(": `zfleet ack ", item.incident_id(), "` when you take it")
                         : absl::StrCat(", acknowledged by ", item.acknowledged_by())));
  }
  std::string out;
  for (const std::string& line : lines) absl::StrAppend(&out, WordWrap(line, width, indent), "\n");
  return out;
}

}  // namespace

std::string RenderTriageText(const v1::TriageResponse& triage, const RenderOptions& options) {
  if (triage.items_size() == 0) return "nothing needs attention\n";
  const std::vector<const v1::TriageItem*> items = SortedItems(triage);
  std::string out = absl::StrCat(WordWrap(Summary(items), options.width, ""), "\n\n");
  // Ages count from when the controller looked, so they agree with "since".
  const absl::Time now = EvaluatedTime(triage.evaluated_at(), options.now);
  for (const v1::TriageItem* item : items) out += Item(*item, now, options.color, options.width);
  return out;
}

Json RenderTriageJson(const v1::TriageResponse& triage) {
  Json list = Json::array();
  for (const v1::TriageItem* item : SortedItems(triage)) {
    Json j;
    j["severity"] = SeverityText(*item);
    j["kind"] = item->kind();
    j["host"] = StringOrNull(item->host_id());
    j["pool"] = StringOrNull(item->pool());
    j["disk"] = item->has_disk() ? DiskToJson(item->disk()) : Json();
    j["problem"] = item->problem();
    j["action"] = StringOrNull(item->action());
    j["since"] = TimeOrNull(item->since());
    j["incident"] = item->incident_id() != 0 ? Json(item->incident_id()) : Json();
    j["acknowledged_by"] = StringOrNull(item->acknowledged_by());
    j["subject"] = StringOrNull(item->subject());
    j["value"] = item->value();
    j["held"] = item->held();
    list.push_back(std::move(j));
  }
  Json doc;
  doc["evaluated_at"] = TimeOrNull(triage.evaluated_at());
  doc["items"] = std::move(list);
  return doc;
}

}  // namespace zfleet::cli
