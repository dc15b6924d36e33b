#include "controller/controller_config.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "common/duration.h"
#include "toml++/toml.h"

namespace zfleet::controller {
namespace {

absl::string_view ToAbsl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

absl::Status ErrorAt(absl::string_view source, const toml::node& node, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat(source, ":", node.source().begin.line, ": ", why));
}

absl::Status ParseAgents(absl::string_view source, const toml::table& t, ControllerConfig& c) {
  for (const auto& [key, node] : t) {
    if (key == "report_interval") {
      const auto* s = node.as_string();
      if (s == nullptr) return ErrorAt(source, node, "agents.report_interval must be a string like \"30s\"");
      auto d = ParseHumanDuration(s->get());
      if (!d.ok()) return ErrorAt(source, node, absl::StrCat("agents.report_interval: ", d.status().message()));
      if (*d < absl::Seconds(1)) return ErrorAt(source, node, "agents.report_interval must be at least 1s");
      c.report_interval = *d;
    } else if (key == "missing_after") {
      const auto* i = node.as_integer();
      if (i == nullptr || i->get() < 1 || i->get() > 1000) {
        return ErrorAt(source, node, "agents.missing_after must be an integer from 1 to 1000");
      }
      c.missing_after = static_cast<int>(i->get());
    } else {
      return ErrorAt(source, node, absl::StrCat("unknown key agents.", ToAbsl(key.str())));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ControllerConfig> ParseControllerConfig(absl::string_view text,
                                                       absl::string_view source_name) {
  ControllerConfig config;
  // toml++ reports syntax errors by exception; it stops here.
  try {
    toml::table root = toml::parse(std::string_view(text.data(), text.size()),
                                   std::string_view(source_name.data(), source_name.size()));
    for (const auto& [key, node] : root) {
      if (key == "agents" && node.is_table()) {
        if (auto s = ParseAgents(source_name, *node.as_table(), config); !s.ok()) return s;
      } else {
        return ErrorAt(source_name, node, absl::StrCat("unknown key ", ToAbsl(key.str())));
      }
    }
  } catch (const toml::parse_error& e) {
    return absl::InvalidArgumentError(
        absl::StrCat(source_name, ":", e.source().begin.line, ": ", ToAbsl(e.description())));
  }
  return config;
}

absl::StatusOr<ControllerConfig> LoadControllerConfig(const std::string& path) {
  if (path.empty()) return ControllerConfig{};
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read config ", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return ParseControllerConfig(buffer.str(), path);
}

}  // namespace zfleet::controller
