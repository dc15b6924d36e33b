#include "cli/render/render_schedule.h"

#include <map>
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

// Soonest due first; a pool without a due date sorts after every dated one.
std::vector<const v1::ScheduleRow*> SortedRows(const v1::GetScheduleResponse& schedule) {
  return SortedBy(schedule.rows(), [](const v1::ScheduleRow& a, const v1::ScheduleRow& b) {
    return std::make_tuple(!a.has_next_due(), a.next_due(), a.host_id(), a.pool()) <
           std::make_tuple(!b.has_next_due(), b.next_due(), b.host_id(), b.pool());
  });
}

Color StatusColor(const v1::ScheduleRow& row) {
  if (row.status() == "waiting") return Color::kYellow;
  if (row.status() == "running" || row.status() == "due") return Color::kGreen;
  return Color::kNone;
}

Cell NextDueCell(const v1::ScheduleRow& row, absl::Time now) {
  if (!row.has_next_due()) return Cell(row.overdue() ? "overdue" : "-", Color::kRed);
  std::string text = FormatMinute(row.next_due());
  if (!row.overdue()) return Cell(text);
  absl::StrAppend(&text, " (overdue ", FormatSpan(now - absl::FromUnixSeconds(row.next_due())),
                  ")");
  return Cell(text, Color::kRed);
}

// The plan's latest start ("now" once it has come); "(late)" and red when the plan sees the
// pool missing its due time.
Cell StartByCell(const v1::ScheduleRow& row, absl::Time now) {
  std::string text = !row.has_start_by()                            ? "-"
                     : absl::FromUnixSeconds(row.start_by()) <= now ? "now"
                                                                    : FormatMinute(row.start_by());
  if (!row.late()) return Cell(text);
  return Cell(row.has_start_by() ? absl::StrCat(text, " (late)") : "late", Color::kRed);
}

std::string Summary(const v1::GetScheduleResponse& schedule, absl::Time now) {
  std::map<std::string, int> by_status;
  int overdue = 0;
  int will_be_late = 0;
  for (const auto& row : schedule.rows()) {
    ++by_status[row.status()];
    overdue += row.overdue() ? 1 : 0;
    will_be_late += row.late() && !row.overdue() ? 1 : 0;
  }
  std::vector<std::string> parts = {absl::StrCat(schedule.rows_size(), " pools")};
  for (const char* status : {"running", "paused", "due", "waiting"}) {
    if (by_status[status] > 0) parts.push_back(absl::StrCat(by_status[status], " ", status));
  }
  if (overdue > 0) parts.push_back(absl::StrCat(overdue, " overdue"));
  if (will_be_late > 0) parts.push_back(absl::StrCat(will_be_late, " will be late"));
  std::string out = absl::StrCat("schedule at ", FormatMinute(absl::ToUnixSeconds(now)),
                                 " UTC: ", absl::StrJoin(parts, ", "), "\n");
  for (const auto& s : schedule.shortfalls()) {
    absl::StrAppend(&out, "policy cannot be met: ", s.text(), "\n");
  }
  return out;
}

}  // namespace

std::string RenderScheduleText(const v1::GetScheduleResponse& schedule,
                               const RenderOptions& options) {
  if (schedule.rows_size() == 0) return "no pools\n";
  const absl::Time now = EvaluatedTime(schedule.evaluated_at(), options.now);
  Table table({{"HOST"},
               {"POOL"},
               {"CLASS"},
               Table::Whole("LAST-SCRUB"),
               Table::Whole("NEXT-DUE"),
               Table::Whole("START-BY"),
               {"STATUS"},
               {"REASON"}});
  for (const v1::ScheduleRow* row : SortedRows(schedule)) {
    table.AddRow({row->host_id(), row->pool(), OrDash(row->class_()),
                  row->has_last_scrub_end() ? FormatMinute(row->last_scrub_end()) : "never",
                  NextDueCell(*row, now), StartByCell(*row, now),
                  Cell(row->status(), StatusColor(*row)), Cell(row->reason(), StatusColor(*row))});
  }
  return absl::StrCat(Summary(schedule, now), "\n", table.Render(options.color, "", options.width));
}

Json RenderScheduleJson(const v1::GetScheduleResponse& schedule) {
  Json pools = Json::array();
  for (const v1::ScheduleRow* row : SortedRows(schedule)) {
    Json j;
    j["host"] = row->host_id();
    j["pool"] = row->pool();
    j["class"] = StringOrNull(row->class_());
    j["last_scrub"] = row->has_last_scrub_end() ? TimeOrNull(row->last_scrub_end()) : Json();
    j["next_due"] = row->has_next_due() ? TimeOrNull(row->next_due()) : Json();
    j["status"] = row->status();
    j["reason"] = StringOrNull(row->reason());
    j["overdue"] = row->overdue();
    j["start_by"] = row->has_start_by() ? TimeOrNull(row->start_by()) : Json();
    j["late"] = row->late();
    j["expected_seconds"] = row->has_expected_seconds() ? Json(row->expected_seconds()) : Json();
    pools.push_back(std::move(j));
  }
  Json shortfalls = Json::array();
  for (const auto& s : schedule.shortfalls()) {
    shortfalls.push_back({{"group", s.group()},
                          {"class", s.class_()},
                          {"interval_seconds", s.interval_seconds()},
                          {"need_hours", s.need_hours()},
                          {"capacity_hours", s.capacity_hours()},
                          {"pools", s.pools()},
                          {"text", s.text()}});
  }
  Json doc;
  doc["evaluated_at"] = TimeOrNull(schedule.evaluated_at());
  doc["pools"] = std::move(pools);
  doc["shortfalls"] = std::move(shortfalls);
  return doc;
}

}  // namespace zfleet::cli
