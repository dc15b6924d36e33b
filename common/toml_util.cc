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

absl::Status ParseTlsTable(absl::string_view source, const toml::table& table, TlsPaths& paths) {
  for (const auto& [key, node] : table) {
    std::string* field = key == "ca" ? &paths.ca
                         : key == "cert" ? &paths.cert
                         : key == "key"  ? &paths.key
                                         : nullptr;
    if (field == nullptr) {
      return TomlErrorAt(source, node, absl::StrCat("unknown key tls.", ToAbsl(key.str())));
    }
    const auto* value = node.as_string();
    if (value == nullptr) {
      return TomlErrorAt(source, node,
                         absl::StrCat("tls.", ToAbsl(key.str()), " must be a string"));
    }
    *field = value->get();
  }
  return absl::OkStatus();
}

}  // namespace zfleet
