#include "tools/sim/sim_fleet.h"

#include <fstream>
#include <set>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "nlohmann/json.hpp"

namespace zfleet::controller {
namespace {

using Json = nlohmann::json;

absl::Status Bad(absl::string_view where, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(where, ": ", why));
}

absl::Status CheckKeys(const Json& object, const std::string& where,
                       const std::set<std::string>& allowed) {
  if (!object.is_object()) return Bad(where, "must be an object");
  for (const auto& [key, value] : object.items()) {
    if (!allowed.count(key)) return Bad(absl::StrCat(where, ".", key), "unknown key");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> String(const Json& object, const std::string& where, const char* key,
                                   bool required) {
  auto it = object.find(key);
  if (it == object.end()) {
    if (required) return Bad(absl::StrCat(where, ".", key), "missing");
    return std::string();
  }
  if (!it->is_string() || it->get<std::string>().empty()) {
    return Bad(absl::StrCat(where, ".", key), "must be a non-empty string");
  }
  return it->get<std::string>();
}

// A number ≥ min (> min when `strict`); nullopt when absent or null and not required.
absl::StatusOr<std::optional<double>> Number(const Json& object, const std::string& where,
                                             const char* key, bool required, double min,
                                             bool strict) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) {
    if (required) return Bad(absl::StrCat(where, ".", key), "missing");
    return std::optional<double>();
  }
  double v = it->is_number() ? it->get<double>() : -1;
  if (!it->is_number() || v < min || (strict && v == min)) {
    return Bad(absl::StrCat(where, ".", key),
               absl::StrCat("must be a number ", strict ? "above " : "of at least ", min));
  }
  return std::optional<double>(v);
}

absl::StatusOr<SimPool> ParsePool(const Json& j, const std::string& where) {
  RETURN_IF_ERROR(CheckKeys(
      j, where,
      {"name", "class", "size_bytes", "scan_bytes_per_s", "last_scrub_age_days", "state"}));
  SimPool pool;
  ASSIGN_OR_RETURN(pool.name, String(j, where, "name", true));
  ASSIGN_OR_RETURN(std::string cls, String(j, where, "class", true));
  auto c = ParseDiskClass(cls);
  if (!c) {
    return Bad(absl::StrCat(where, ".class"),
               absl::StrCat("unknown class \"", cls,
                            "\" (want sata, scsi, usb, unknown, sas, fc, nvme or virtual)"));
  }
  pool.disk_class = *c;
  ASSIGN_OR_RETURN(auto size, Number(j, where, "size_bytes", true, 0, true));
  ASSIGN_OR_RETURN(auto rate, Number(j, where, "scan_bytes_per_s", true, 0, true));
  ASSIGN_OR_RETURN(pool.last_scrub_age_days,
                   Number(j, where, "last_scrub_age_days", false, 0, false));
  pool.size_bytes = *size;
  pool.scan_bytes_per_s = *rate;
  ASSIGN_OR_RETURN(std::string state, String(j, where, "state", false));
  if (!state.empty()) pool.state = state;
  return pool;
}

absl::StatusOr<SimHost> ParseHost(const Json& j, const std::string& where) {
  RETURN_IF_ERROR(CheckKeys(j, where, {"name", "labels", "load", "can_pause", "pools"}));
  SimHost host;
  ASSIGN_OR_RETURN(host.name, String(j, where, "name", true));
  if (auto it = j.find("labels"); it != j.end()) {
    if (!it->is_object()) return Bad(where + ".labels", "must be an object of strings");
    for (const auto& [key, value] : it->items()) {
      if (!value.is_string()) return Bad(absl::StrCat(where, ".labels.", key), "must be a string");
      host.labels[key] = value.get<std::string>();
    }
  }
  ASSIGN_OR_RETURN(auto load, Number(j, where, "load", false, 0, false));
  host.load = load.value_or(0);
  if (auto it = j.find("can_pause"); it != j.end()) {
    if (!it->is_boolean()) return Bad(where + ".can_pause", "must be true or false");
    host.can_pause = it->get<bool>();
  }
  if (auto it = j.find("pools"); it != j.end()) {
    if (!it->is_array()) return Bad(where + ".pools", "must be a list");
    std::set<std::string> names;
    for (size_t i = 0; i < it->size(); ++i) {
      std::string at = absl::StrCat(where, ".pools[", i, "]");
      ASSIGN_OR_RETURN(SimPool pool, ParsePool((*it)[i], at));
      if (!names.insert(pool.name).second) {
        return Bad(at + ".name", absl::StrCat("duplicate pool \"", pool.name, "\""));
      }
      host.pools.push_back(std::move(pool));
    }
  }
  return host;
}

absl::StatusOr<SimFleet> ParseDocument(const Json& root) {
  RETURN_IF_ERROR(CheckKeys(root, "top level", {"hosts"}));
  auto hosts = root.find("hosts");
  if (hosts == root.end() || !hosts->is_array() || hosts->empty()) {
    return Bad("hosts", "must be a non-empty list");
  }
  SimFleet fleet;
  std::set<std::string> names;
  for (size_t i = 0; i < hosts->size(); ++i) {
    std::string at = absl::StrCat("hosts[", i, "]");
    ASSIGN_OR_RETURN(SimHost host, ParseHost((*hosts)[i], at));
    if (!names.insert(host.name).second) {
      return Bad(at + ".name", absl::StrCat("duplicate host \"", host.name, "\""));
    }
    fleet.hosts.push_back(std::move(host));
  }
  return fleet;
}

}  // namespace

size_t SimFleet::PoolCount() const {
  size_t n = 0;
  for (const SimHost& h : hosts) n += h.pools.size();
  return n;
}

absl::StatusOr<SimFleet> ParseSimFleet(absl::string_view text, absl::string_view source_name) {
  Json root;
  try {
    root = Json::parse(text.begin(), text.end());
  } catch (const Json::parse_error& e) {
    // "[json.exception.parse_error.101] parse error at line 3, column 5: ..." → drop the tag.
    std::string what = e.what();
    size_t tag_end = what.find("] ");
    if (tag_end != std::string::npos) what = what.substr(tag_end + 2);
    return absl::InvalidArgumentError(absl::StrCat(source_name, ": ", what));
  }
  auto fleet = ParseDocument(root);
  if (!fleet.ok()) return WithContext(fleet.status(), source_name);
  return fleet;
}

absl::StatusOr<SimFleet> LoadSimFleet(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read fleet file ", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return ParseSimFleet(buffer.str(), path);
}

}  // namespace zfleet::controller
