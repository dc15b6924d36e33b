#include "common/toml_util.h"

#include <fstream>
#include <sstream>

namespace zfleet {

absl::StatusOr<toml::table> ParseToml(absl::string_view text, absl::string_view source_name) {
  try {
    return toml::parse(std::string_view(text.data(), text.size()),
                       std::string_view(source_name.data(), source_name.size()));
  } catch (const toml::parse_error& e) {
    return absl::InvalidArgumentError(
        absl::StrCat(source_name, ":", e.source().begin.line, ": ", ToAbsl(e.description())));
  }
}

absl::StatusOr<std::string> ReadConfigFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read config ", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return absl::NotFoundError(absl::StrCat("cannot read config ", path));
  return buffer.str();
}

}  // namespace zfleet
