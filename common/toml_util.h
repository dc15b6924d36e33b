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

}  // namespace zfleet

#endif  // ZFLEET_COMMON_TOML_UTIL_H_
