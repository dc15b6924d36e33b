#include "cli/render/render_incidents.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli/render/format_util.h"
#include "cli/render/table.h"
#include "model/enum_names.h"

namespace zfleet::cli {
namespace {

using Json = nlohmann::ordered_json;

std::string Where(const v1::Incident& i) {
  std::string where = i.host_id();
  if (!i.pool().empty()) absl::StrAppend(&where, "/", i.pool());
  if (!i.subject().empty()) absl::StrAppend(&where, " ", i.subject());
  return where;
}

std::string Problem(const v1::Incident& i) {
  if (i.peak_value() <= i.value()) return i.problem();
  return absl::StrCat(i.problem(), " (worst ", i.peak_value(), ")");
}

std::string Severity(v1::Severity s) {
  const absl::string_view name = SeverityName(s);
  return name.empty() ? "unknown" : std::string(name);
}

}  // namespace

std::string RenderIncidentsText(const v1::ListIncidentsResponse& incidents, bool all,
                                const RenderOptions& options) {
  if (incidents.incidents_size() == 0) return all ? "no incidents\n" : "no open incidents\n";
  std::vector<Table::Column> columns = {
      {"ID", Align::kRight}, {"SEVERITY"},           {"KIND"}, {"WHERE"},
      {"PROBLEM"},           Table::Whole("OPENED"), {"ACK"}};
  if (all) columns.push_back(Table::Whole("RESOLVED"));
  Table table(std::move(columns));
  for (const v1::Incident& i : incidents.incidents()) {
    const std::string severity = Severity(i.severity());
    std::vector<Cell> row = {absl::StrCat(i.id()), Cell(severity, SeverityColor(severity)),
                             i.kind(), Where(i), Problem(i),
                             // With RESOLVED beside it, the age would only crowd the problem.
                             all ? FormatMinute(i.opened_at())
                                 : absl::StrCat(FormatMinute(i.opened_at()), " (",
                                                FormatAge(i.opened_at(), options.now), ")"),
                             OrDash(i.acknowledged_by())};
    if (all) row.push_back(i.has_resolved_at() ? FormatMinute(i.resolved_at()) : "open");
    table.AddRow(std::move(row));
  }
  return table.Render(options.color, "", options.width);
}

Json RenderIncidentsJson(const v1::ListIncidentsResponse& incidents) {
  Json list = Json::array();
  for (const v1::Incident& i : incidents.incidents()) {
    Json j;
    j["id"] = i.id();
    j["severity"] = Severity(i.severity());
    j["worst_severity"] = Severity(i.worst_severity());
    j["kind"] = i.kind();
    j["host"] = StringOrNull(i.host_id());
    j["pool"] = StringOrNull(i.pool());
    j["subject"] = StringOrNull(i.subject());
    j["problem"] = i.problem();
    j["action"] = StringOrNull(i.action());
    j["value"] = i.value();
    j["peak_value"] = i.peak_value();
    j["opened_at"] = TimeOrNull(i.opened_at());
    j["updated_at"] = TimeOrNull(i.updated_at());
    j["updates"] = i.updates();
    j["resolved_at"] = i.has_resolved_at() ? TimeOrNull(i.resolved_at()) : Json();
    j["acknowledged_by"] = StringOrNull(i.acknowledged_by());
    j["acknowledged_at"] = i.has_acknowledged_at() ? TimeOrNull(i.acknowledged_at()) : Json();
    list.push_back(std::move(j));
  }
  Json doc;
  doc["incidents"] = std::move(list);
  return doc;
}

std::string RenderAckText(const AckOutcome& outcome) {
  const size_t n = outcome.acknowledged.size();
  return absl::StrCat("acknowledged ", n, " ", outcome.noun, n == 1 ? "\n" : "s\n");
}

Json RenderAckJson(const std::string& by, const AckOutcome& outcome) {
  Json doc;
  doc["by"] = by;
  doc["acknowledged"] = Json(outcome.acknowledged);
  doc["unknown"] = Json(outcome.unknown);
  return doc;
}

std::string AckUnknownMessage(const AckOutcome& outcome) {
  if (outcome.unknown.empty()) return "";
  return absl::StrCat("unknown ", outcome.noun, outcome.unknown.size() == 1 ? " id " : " ids ",
                      absl::StrJoin(outcome.unknown, ", "));
}

}  // namespace zfleet::cli
