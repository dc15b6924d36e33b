#include "cli/render/render_status.h"

#include <map>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli/render/format_util.h"
#include "cli/render/pool_health.h"
#include "cli/render/sorted.h"
#include "cli/render/table.h"
#include "model/pool_status.h"

namespace zfleet::cli {
namespace {

using Json = nlohmann::ordered_json;

struct Row {
  const v1::PoolStatus* pool;
  PoolHealth health;
};

struct FleetView {
  int hosts_reporting = 0;
  std::map<std::string, int> pools_by_state;
  std::vector<Row> rows;  // sorted by host and pool; filtered by only_unhealthy
  bool all_healthy = true;
};

// The shape ScanSummary and ScanBriefJson read.
v1::Scan ScanOf(const v1::PoolStatus& pool) {
  v1::Scan scan;
  scan.set_function(pool.scan_function());
  scan.set_state(pool.scan_state());
  if (pool.has_percent_done()) scan.set_percent_done(pool.percent_done());
  if (pool.has_scan_end_time()) scan.set_end_time(pool.scan_end_time());
  return scan;
}

FleetView BuildView(const StatusInput& input) {
  FleetView view;
  view.hosts_reporting = static_cast<int>(input.status.hosts_reporting());
  const auto by_host_and_pool = [](const v1::PoolStatus& a, const v1::PoolStatus& b) {
    return std::tie(a.host_id(), a.pool()) < std::tie(b.host_id(), b.pool());
  };
  for (const v1::PoolStatus* pool : SortedBy(input.status.pools(), by_host_and_pool)) {
    const std::string& state = pool->state();
    ++view.pools_by_state[state.empty() ? "UNKNOWN" : state];
    Row row{pool, EvaluatePool(*pool)};
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

v1::GetStatusResponse StatusFromLists(const v1::ListHostsResponse& hosts,
                                      const v1::ListPoolsResponse& pools) {
  v1::GetStatusResponse status;
  status.set_hosts_total(static_cast<uint32_t>(hosts.hosts_size()));
  uint32_t reporting = 0;
  for (const auto& host : hosts.hosts()) reporting += host.reporting() ? 1 : 0;
  status.set_hosts_reporting(reporting);
  for (const auto& summary : pools.pools()) *status.add_pools() = PoolStatusOf(summary);
  return status;
}

std::string RenderStatusText(const StatusInput& input, const RenderOptions& options) {
  const FleetView view = BuildView(input);
  if (input.only_unhealthy && view.rows.empty()) return "all pools are healthy\n";

  const int hosts_total = static_cast<int>(input.status.hosts_total());
  std::string out = absl::StrCat(
      "hosts: ",
      Colorize(absl::StrCat(view.hosts_reporting, " of ", hosts_total, " reporting"),
               view.hosts_reporting < hosts_total ? Color::kRed : Color::kNone, options.color),
      "\n");
  std::vector<std::string> states;
  for (const auto& [state, count] : view.pools_by_state) {
    states.push_back(absl::StrCat(count, " ", Colorize(state, StateColor(state), options.color)));
  }
  absl::StrAppend(&out, "pools: ", input.status.pools_size());
  if (!states.empty()) absl::StrAppend(&out, " (", absl::StrJoin(states, ", "), ")");
  out += "\n";
  if (view.rows.empty()) return out;

  Table table({{"HOST"}, {"POOL"}, {"STATE"}, {"SCAN"}, {"ERRORS", Align::kRight}, Table::Whole("LAST-SEEN")});
  for (const Row& row : view.rows) {
    const v1::PoolStatus& s = *row.pool;
    const std::string errors = ErrorsCell(row.health);
    table.AddRow({s.host_id(), s.pool(), Cell(s.state(), StateColor(s.state())),
                  ScanSummary(ScanOf(s)),
                  Cell(errors, errors == "0" || errors == "-" ? Color::kNone : Color::kRed),
                  Cell(FormatAge(s.last_seen(), options.now),
                       s.host_reporting() ? Color::kNone : Color::kRed)});
  }
  absl::StrAppend(&out, "\n", table.Render(options.color, "", options.width));
  return out;
}

Json RenderStatusJson(const StatusInput& input) {
  const FleetView view = BuildView(input);
  Json doc;
  doc["hosts_total"] = static_cast<int>(input.status.hosts_total());
  doc["hosts_reporting"] = view.hosts_reporting;
  doc["pools_total"] = input.status.pools_size();
  Json by_state = Json::object();
  for (const auto& [state, count] : view.pools_by_state) by_state[state] = count;
  doc["pools_by_state"] = std::move(by_state);
  doc["all_healthy"] = view.all_healthy;
  Json pools = Json::array();
  for (const Row& row : view.rows) {
    const v1::PoolStatus& s = *row.pool;
    Json p;
    p["host"] = s.host_id();
    p["pool"] = s.pool();
    p["state"] = s.state();
    p["healthy"] = row.health.healthy();
    p["problems"] = row.health.problems;
    p["scan"] = ScanBriefJson(ScanOf(s));
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
