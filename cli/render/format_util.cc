#include "cli/render/format_util.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/time_format.h"
#include "model/enum_names.h"

namespace zfleet::cli {

using Json = nlohmann::ordered_json;

std::string HumanSize(uint64_t bytes) {
  // Mirrors OpenZFS zfs_nicenum(): exact multiples print without a fraction, others
  // use the most decimals (2, 1, 0) that keep the text within 5 characters.
  static constexpr char kUnits[] = "BKMGTPE";
  int index = 0;
  uint64_t n = bytes;
  while (n >= 1024 && index < 6) {
    n /= 1024;
    ++index;
  }
  const uint64_t unit = uint64_t{1} << (10 * index);
  if (index == 0 || bytes % unit == 0) return absl::StrCat(n, std::string(1, kUnits[index]));
  const double value = static_cast<double>(bytes) / static_cast<double>(unit);
  std::string text;
  for (int decimals = 2; decimals >= 0; --decimals) {
    text = absl::StrFormat("%.*f%c", decimals, value, kUnits[index]);
    if (text.size() <= 5) break;
  }
  return text;
}

std::string FormatPercent(double percent) {
  const double truncated = std::floor(percent * 10.0) / 10.0;
  std::string text = absl::StrFormat("%.1f", truncated);
  if (text.size() > 2 && text.compare(text.size() - 2, 2, ".0") == 0) text.resize(text.size() - 2);
  return absl::StrCat(text, "%");
}

std::string FormatMinute(int64_t unix_seconds) {
  return absl::FormatTime("%Y-%m-%d %H:%M", absl::FromUnixSeconds(unix_seconds),
                          absl::UTCTimeZone());
}

std::string FormatSecond(int64_t unix_seconds) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%S", absl::FromUnixSeconds(unix_seconds),
                          absl::UTCTimeZone());
}

std::string FormatSpan(absl::Duration span) {
  int64_t s = absl::ToInt64Seconds(span);
  if (s < 0) s = 0;
  // Two units are enough to tell "just now" from "an hour ago"; more is noise.
  if (s < 60) return absl::StrCat(s, "s");
  if (s < 3600) return absl::StrCat(s / 60, "m", s % 60, "s");
  if (s < 86400) return absl::StrCat(s / 3600, "h", s % 3600 / 60, "m");
  return absl::StrCat(s / 86400, "d", s % 86400 / 3600, "h");
}

std::string FormatAge(int64_t unix_seconds, absl::Time now) {
  if (unix_seconds == 0) return "never";
  return FormatSpan(now - absl::FromUnixSeconds(unix_seconds)) + " ago";
}

std::string OrDash(const std::string& text) { return text.empty() ? "-" : text; }

absl::Time EvaluatedTime(int64_t evaluated_at, absl::Time fallback) {
  return evaluated_at != 0 ? absl::FromUnixSeconds(evaluated_at) : fallback;
}

std::string ScanSummary(const v1::Scan& scan) {
  const std::string& fn = scan.function();
  const std::string& state = scan.state();
  if (fn.empty() || fn == "none" || state.empty() || state == "none") return "none";
  if (state == "scanning") {
    return scan.has_percent_done() ? absl::StrCat(fn, " ", FormatPercent(scan.percent_done()))
                                   : absl::StrCat(fn, " in progress");
  }
  if (state == "paused") {
    return scan.has_percent_done()
               ? absl::StrCat(fn, " paused ", FormatPercent(scan.percent_done()))
               : absl::StrCat(fn, " paused");
  }
  if (state == "finished" || state == "canceled") {
    return scan.has_end_time() ? absl::StrCat(fn, " ", state, " ", FormatMinute(scan.end_time()))
                               : absl::StrCat(fn, " ", state);
  }
  return absl::StrCat(fn, " ", state);
}

Json ScanBriefJson(const v1::Scan& scan) {
  Json j;
  j["function"] = scan.function().empty() ? "none" : scan.function();
  j["state"] = scan.state().empty() ? "none" : scan.state();
  j["percent_done"] = scan.has_percent_done() ? Json(scan.percent_done()) : Json(nullptr);
  return j;
}

Json TimeOrNull(int64_t unix_seconds) {
  return unix_seconds == 0 ? Json(nullptr) : Json(FormatRfc3339(unix_seconds));
}

Json StringOrNull(const std::string& text) { return text.empty() ? Json(nullptr) : Json(text); }

std::string SeverityText(const v1::Event& event) {
  return std::string(SeverityName(SeverityOf(event)));
}

std::string SeverityText(const v1::TriageItem& item) {
  return std::string(SeverityName(SeverityOf(item)));
}

std::string RunStateText(const v1::ScrubRun& run) {
  return std::string(RunStateName(RunStateOf(run)));
}

std::string TriggerText(const v1::ScrubRun& run) {
  return std::string(TriggerName(TriggerOf(run)));
}

Color SeverityColor(absl::string_view severity) {
  if (severity == "critical") return Color::kRed;
  if (severity == "warning") return Color::kYellow;
  return Color::kNone;
}

int SeverityRank(absl::string_view severity) {
  if (severity == "critical") return 0;
  if (severity == "warning") return 1;
  if (severity == "info") return 2;
  return 3;
}

Color StateColor(absl::string_view state) {
  if (state.empty()) return Color::kNone;
  if (state == "ONLINE" || state == "AVAIL") return Color::kGreen;
  if (state == "DEGRADED") return Color::kYellow;
  return Color::kRed;
}

std::string DumpJson(const Json& doc) {
  return doc.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace zfleet::cli
