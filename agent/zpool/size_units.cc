#include "agent/zpool/size_units.h"

#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"

namespace zfleet::agent {
namespace {

// Power of 1024 for each suffix zfs_nicenum() prints; -1 for "not a suffix".
int SuffixExponent(char c) {
  switch (c) {
    case 'B':
      return 0;
    case 'K':
      return 1;
    case 'M':
      return 2;
    case 'G':
      return 3;
    case 'T':
      return 4;
    case 'P':
      return 5;
    case 'E':
      return 6;
    default:
      return -1;
  }
}

bool AllDigits(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

std::optional<uint64_t> ParseZpoolNumber(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  if (text.empty() || text == "-") return std::nullopt;

  unsigned __int128 multiplier = 1;
  const int exponent = SuffixExponent(text.back());
  if (exponent >= 0) {
    text.remove_suffix(1);
    for (int i = 0; i < exponent; ++i) multiplier *= 1024;
  }

  absl::string_view int_part = text;
  absl::string_view frac_part;
  if (const size_t dot = text.find('.'); dot != absl::string_view::npos) {
    int_part = text.substr(0, dot);
    frac_part = text.substr(dot + 1);
  }
  if (int_part.empty() || !AllDigits(int_part) || !AllDigits(frac_part)) return std::nullopt;
  // More digits than uint64 holds cannot be a real size; also keeps 10^n below in range.
  if (int_part.size() > 20 || frac_part.size() > 18) return std::nullopt;

  uint64_t whole = 0;
  if (!absl::SimpleAtoi(int_part, &whole)) return std::nullopt;
  // Integer arithmetic, not double: "1.2K" must be exactly 1228 and exact -p values up to
  // 2^64-1 must survive unchanged.
  unsigned __int128 value = static_cast<unsigned __int128>(whole) * multiplier;
  if (!frac_part.empty()) {
    uint64_t frac = 0;
    if (!absl::SimpleAtoi(frac_part, &frac)) return std::nullopt;
    unsigned __int128 scale = 1;
    for (size_t i = 0; i < frac_part.size(); ++i) scale *= 10;
    value += static_cast<unsigned __int128>(frac) * multiplier / scale;
  }
  if (value > std::numeric_limits<uint64_t>::max()) return std::nullopt;
  return static_cast<uint64_t>(value);
}

}  // namespace zfleet::agent
