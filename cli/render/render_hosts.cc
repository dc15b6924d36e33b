#include "cli/render/render_hosts.h"

#include <algorithm>
#include <map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cli/render/format_util.h"
#include "cli/render/sorted.h"
#include "cli/render/table.h"

namespace zfleet::cli {
namespace {

using Json = nlohmann::ordered_json;

std::vector<const v1::HostSummary*> SortedHosts(const v1::ListHostsResponse& hosts) {
  return SortedBy(hosts.hosts(), [](const v1::HostSummary& a, const v1::HostSummary& b) {
    return a.host_id() < b.host_id();
  });
}

}  // namespace

std::string RenderHostsText(const v1::ListHostsResponse& hosts, const RenderOptions& options) {
  if (hosts.hosts_size() == 0) return "no hosts\n";
  const bool any_error = std::any_of(hosts.hosts().begin(), hosts.hosts().end(),
                                     [](const auto& h) { return !h.collect_error().empty(); });
  std::vector<Table::Column> columns = {
      {"HOST"},  {"REPORTING"}, Table::Whole("LAST-SEEN"), {"POOLS", Align::kRight}, {"ZPOOL-GENERATION"},
      {"AGENT"}, {"INSTANCE"}};
  if (any_error) columns.push_back({"ERROR"});
  Table table(std::move(columns));
  for (const v1::HostSummary* h : SortedHosts(hosts)) {
    table.AddRow({h->host_id(),
                  Cell(h->reporting() ? "yes" : "no", h->reporting() ? Color::kNone : Color::kRed),
                  FormatAge(h->last_seen(), options.now), absl::StrCat(h->pool_count()),
                  OrDash(h->info().zpool_generation()), OrDash(h->info().agent_version()),
                  OrDash(h->instance_id()), Cell(h->collect_error(), Color::kRed)});
  }
  return table.Render(options.color, "", options.width);
}

Json RenderHostsJson(const v1::ListHostsResponse& hosts) {
  Json list = Json::array();
  for (const v1::HostSummary* h : SortedHosts(hosts)) {
    Json j;
    j["host"] = h->host_id();
    j["instance_id"] = StringOrNull(h->instance_id());
    j["reporting"] = h->reporting();
    j["first_seen"] = TimeOrNull(h->first_seen());
    j["last_seen"] = TimeOrNull(h->last_seen());
    j["pool_count"] = h->pool_count();
    j["hostname"] = StringOrNull(h->info().hostname());
    j["agent_version"] = StringOrNull(h->info().agent_version());
    j["zpool_path"] = StringOrNull(h->info().zpool_path());
    j["zpool_generation"] = StringOrNull(h->info().zpool_generation());
    // Sorted so the document is stable; proto maps have no order.
    std::map<std::string, std::string> labels(h->info().labels().begin(), h->info().labels().end());
    j["labels"] = Json(labels);
    j["load1"] = h->info().has_load1() ? Json(h->info().load1()) : Json(nullptr);
    j["collect_error"] = StringOrNull(h->collect_error());
    list.push_back(std::move(j));
  }
  Json doc;
  doc["hosts"] = std::move(list);
  return doc;
}

}  // namespace zfleet::cli
