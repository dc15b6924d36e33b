#include "cli/render/render_pools.h"

#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cli/render/format_util.h"
#include "cli/render/render_history.h"
#include "cli/render/sorted.h"
#include "cli/render/table.h"
#include "model/enum_names.h"
#include "model/pool_json.h"

namespace zfleet::cli {
namespace {

using Json = nlohmann::ordered_json;

#define ZFLEET_CLI_OPT(msg, field) ((msg).has_##field() ? Json((msg).field()) : Json(nullptr))

bool HasLastScrub(const v1::PoolSummary& s) {
  return s.has_last_scrub() && s.last_scrub().id() != 0;
}

std::string LastScrubCell(const v1::PoolSummary& s) {
  if (HasLastScrub(s)) {
    const v1::ScrubRun& run = s.last_scrub();
    const int64_t when = ScrubRunTime(run);
    std::string text = when != 0 ? FormatMinute(when) : "-";
    if (RunStateOf(run) != v1::RUN_FINISHED) absl::StrAppend(&text, " ", RunStateText(run));
    return text;
  }
  const v1::Scan& scan = s.pool().scan();
  if (scan.function() == "scrub" && scan.state() == "finished" && scan.has_end_time()) {
    return FormatMinute(scan.end_time());
  }
  return "-";
}

std::string SizeCell(bool known, uint64_t bytes) { return known ? HumanSize(bytes) : "-"; }

}  // namespace

std::vector<const v1::PoolSummary*> SortedPools(const v1::ListPoolsResponse& pools) {
  return SortedBy(pools.pools(), [](const v1::PoolSummary& a, const v1::PoolSummary& b) {
    return std::tie(a.host_id(), a.pool().name()) < std::tie(b.host_id(), b.pool().name());
  });
}

std::string RenderPoolsText(const v1::ListPoolsResponse& pools, const RenderOptions& options) {
  if (pools.pools_size() == 0) return "no pools\n";
  Table table({{"HOST"},
               {"POOL"},
               {"STATE"},
               {"SIZE", Align::kRight},
               {"ALLOC", Align::kRight},
               {"CAP", Align::kRight},
               {"SCAN"},
               Table::Whole("LAST-SCRUB")});
  for (const v1::PoolSummary* s : SortedPools(pools)) {
    const v1::Pool& p = s->pool();
    table.AddRow({s->host_id(), p.name(), Cell(p.state(), StateColor(p.state())),
                  SizeCell(p.has_size_bytes(), p.size_bytes()),
                  SizeCell(p.has_allocated_bytes(), p.allocated_bytes()),
                  p.has_capacity_percent() ? absl::StrCat(p.capacity_percent(), "%") : "-",
                  ScanSummary(p.scan()), LastScrubCell(*s)});
  }
  return table.Render(options.color, "", options.width);
}

Json RenderPoolsJson(const v1::ListPoolsResponse& pools) {
  Json list = Json::array();
  for (const v1::PoolSummary* s : SortedPools(pools)) {
    const v1::Pool& p = s->pool();
    Json j;
    j["host"] = s->host_id();
    j["pool"] = p.name();
    j["state"] = p.state();
    j["size_bytes"] = ZFLEET_CLI_OPT(p, size_bytes);
    j["allocated_bytes"] = ZFLEET_CLI_OPT(p, allocated_bytes);
    j["free_bytes"] = ZFLEET_CLI_OPT(p, free_bytes);
    j["capacity_percent"] = ZFLEET_CLI_OPT(p, capacity_percent);
    j["fragmentation_percent"] = ZFLEET_CLI_OPT(p, fragmentation_percent);
    j["scan"] = ScanBriefJson(p.scan());
    j["last_scrub"] = HasLastScrub(*s) ? ScrubRunToJson(s->last_scrub()) : Json(nullptr);
    j["last_seen"] = TimeOrNull(s->last_seen());
    j["host_reporting"] = s->host_reporting();
    list.push_back(std::move(j));
  }
  Json doc;
  doc["pools"] = std::move(list);
  return doc;
}

}  // namespace zfleet::cli
