#include "common/duration.h"

#include <cctype>
#include <cstdint>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace zfleet {
namespace {

int64_t UnitSeconds(char unit) {
  switch (unit) {
    case 's': return 1;
    case 'm': return 60;
    case 'h': return 3600;
    case 'd': return 86400;
    case 'w': return 7 * 86400;
    default: return 0;
  }
}

}  // namespace

absl::StatusOr<absl::Duration> ParseHumanDuration(absl::string_view text) {
  auto invalid = [&] {
    return absl::InvalidArgumentError(
        absl::StrCat("bad duration \"", text, "\" (want e.g. 30s, 5m, 2h, 7d)"));
  };
  if (text.empty()) return invalid();
  int64_t total = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
    if (i == start || i == text.size()) return invalid();
    int64_t value = 0;
    if (!absl::SimpleAtoi(text.substr(start, i - start), &value)) return invalid();
    int64_t unit = UnitSeconds(text[i]);
    if (unit == 0) return invalid();
    if (value > (int64_t{1} << 40) / unit) return invalid();
    total += value * unit;
    ++i;
  }
  return absl::Seconds(total);
}

std::string FormatHumanDuration(absl::Duration d) {
  int64_t s = absl::ToInt64Seconds(d);
  if (s <= 0) return "0s";
  std::string out;
  const std::pair<int64_t, char> units[] = {{86400, 'd'}, {3600, 'h'}, {60, 'm'}, {1, 's'}};
  for (const auto& [secs, unit] : units) {
    if (s >= secs) {
      absl::StrAppend(&out, s / secs, std::string(1, unit));
      s %= secs;
    }
  }
  return out;
}

}  // namespace zfleet
