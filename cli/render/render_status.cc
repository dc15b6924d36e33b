#include "cli/render/render_status.h"

#include <cstdint>
#include <map>
#include <memory>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli/render/format_util.h"
#include "cli/render/sorted.h"
#include "cli/render/table.h"
#include "model/pool_health.h"
#include "model/pool_status.h"
#include "model/status_listing.h"

namespace zfleet::cli {
namespace {

using Json = nlohmann::ordered_json;

struct Row {
  const v1::PoolStatus* pool;
  PoolHealth health;
};

struct FleetView {
  // The listing made here for a controller that predates the limit (no summary); on the
  // heap, so the rows' pointers into it survive a move of the view.
  std::unique_ptr<v1::GetStatusResponse> listed_here;
  const v1::GetStatusResponse* status = nullptr;  // with its summary: input's or listed_here

  std::map<std::string, uint32_t> pools_by_state;
  std::vector<Row> rows;  // the listed pools, sorted by host and pool
  uint32_t unlisted = 0;  // pools the request matched but the limit left out
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
  view.status = &input.status;
  if (!input.status.has_summary()) {
    view.listed_here = std::make_unique<v1::GetStatusResponse>();
    view.listed_here->set_hosts_total(input.status.hosts_total());
    view.listed_here->set_hosts_reporting(input.status.hosts_reporting());
    StatusListing listing(input.request);
    for (const v1::PoolStatus& pool : input.status.pools()) listing.Add(pool);
    std::move(listing).Finish(view.listed_here.get());
    view.status = view.listed_here.get();
  }
  const v1::FleetStatusSummary& summary = view.status->summary();
  view.pools_by_state.insert(summary.pools_by_state().begin(), summary.pools_by_state().end());
  const auto by_host_and_pool = [](const v1::PoolStatus& a, const v1::PoolStatus& b) {
    return std::tie(a.host_id(), a.pool()) < std::tie(b.host_id(), b.pool());
  };
  for (const v1::PoolStatus* pool : SortedBy(view.status->pools(), by_host_and_pool)) {
    view.rows.push_back(Row{pool, EvaluatePool(*pool)});
  }
  const uint32_t matched =
      input.request.unhealthy_only() ? summary.pools_unhealthy() : summary.pools_total();
  const auto listed = static_cast<uint32_t>(view.rows.size());
  view.unlisted = matched > listed ? matched - listed : 0;
  return view;
}

// "listed 100 of 4000 pools, every unhealthy one (12) among them; --all lists every pool".
std::string UnlistedLine(const StatusInput& input, const FleetView& view) {
  const size_t listed = view.rows.size();
  const uint32_t unhealthy = view.status->summary().pools_unhealthy();
  if (input.request.unhealthy_only()) {
    return absl::StrCat("listed ", listed, " of ", unhealthy,
                        " unhealthy pools; --all lists every one\n");
  }
  std::string which = unhealthy == 0 ? "none unhealthy"
                      : unhealthy <= listed
                          ? absl::StrCat("every unhealthy one (", unhealthy, ") among them")
                          : absl::StrCat("all unhealthy (", unhealthy, " are)");
  return absl::StrCat("listed ", listed, " of ", view.status->summary().pools_total(), " pools, ",
                      which, "; --all lists every pool\n");
}

std::string ErrorsCell(const PoolHealth& health) {
  if (!health.data_errors && !health.device_errors) return "-";
  return absl::StrCat(health.data_errors.value_or(0) + health.device_errors.value_or(0));
}

}  // namespace

v1::GetStatusResponse StatusFromLists(const v1::ListHostsResponse& hosts,
                                      const v1::ListPoolsResponse& pools,
                                      const v1::GetStatusRequest& request) {
  v1::GetStatusResponse status;
  status.set_hosts_total(static_cast<uint32_t>(hosts.hosts_size()));
  uint32_t reporting = 0;
  for (const auto& host : hosts.hosts()) reporting += host.reporting() ? 1 : 0;
  status.set_hosts_reporting(reporting);
  StatusListing listing(request);
  for (const auto& summary : pools.pools()) listing.Add(PoolStatusOf(summary));
  std::move(listing).Finish(&status);
  return status;
}

std::string RenderStatusText(const StatusInput& input, const RenderOptions& options) {
  const FleetView view = BuildView(input);
  if (input.request.unhealthy_only() && view.status->summary().pools_unhealthy() == 0) {
    return "all pools are healthy\n";
  }

  const uint32_t hosts_total = view.status->hosts_total();
  const uint32_t hosts_reporting = view.status->hosts_reporting();
  std::string out = absl::StrCat(
      "hosts: ",
      Colorize(absl::StrCat(hosts_reporting, " of ", hosts_total, " reporting"),
               hosts_reporting < hosts_total ? Color::kRed : Color::kNone, options.color),
      "\n");
  std::vector<std::string> states;
  for (const auto& [state, count] : view.pools_by_state) {
    states.push_back(absl::StrCat(count, " ", Colorize(state, StateColor(state), options.color)));
  }
  absl::StrAppend(&out, "pools: ", view.status->summary().pools_total());
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
  if (view.unlisted > 0) absl::StrAppend(&out, "\n", UnlistedLine(input, view));
  return out;
}

Json RenderStatusJson(const StatusInput& input) {
  const FleetView view = BuildView(input);
  Json doc;
  const v1::FleetStatusSummary& summary = view.status->summary();
  doc["hosts_total"] = view.status->hosts_total();
  doc["hosts_reporting"] = view.status->hosts_reporting();
  doc["pools_total"] = summary.pools_total();
  Json by_state = Json::object();
  for (const auto& [state, count] : view.pools_by_state) by_state[state] = count;
  doc["pools_by_state"] = std::move(by_state);
  doc["pools_unhealthy"] = summary.pools_unhealthy();
  doc["all_healthy"] = summary.pools_unhealthy() == 0;
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
  doc["pools_unlisted"] = view.unlisted;
  return doc;
}

}  // namespace zfleet::cli
