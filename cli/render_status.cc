#include "cli/render_status.h"

#include <map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli/format_util.h"
#include "cli/pool_health.h"
#include "cli/render_pools.h"
#include "cli/table.h"

namespace zfleet::cli {
namespace {

using Json = nlohmann::ordered_json;

struct Row {
  const v1::PoolSummary* summary;
  PoolHealth health;
};

struct FleetView {
  int hosts_reporting = 0;
  std::map<std::string, int> pools_by_state;
  std::vector<Row> rows;  // sorted as SortedPools(); filtered by only_unhealthy
  bool all_healthy = true;
};

FleetView BuildView(const StatusInput& input) {
  FleetView view;
  for (const auto& host : input.hosts.hosts()) view.hosts_reporting += host.reporting() ? 1 : 0;
  for (const v1::PoolSummary* summary : SortedPools(input.pools)) {
    const std::string& state = summary->pool().state();
    ++view.pools_by_state[state.empty() ? "UNKNOWN" : state];
    Row row{summary, EvaluatePool(*summary)};
    if (!row.health.healthy()) view.all_healthy = false;
    if (input.only_unhealthy && row.health.healthy()) continue;
    view.rows.push_back(std::move(row));
  }
  return view;
}

std::string ErrorsCell(const PoolHealth& health) {
  if (!health.data_errors && !health.device_errors) return "-";
  return absl::StrCat(health.data_errors.value_or(0) + health.device_errors.value_or(0));
}

}  // namespace

std::string RenderStatusText(const StatusInput& input, const RenderOptions& options) {
  const FleetView view = BuildView(input);
  if (input.only_unhealthy && view.rows.empty()) return "all pools are healthy\n";

  const int hosts_total = input.hosts.hosts_size();
  std::string out = absl::StrCat(
      "hosts: ",
      Colorize(absl::StrCat(view.hosts_reporting, " of ", hosts_total, " reporting"),
               view.hosts_reporting < hosts_total ? Color::kRed : Color::kNone, options.color),
      "\n");
  std::vector<std::string> states;
  for (const auto& [state, count] : view.pools_by_state) {
    states.push_back(absl::StrCat(count, " ", Colorize(state, StateColor(state), options.color)));
  }
  absl::StrAppend(&out, "pools: ", input.pools.pools_size());
  if (!states.empty()) absl::StrAppend(&out, " (", absl::StrJoin(states, ", "), ")");
  out += "\n";
  if (view.rows.empty()) return out;

  Table table({{"HOST"}, {"POOL"}, {"STATE"}, {"SCAN"}, {"ERRORS", Align::kRight}, {"LAST-SEEN"}});
  for (const Row& row : view.rows) {
    const v1::PoolSummary& s = *row.summary;
    const std::string errors = ErrorsCell(row.health);
    table.AddRow({s.host_id(), s.pool().name(),
                  Cell(s.pool().state(), StateColor(s.pool().state())),
                  ScanSummary(s.pool().scan()),
                  Cell(errors, errors == "0" || errors == "-" ? Color::kNone : Color::kRed),
                  Cell(FormatAge(s.last_seen(), options.now),
                       s.host_reporting() ? Color::kNone : Color::kRed)});
  }
  absl::StrAppend(&out, "\n", table.Render(options.color));
  return out;
}

Json RenderStatusJson(const StatusInput& input) {
  const FleetView view = BuildView(input);
  Json doc;
  doc["hosts_total"] = input.hosts.hosts_size();
  doc["hosts_reporting"] = view.hosts_reporting;
  doc["pools_total"] = input.pools.pools_size();
  Json by_state = Json::object();
  for (const auto& [state, count] : view.pools_by_state) by_state[state] = count;
  doc["pools_by_state"] = std::move(by_state);
  doc["all_healthy"] = view.all_healthy;
  Json pools = Json::array();
  for (const Row& row : view.rows) {
    const v1::PoolSummary& s = *row.summary;
    Json p;
    p["host"] = s.host_id();
    p["pool"] = s.pool().name();
    p["state"] = s.pool().state();
    p["healthy"] = row.health.healthy();
    p["problems"] = row.health.problems;
    p["scan"] = ScanBriefJson(s.pool().scan());
    p["data_errors"] = row.health.data_errors ? Json(*row.health.data_errors) : Json(nullptr);
    p["device_errors"] = row.health.device_errors ? Json(*row.health.device_errors) : Json(nullptr);
    p["last_seen"] = TimeOrNull(s.last_seen());
    p["host_reporting"] = s.host_reporting();
    pools.push_back(std::move(p));
  }
  doc["pools"] = std::move(pools);
  return doc;
}

}  // namespace zfleet::cli
