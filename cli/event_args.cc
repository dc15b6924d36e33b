#include "cli/event_args.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/duration.h"

namespace zfleet::cli {

absl::StatusOr<absl::Time> ParseSince(absl::string_view text, absl::Time now) {
  absl::StatusOr<absl::Duration> span = ParseHumanDuration(text);
  if (!span.ok())
    return absl::InvalidArgumentError(absl::StrCat("--since: ", span.status().message()));
  if (*span <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--since: must be longer than 0s");
  }
  return now - *span;
}

absl::StatusOr<std::string> ParseSeverity(absl::string_view text) {
  const std::string lower = absl::AsciiStrToLower(text);
  if (lower.empty() || lower == "info" || lower == "warning" || lower == "critical") return lower;
  return absl::InvalidArgumentError(
      absl::StrCat("--severity: want info, warning or critical, not \"", text, "\""));
}

absl::StatusOr<std::vector<int64_t>> ParseAckIds(const std::vector<std::string>& args,
                                                 bool events) {
  const absl::string_view noun = events ? "event" : "incident";
  const absl::string_view from = events ? "'zfleet events'" : "'zfleet triage' or 'zfleet incidents'";
  if (args.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("missing ", noun, " ID (see ", from, ")"));
  }
  std::vector<int64_t> ids;
  for (const std::string& arg : args) {
    int64_t id = 0;
    // SimpleAtoi also takes "+7" and " 7"; an id is written as digits only.
    const bool digits = !arg.empty() && std::all_of(arg.begin(), arg.end(), [](char c) {
      return absl::ascii_isdigit(static_cast<unsigned char>(c));
    });
    if (!digits || !absl::SimpleAtoi(arg, &id) || id <= 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad ", noun, " id \"", arg, "\" (want a number from ", from, ")"));
    }
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  }
  return ids;
}

}  // namespace zfleet::cli
