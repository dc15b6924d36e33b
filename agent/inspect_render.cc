#include "agent/inspect_render.h"

#include "absl/strings/str_cat.h"
#include "model/pool_json.h"
#include "common/time_format.h"

namespace zfleet::agent {
namespace {

std::string Counter(bool has, uint64_t value) { return has ? absl::StrCat(value) : "-"; }

void RenderVdev(const v1::Vdev& v, int depth, std::string& out) {
  absl::StrAppend(&out, std::string(4 + 2 * depth, ' '), v.name(), "  ", v.state(), "  ",
                  Counter(v.has_read_errors(), v.read_errors()), "/",
                  Counter(v.has_write_errors(), v.write_errors()), "/",
                  Counter(v.has_checksum_errors(), v.checksum_errors()));
  if (v.role() != "data" && !v.role().empty()) absl::StrAppend(&out, "  role=", v.role());
  if (!v.note().empty()) absl::StrAppend(&out, "  (", v.note(), ")");
  if (v.children_size() == 0) {
    const auto& d = v.disk();
    absl::StrAppend(&out, "  type=", v.type());
    if (d.has_transport()) absl::StrAppend(&out, " transport=", d.transport());
    if (d.has_class_()) absl::StrAppend(&out, " class=", d.class_());
    if (d.has_serial()) absl::StrAppend(&out, " serial=", d.serial());
    if (d.has_model()) absl::StrAppend(&out, " model=", d.model());
  }
  out += "\n";
  for (const auto& child : v.children()) RenderVdev(child, depth + 1, out);
}

}  // namespace

std::string RenderInspectJson(const InspectView& view) {
  nlohmann::ordered_json j;
  j["zpool"] = {{"path", view.zpool_path},
                {"generation", view.capabilities.generation},
                {"list_exact", view.capabilities.list_exact},
                {"status_exact", view.capabilities.status_exact},
                {"status_full_paths", view.capabilities.status_full_paths},
                {"scrub_pause", view.capabilities.scrub_pause}};
  j["collect_error"] = view.collect_error.empty() ? nlohmann::ordered_json(nullptr)
                                                  : nlohmann::ordered_json(view.collect_error);
  nlohmann::ordered_json pools = nlohmann::ordered_json::array();
  for (const auto& p : view.pools) pools.push_back(PoolToJson(p));
  j["pools"] = std::move(pools);
  j["unparsed_lines"] = view.unparsed_count;
  nlohmann::ordered_json checks = nlohmann::ordered_json::array();
  for (const auto& c : view.stack_checks) {
    checks.push_back({{"name", c.name()}, {"level", c.level()}, {"evidence", c.evidence()},
                      {"fix", c.fix()}});
  }
  j["stack_checks"] = std::move(checks);
  // The view is cleaned to UTF-8 before it gets here (RunInspect); replacing what is not is
  // the last guard against nlohmann's type_error, which would abort the program.
  return j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

std::string RenderInspectText(const InspectView& view) {
  std::string out = absl::StrCat("zpool: ", view.zpool_path, " (", view.capabilities.generation,
                                 view.capabilities.scrub_pause ? ", can pause scrubs" : "",
                                 ")\n");
  if (!view.stack_checks.empty()) out += "\nZFS stack:\n";
  for (const auto& c : view.stack_checks) {
    absl::StrAppend(&out, "  ", c.level(), std::string(c.level().size() < 5 ? 5 - c.level().size() : 0, ' '),
                    c.name(), ": ", c.evidence(), "\n");
    if (!c.fix().empty()) absl::StrAppend(&out, "        fix: ", c.fix(), "\n");
  }
  if (!view.collect_error.empty()) {
    absl::StrAppend(&out, "\ncannot read pools: ", view.collect_error, "\n");
  } else if (view.pools.empty()) {
    out += "\nno pools\n";
  }
  for (const auto& p : view.pools) {
    absl::StrAppend(&out, "\npool ", p.name(), "  ", p.state(), "\n");
    if (!p.status().empty()) absl::StrAppend(&out, "  status: ", p.status(), "\n");
    if (!p.action().empty()) absl::StrAppend(&out, "  action: ", p.action(), "\n");
    const auto& scan = p.scan();
    absl::StrAppend(&out, "  scan: ", scan.function().empty() ? "none" : scan.function(), " ",
                    scan.state());
    if (scan.has_percent_done()) absl::StrAppend(&out, " ", scan.percent_done(), "%");
    if (scan.has_end_time()) absl::StrAppend(&out, " ended ", FormatRfc3339(scan.end_time()));
    if (scan.has_bytes_repaired()) absl::StrAppend(&out, " repaired ", scan.bytes_repaired(), "B");
    if (scan.has_errors()) absl::StrAppend(&out, " errors ", scan.errors());
    out += "\n  vdevs (read/write/cksum):\n";
    for (const auto& v : p.vdevs()) RenderVdev(v, 0, out);
    absl::StrAppend(&out, "  errors: ", p.errors().text(), "\n");
    for (const auto& f : p.errors().files()) absl::StrAppend(&out, "    ", f, "\n");
    for (const auto& u : p.unparsed()) absl::StrAppend(&out, "  unparsed: ", u, "\n");
  }
  return out;
}

}  // namespace zfleet::agent
