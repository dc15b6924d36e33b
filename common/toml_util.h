// Shared by the agent's and the controller's config readers (both link toml++): reading the
// file, parsing it with errors as "FILE:LINE: reason", and toml++'s std::string_view as
// Debian's absl::string_view.
#ifndef ZFLEET_COMMON_TOML_UTIL_H_
#define ZFLEET_COMMON_TOML_UTIL_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/tls_paths.h"
#include "toml++/toml.h"

namespace zfleet {

inline absl::string_view ToAbsl(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}

// InvalidArgument "SOURCE:LINE: why" for the line `node` starts on.
inline absl::Status TomlErrorAt(absl::string_view source, const toml::node& node,
                                absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(source, ":", node.source().begin.line, ": ", why));
}

// Parses TOML text. InvalidArgument "SOURCE:LINE: reason" on a syntax error (toml++ throws;
// the exception stops here).
absl::StatusOr<toml::table> ParseToml(absl::string_view text, absl::string_view source_name);

// The whole file at `path`. NotFound "cannot read config PATH" when it cannot be read.
absl::StatusOr<std::string> ReadConfigFile(const std::string& path);

// How a config reader fills its Config from the parsed root table: InvalidArgument
// "SOURCE:LINE: reason" for an unknown key or a bad value.
template <typename Config>
using TomlFill = absl::Status (*)(absl::string_view source, const toml::table& root,
                                  Config& config);

// The [tls] table of agent.toml and controller.toml: the PEM files of mutual TLS.
//
//   [tls]
//   ca = "/etc/zfleet/ca.crt"
//   cert = "/etc/zfleet/agent.crt"
//   key = "/etc/zfleet/agent.key"
// Fills `paths` from `table` (the value of the "tls" key). InvalidArgument "SOURCE:LINE:
// reason" for an unknown key or a value that is not a string.
absl::Status ParseTlsTable(absl::string_view source, const toml::table& table, TlsPaths& paths);

// A Config of defaults, filled from TOML `text` by `fill`; errors name `source`.
template <typename Config>
absl::StatusOr<Config> ParseTomlConfig(absl::string_view text, absl::string_view source,
                                       TomlFill<Config> fill) {
  absl::StatusOr<toml::table> root = ParseToml(text, source);
  if (!root.ok()) return root.status();
  Config config;
  if (absl::Status s = fill(source, *root, config); !s.ok()) return s;
  return config;
}

// ParseTomlConfig of the file at `path` (errors name the path).
template <typename Config>
absl::StatusOr<Config> LoadTomlConfig(const std::string& path, TomlFill<Config> fill) {
  absl::StatusOr<std::string> text = ReadConfigFile(path);
  if (!text.ok()) return text.status();
  return ParseTomlConfig<Config>(*text, path, fill);
}

}  // namespace zfleet

#endif  // ZFLEET_COMMON_TOML_UTIL_H_
