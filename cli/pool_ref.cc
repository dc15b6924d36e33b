#include "cli/pool_ref.h"

#include <algorithm>
#include <cctype>

#include "absl/strings/str_cat.h"

namespace zfleet::cli {

absl::StatusOr<PoolRef> ParsePoolRef(absl::string_view text) {
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad pool \"", text, "\": ", why, " (want HOST/POOL, e.g. h1/tank)"));
  };
  if (text.empty()) return absl::InvalidArgumentError("missing HOST/POOL (e.g. h1/tank)");
  if (std::any_of(text.begin(), text.end(),
                  [](char c) { return std::isspace(static_cast<unsigned char>(c)); })) {
    return bad("contains whitespace");
  }
  const size_t slash = text.find('/');
  if (slash == absl::string_view::npos) return bad("no '/' between host and pool");
  PoolRef ref{std::string(text.substr(0, slash)), std::string(text.substr(slash + 1))};
  if (ref.host.empty()) return bad("empty host");
  if (ref.pool.empty()) return bad("empty pool");
  if (ref.pool.find('/') != std::string::npos) {
    return bad("a dataset, not a pool; pool names contain no '/'");
  }
  return ref;
}

}  // namespace zfleet::cli
