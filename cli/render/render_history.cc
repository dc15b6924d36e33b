#include "cli/render/render_history.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli/render/format_util.h"
#include "cli/render/table.h"
#include "model/enum_names.h"
#include "model/pool_json.h"

namespace zfleet::cli {
namespace {

using Json = nlohmann::ordered_json;

struct Entry {
  int64_t time;
  Cell what;
};

Color RunColor(const v1::ScrubRun& run) {
  if (RunStateOf(run) == v1::RUN_FAILED || run.errors() > 0) return Color::kRed;
  if (run.bytes_repaired() > 0) return Color::kYellow;
  return Color::kNone;
}

Cell ChangeCell(const v1::PoolChange& change) {
  std::string text = change.summary();
  if (text.empty()) text = change.state().empty() ? "changed" : "state " + change.state();
  const Color color = change.state().empty() || change.state() == "ONLINE"
                          ? Color::kNone
                          : StateColor(change.state());
  return Cell(text, color);
}

// Newest first, by the sort key of the header comment.
std::vector<Entry> Timeline(const v1::GetHistoryResponse& history) {
  std::vector<Entry> entries;
  for (const auto& run : history.scrub_runs()) {
    entries.push_back({ScrubRunTime(run), Cell(ScrubRunLine(run), RunColor(run))});
  }
  for (const auto& change : history.changes()) {
    entries.push_back({change.time(), ChangeCell(change)});
  }
  std::stable_sort(entries.begin(), entries.end(),
                   [](const Entry& a, const Entry& b) { return a.time > b.time; });
  return entries;
}

}  // namespace

int64_t ScrubRunTime(const v1::ScrubRun& run) {
  if (run.has_ended_at()) return run.ended_at();
  if (run.has_started_at()) return run.started_at();
  return run.requested_at();
}

std::string ScrubRunLine(const v1::ScrubRun& run) {
  std::string head = "scrub";
  const std::string trigger = TriggerText(run);
  const std::string state = RunStateText(run);
  if (!trigger.empty()) absl::StrAppend(&head, " ", trigger);
  absl::StrAppend(&head, " ", state.empty() ? "unknown" : state);
  std::vector<std::string> parts = {head};
  if (run.has_bytes_scanned()) parts.push_back(HumanSize(run.bytes_scanned()) + " scanned");
  if (run.has_bytes_repaired()) parts.push_back(HumanSize(run.bytes_repaired()) + " repaired");
  if (run.has_errors()) parts.push_back(absl::StrCat(run.errors(), " errors"));
  if (RunStateOf(run) == v1::RUN_FINISHED && run.has_started_at() && run.has_ended_at()) {
    parts.push_back("took " + FormatSpan(absl::Seconds(run.ended_at() - run.started_at())));
  }
  std::string line = absl::StrJoin(parts, ", ");
  if (!run.message().empty()) absl::StrAppend(&line, ": ", run.message());
  return line;
}

std::string RenderHistoryText(const v1::GetHistoryRequest& request,
                              const v1::GetHistoryResponse& history, const RenderOptions& options) {
  const std::string name = absl::StrCat(request.host_id(), "/", request.pool());
  if (history.scrub_runs_size() == 0 && history.changes_size() == 0) {
    return absl::StrCat("no history recorded for ", name, "\n");
  }
  Table table({Table::Whole("TIME"), {"WHAT"}});
  for (Entry& entry : Timeline(history)) {
    table.AddRow({entry.time != 0 ? FormatMinute(entry.time) : "-", std::move(entry.what)});
  }
  return absl::StrCat("history of ", name, " (newest first):\n\n",
                      table.Render(options.color, "", options.width));
}

Json RenderHistoryJson(const v1::GetHistoryRequest& request,
                       const v1::GetHistoryResponse& history) {
  Json runs = Json::array();
  for (const auto& run : history.scrub_runs()) runs.push_back(ScrubRunToJson(run));
  Json changes = Json::array();
  for (const auto& change : history.changes()) {
    Json j;
    j["time"] = TimeOrNull(change.time());
    j["state"] = StringOrNull(change.state());
    j["scan_function"] = StringOrNull(change.scan_function());
    j["scan_state"] = StringOrNull(change.scan_state());
    j["data_errors"] = change.has_data_errors() ? Json(change.data_errors()) : Json();
    j["device_errors"] = change.device_errors();
    j["summary"] = StringOrNull(change.summary());
    changes.push_back(std::move(j));
  }
  Json doc;
  doc["host"] = request.host_id();
  doc["pool"] = request.pool();
  doc["scrub_runs"] = std::move(runs);
  doc["changes"] = std::move(changes);
  return doc;
}

}  // namespace zfleet::cli
