#include "cli/render/render_pool_detail.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "cli/render/format_util.h"
#include "cli/render/table.h"
#include "common/duration.h"
#include "model/pool_facts.h"
#include "model/pool_json.h"

namespace zfleet::cli {
namespace {

using Json = nlohmann::ordered_json;

// Values start in this column, as in `zpool status` ("status: " is the widest label).
constexpr absl::string_view kValueIndent = "         ";

// "  state: DEGRADED\n"; continuation lines of multi-line values keep the indent.
void AppendField(std::string* out, absl::string_view label, absl::string_view value) {
  const size_t width = std::max<size_t>(7, label.size());
  const std::string continuation(width + 2, ' ');
  absl::StrAppend(out, std::string(width - label.size(), ' '), label, ": ");
  bool first = true;
  for (absl::string_view line : absl::StrSplit(value, '\n')) {
    absl::StrAppend(out, first ? "" : continuation, line, "\n");
    first = false;
  }
}

std::string HostLine(const v1::PoolSummary& s, const RenderOptions& options) {
  std::string reporting = Colorize(s.host_reporting() ? "reporting" : "NOT REPORTING",
                                   s.host_reporting() ? Color::kNone : Color::kRed, options.color);
  if (s.last_seen() == 0) return absl::StrCat(s.host_id(), " (", reporting, ", never seen)");
  return absl::StrCat(s.host_id(), " (", reporting, ", last seen ", FormatSecond(s.last_seen()),
                      " UTC, ", FormatAge(s.last_seen(), options.now), ")");
}

std::string SizeLine(const v1::Pool& p) {
  std::vector<std::string> parts;
  if (p.has_allocated_bytes()) parts.push_back(HumanSize(p.allocated_bytes()) + " allocated");
  if (p.has_free_bytes()) parts.push_back(HumanSize(p.free_bytes()) + " free");
  if (p.has_capacity_percent()) parts.push_back(absl::StrCat(p.capacity_percent(), "% full"));
  if (p.has_fragmentation_percent()) {
    parts.push_back(absl::StrCat(p.fragmentation_percent(), "% fragmented"));
  }
  std::string line = p.has_size_bytes() ? HumanSize(p.size_bytes()) : "unknown";
  if (!parts.empty()) absl::StrAppend(&line, " (", absl::StrJoin(parts, ", "), ")");
  return line;
}

std::string ScanText(const v1::Scan& scan) {
  const std::string& fn = scan.function();
  const std::string& state = scan.state();
  if (fn.empty() || fn == "none" || state.empty() || state == "none") return "none requested";
  std::string head;
  if (IsActiveScanState(state)) {
    head = absl::StrCat(fn, state == "scanning" ? " in progress" : " paused");
    if (scan.has_start_time()) absl::StrAppend(&head, " since ", FormatSecond(scan.start_time()));
  } else {
    head = absl::StrCat(fn, " ", state);
    if (scan.has_end_time()) absl::StrAppend(&head, " ", FormatSecond(scan.end_time()));
  }
  std::vector<std::string> parts;
  if (scan.has_bytes_scanned()) parts.push_back(HumanSize(scan.bytes_scanned()) + " scanned");
  if (scan.has_bytes_issued()) parts.push_back(HumanSize(scan.bytes_issued()) + " issued");
  if (scan.has_bytes_total()) parts.push_back(HumanSize(scan.bytes_total()) + " total");
  if (scan.has_scan_rate_bytes_per_s()) {
    parts.push_back(HumanSize(scan.scan_rate_bytes_per_s()) + "/s");
  }
  if (scan.has_bytes_repaired()) parts.push_back(HumanSize(scan.bytes_repaired()) + " repaired");
  if (scan.has_errors()) parts.push_back(absl::StrCat(scan.errors(), " errors"));
  if (scan.has_percent_done()) parts.push_back(FormatPercent(scan.percent_done()) + " done");
  if (scan.has_seconds_to_go()) {
    parts.push_back(FormatHumanDuration(absl::Seconds(scan.seconds_to_go())) + " to go");
  }
  if (parts.empty()) return head;
  return absl::StrCat(head, "\n", absl::StrJoin(parts, ", "));
}

std::string DeviceText(const v1::Vdev& v) {
  std::vector<std::string> parts;
  if (!v.path().empty() && v.path() != v.name()) parts.push_back(v.path());
  const v1::DiskIdentity& d = v.disk();
  if (d.has_serial()) parts.push_back("serial " + d.serial());
  if (d.has_model()) parts.push_back("model " + d.model());
  if (d.has_class_()) parts.push_back("class " + d.class_());
  if (d.has_enclosure_slot()) parts.push_back("slot " + d.enclosure_slot());
  return absl::StrJoin(parts, ", ");
}

Cell CounterCell(bool known, uint64_t value) {
  if (!known) return Cell("-");
  return Cell(absl::StrCat(value), value > 0 ? Color::kRed : Color::kNone);
}

void AddVdevRows(const v1::Vdev& v, int depth, Table* table) {
  table->AddRow({std::string(2 * depth, ' ') + v.name(), Cell(v.state(), StateColor(v.state())),
                 CounterCell(v.has_read_errors(), v.read_errors()),
                 CounterCell(v.has_write_errors(), v.write_errors()),
                 CounterCell(v.has_checksum_errors(), v.checksum_errors()), v.note(),
                 v.children_size() == 0 ? DeviceText(v) : ""});
  for (const auto& child : v.children()) AddVdevRows(child, depth + 1, table);
}

// zpool's grouping: data vdevs under the pool's own line, other roles under a heading.
std::string ConfigTable(const v1::Pool& pool, const RenderOptions& options) {
  struct Group {
    std::string role;
    std::string heading;
  };
  std::vector<Group> groups = {{"data", ""},    {"special", "special"}, {"dedup", "dedup"},
                               {"log", "logs"}, {"cache", "cache"},     {"spare", "spares"}};
  for (const auto& v : pool.vdevs()) {
    const bool known = std::any_of(groups.begin(), groups.end(),
                                   [&](const Group& g) { return g.role == v.role(); });
    if (!known && !v.role().empty()) groups.push_back({v.role(), v.role()});
  }
  Table table({{"NAME"},
               {"STATE"},
               {"READ", Align::kRight},
               {"WRITE", Align::kRight},
               {"CKSUM", Align::kRight},
               {"NOTE"},
               {"DEVICE"}});
  table.AddRow({pool.name(), Cell(pool.state(), StateColor(pool.state()))});
  for (const Group& group : groups) {
    bool headed = false;
    for (const auto& v : pool.vdevs()) {
      const std::string role = v.role().empty() ? "data" : v.role();
      if (role != group.role) continue;
      if (!group.heading.empty() && !headed) {
        table.AddRow({group.heading});
        headed = true;
      }
      AddVdevRows(v, 1, &table);
    }
  }
  return table.Render(options.color, kValueIndent, options.width);
}

std::string ErrorsText(const v1::PoolErrors& e) {
  if (e.files_size() > 0) {
    std::string text = e.has_count() ? absl::StrCat(e.count(), " data errors, ") : "";
    absl::StrAppend(&text, "permanent errors in the following files:");
    for (const auto& file : e.files()) absl::StrAppend(&text, "\n", file);
    return text;
  }
  if (!e.text().empty()) return e.text();
  if (!e.has_count()) return "unknown";
  return e.count() == 0 ? "No known data errors" : absl::StrCat(e.count(), " data errors");
}

std::string TimeCell(bool known, int64_t unix_seconds) {
  return known && unix_seconds != 0 ? FormatMinute(unix_seconds) : "-";
}

std::string ScrubRunsTable(const v1::GetPoolResponse& response, const RenderOptions& options) {
  const auto& runs = response.scrub_runs();
  const bool any_message =
      std::any_of(runs.begin(), runs.end(), [](const auto& r) { return !r.message().empty(); });
  std::vector<Table::Column> columns = {{"ID", Align::kRight},
                                        {"TRIGGER"},
                                        {"STATE"},
                                        Table::Whole("REQUESTED"),
                                        Table::Whole("STARTED"),
                                        Table::Whole("ENDED"),
                                        {"REPAIRED", Align::kRight},
                                        {"ERRORS", Align::kRight}};
  if (any_message) columns.push_back({"MESSAGE"});
  Table table(std::move(columns));
  for (const auto& r : runs) {
    table.AddRow({absl::StrCat(r.id()), TriggerText(r), RunStateText(r),
                  TimeCell(true, r.requested_at()), TimeCell(r.has_started_at(), r.started_at()),
                  TimeCell(r.has_ended_at(), r.ended_at()),
                  r.has_bytes_repaired() ? HumanSize(r.bytes_repaired()) : "-",
                  CounterCell(r.has_errors(), r.errors()), r.message()});
  }
  return table.Render(options.color, kValueIndent, options.width);
}

}  // namespace

std::string RenderPoolDetailText(const v1::GetPoolResponse& response,
                                 const RenderOptions& options) {
  const v1::PoolSummary& s = response.pool();
  const v1::Pool& p = s.pool();
  std::string out;
  AppendField(&out, "host", HostLine(s, options));
  AppendField(&out, "pool", p.name());
  AppendField(&out, "state", Colorize(p.state(), StateColor(p.state()), options.color));
  if (!p.status().empty()) AppendField(&out, "status", p.status());
  if (!p.action().empty()) AppendField(&out, "action", p.action());
  if (!p.see().empty()) AppendField(&out, "see", p.see());
  AppendField(&out, "size", SizeLine(p));
  AppendField(&out, "scan", ScanText(p.scan()));
  absl::StrAppend(&out, " config:\n\n", ConfigTable(p, options), "\n");
  AppendField(&out, "errors", ErrorsText(p.errors()));
  if (p.unparsed_size() > 0) {
    absl::StrAppend(&out, "\n");
    AppendField(&out, "unparsed", absl::StrJoin(p.unparsed(), "\n"));
  }
  if (response.scrub_runs_size() == 0) {
    absl::StrAppend(&out, "\nscrub runs: none recorded\n");
  } else {
    absl::StrAppend(&out, "\nscrub runs (newest first):\n\n", ScrubRunsTable(response, options));
  }
  return out;
}

Json RenderPoolDetailJson(const v1::GetPoolResponse& response) {
  const v1::PoolSummary& s = response.pool();
  Json doc;
  doc["host"] = s.host_id();
  Json pool = PoolToJson(s.pool());
  for (auto it = pool.begin(); it != pool.end(); ++it) doc[it.key()] = std::move(it.value());
  doc["last_seen"] = TimeOrNull(s.last_seen());
  doc["host_reporting"] = s.host_reporting();
  Json runs = Json::array();
  for (const auto& run : response.scrub_runs()) runs.push_back(ScrubRunToJson(run));
  doc["scrub_runs"] = std::move(runs);
  return doc;
}

}  // namespace zfleet::cli
