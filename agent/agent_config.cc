#include "agent/agent_config.h"

#include <fnmatch.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/duration.h"
#include "common/status_macros.h"
#include "common/toml_util.h"
#include "model/report_limits.h"

namespace zfleet::agent {
namespace {

absl::StatusOr<absl::Duration> DurationAt(absl::string_view source, const toml::node& node,
                                          absl::string_view key) {
  const auto* s = node.as_string();
  if (s == nullptr) return TomlErrorAt(source, node, absl::StrCat(key, " must be a string like \"10s\""));
  auto d = ParseHumanDuration(s->get());
  if (!d.ok()) return TomlErrorAt(source, node, absl::StrCat(key, ": ", d.status().message()));
  if (*d <= absl::ZeroDuration()) return TomlErrorAt(source, node, absl::StrCat(key, " must be > 0"));
  return *d;
}

absl::Status ParseGlobMap(absl::string_view source, const toml::node& node,
                          absl::string_view key,
                          std::vector<std::pair<std::string, std::string>>& out) {
  const auto* table = node.as_table();
  if (table == nullptr) return TomlErrorAt(source, node, absl::StrCat(key, " must be a table of glob = class"));
  // toml++ keeps keys sorted; "first match wins" needs the order of the file.
  std::vector<std::pair<const toml::key*, const toml::node*>> entries;
  for (const auto& [glob, value] : *table) entries.emplace_back(&glob, &value);
  std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    const auto& pa = a.second->source().begin;
    const auto& pb = b.second->source().begin;
    return pa.line != pb.line ? pa.line < pb.line : pa.column < pb.column;
  });
  for (const auto& [glob, value] : entries) {
    const auto* cls = value->as_string();
    if (cls == nullptr || !IsKnownClass(cls->get())) {
      return TomlErrorAt(source, *value,
                     absl::StrCat("class for \"", ToAbsl(glob->str()),
                                  "\" must be one of sata, scsi, usb, sas, fc, nvme, virtual, unknown"));
    }
    out.emplace_back(std::string(glob->str()), cls->get());
  }
  return absl::OkStatus();
}

absl::Status ParseTable(absl::string_view source, const toml::table& root, AgentConfig& config) {
  for (const auto& [key, node] : root) {
    if (key == "agent") {
      const auto* t = node.as_table();
      if (t == nullptr) return TomlErrorAt(source, node, "[agent] must be a table");
      for (const auto& [k, v] : *t) {
        if (k == "poll_interval") {
          auto d = DurationAt(source, v, "poll_interval");
          if (!d.ok()) return d.status();
          config.poll_interval = *d;
        } else if (k == "zpool_timeout") {
          auto d = DurationAt(source, v, "zpool_timeout");
          if (!d.ok()) return d.status();
          config.zpool_timeout = *d;
        } else if (k == "stack_check_interval") {
          auto d = DurationAt(source, v, "stack_check_interval");
          if (!d.ok()) return d.status();
          config.stack_check_interval = *d;
        } else {
          return TomlErrorAt(source, v, absl::StrCat("unknown key agent.", ToAbsl(k.str())));
        }
      }
    } else if (key == "labels") {
      const auto* t = node.as_table();
      if (t == nullptr) return TomlErrorAt(source, node, "[labels] must be a table");
      for (const auto& [k, v] : *t) {
        const auto* s = v.as_string();
        if (s == nullptr) return TomlErrorAt(source, v, absl::StrCat("label ", ToAbsl(k.str()), " must be a string"));
        // The controller refuses a report whose labels exceed the wire limits; say so here,
        // once, instead of at every report.
        if (k.str().empty() || k.str().size() > kMaxLabelKeyBytes ||
            s->get().size() > kMaxLabelValueBytes) {
          return TomlErrorAt(source, v,
                             absl::StrCat("label ", ToAbsl(k.str()), ": keys are 1 to ",
                                          kMaxLabelKeyBytes, " bytes, values at most ",
                                          kMaxLabelValueBytes));
        }
        if (config.labels.size() >= static_cast<size_t>(kMaxLabels)) {
          return TomlErrorAt(source, v, absl::StrCat("more than ", kMaxLabels, " labels"));
        }
        config.labels[std::string(k.str())] = s->get();
      }
    } else if (key == "classes") {
      const auto* t = node.as_table();
      if (t == nullptr) return TomlErrorAt(source, node, "[classes] must be a table");
      for (const auto& [k, v] : *t) {
        if (k == "pools") {
          if (auto s = ParseGlobMap(source, v, "classes.pools", config.pool_classes); !s.ok()) return s;
        } else if (k == "devices") {
          if (auto s = ParseGlobMap(source, v, "classes.devices", config.device_classes); !s.ok()) return s;
        } else {
          return TomlErrorAt(source, v, absl::StrCat("unknown key classes.", ToAbsl(k.str())));
        }
      }
    } else if (key == "tls") {
      const auto* t = node.as_table();
      if (t == nullptr) return TomlErrorAt(source, node, "[tls] must be a table");
      if (auto s = ParseTlsTable(source, *t, config.tls); !s.ok()) return s;
    } else {
      return TomlErrorAt(source, node, absl::StrCat("unknown key ", ToAbsl(key.str())));
    }
  }
  return absl::OkStatus();
}

}  // namespace

bool IsKnownClass(absl::string_view cls) {
  for (absl::string_view known : {"sata", "scsi", "usb", "sas", "fc", "nvme", "virtual", "unknown"}) {
    if (cls == known) return true;
  }
  return false;
}

absl::StatusOr<AgentConfig> ParseAgentConfig(absl::string_view text,
                                             absl::string_view source_name) {
  return ParseTomlConfig<AgentConfig>(text, source_name, ParseTable);
}

absl::StatusOr<AgentConfig> LoadAgentConfig(const std::string& path) {
  return LoadTomlConfig<AgentConfig>(path, ParseTable);
}

std::string ClassOverride(const AgentConfig& config, absl::string_view pool,
                          absl::string_view device_path) {
  std::string dev(device_path);
  for (const auto& [glob, cls] : config.device_classes) {
    if (!dev.empty() && fnmatch(glob.c_str(), dev.c_str(), 0) == 0) return cls;
  }
  std::string name(pool);
  for (const auto& [glob, cls] : config.pool_classes) {
    if (fnmatch(glob.c_str(), name.c_str(), 0) == 0) return cls;
  }
  return "";
}

ClassOverrideFn ClassOverridesOf(const AgentConfig& config) {
  AgentConfig classes;
  classes.pool_classes = config.pool_classes;
  classes.device_classes = config.device_classes;
  return [classes = std::move(classes)](absl::string_view pool, absl::string_view device_path) {
    return ClassOverride(classes, pool, device_path);
  };
}

}  // namespace zfleet::agent
