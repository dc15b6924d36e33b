#include "agent/zpool/scan_line_parser.h"

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/types/span.h"
#include "agent/zpool/size_units.h"

namespace zfleet::agent {
namespace {

using Words = std::vector<absl::string_view>;

Words SplitWords(absl::string_view text) {
  return absl::StrSplit(text, absl::ByAnyChar(" \t"), absl::SkipEmpty());
}

std::optional<int64_t> ParseNonNegative(absl::string_view text) {
  int64_t value = 0;
  if (!absl::SimpleAtoi(text, &value) || value < 0) return std::nullopt;
  return value;
}

// total += value * scale; false (total unspecified) when that does not fit in int64, as on
// a corrupt line ("987123654012345678h0m").
bool AddScaled(int64_t value, int64_t scale, int64_t& total) {
  int64_t scaled = 0;
  return !__builtin_mul_overflow(value, scale, &scaled) &&
         !__builtin_add_overflow(total, scaled, &total);
}

// "100M/s" → bytes per second.
std::optional<uint64_t> ParseRate(absl::string_view text) {
  if (!absl::ConsumeSuffix(&text, "/s")) return std::nullopt;
  return ParseZpoolNumber(text);
}

// dRAID sequential rebuilds name the vdev: "resilver (draid2:4d:6c:1s-0) in progress …".
// The vdev name is not part of the scan model, so it is skipped.
void SkipParenthetical(absl::string_view& text) {
  if (!absl::StartsWith(text, "(")) return;
  const size_t close = text.find(") ");
  if (close != absl::string_view::npos) text.remove_prefix(close + 2);
}

// Parses "[after|in DURATION ]with N errors on DATE", the tail of every finished or stopped
// scan line, and derives the start time from the duration where one is printed.
bool ParseCompletionTail(absl::string_view tail, absl::TimeZone tz, v1::Scan& scan) {
  std::optional<int64_t> duration;
  if (absl::ConsumePrefix(&tail, "after ") || absl::ConsumePrefix(&tail, "in ")) {
    const size_t with = tail.find(" with ");
    if (with == absl::string_view::npos) return false;
    duration = ParseScanDuration(tail.substr(0, with));
    if (!duration) return false;
    tail.remove_prefix(with + 1);
  }
  if (!absl::ConsumePrefix(&tail, "with ")) return false;
  const size_t on = tail.find(" errors on ");
  if (on == absl::string_view::npos) return false;
  std::optional<int64_t> errors = ParseNonNegative(tail.substr(0, on));
  std::optional<int64_t> end = ParseCtimeDate(tail.substr(on + 11), tz);
  if (!errors || !end) return false;
  scan.set_errors(static_cast<uint64_t>(*errors));
  scan.set_end_time(*end);
  if (duration) scan.set_start_time(*end - *duration);
  return true;
}

// Parses "N in DURATION with E errors on DATE" (after "scrub repaired " / "resilvered ").
bool ParseProcessedAndTail(absl::string_view text, absl::TimeZone tz, v1::Scan& scan) {
  const size_t space = text.find(' ');
  if (space == absl::string_view::npos) return false;
  std::optional<uint64_t> processed = ParseZpoolNumber(text.substr(0, space));
  if (!processed) return false;
  scan.set_bytes_repaired(*processed);
  return ParseCompletionTail(text.substr(space + 1), tz, scan);
}

// Parses amounts: "X scanned out of Y at R/s" (0.6/0.7), "X [/ Y] scanned|issued [at R/s]"
// (0.8, 2.x), "X total", "X repaired", "X resilvered".
bool ParseAmountClause(absl::string_view clause, v1::Scan& scan) {
  const Words words = SplitWords(clause);
  absl::Span<const absl::string_view> w(words);
  if (w.size() < 2) return false;
  std::optional<uint64_t> amount = ParseZpoolNumber(w[0]);
  if (!amount) return false;
  w.remove_prefix(1);
  std::optional<uint64_t> of_total;  // the "/ Y" of 2.2+
  if (w[0] == "/") {
    if (w.size() < 3 || !(of_total = ParseZpoolNumber(w[1]))) return false;
    w.remove_prefix(2);
  }
  const absl::string_view verb = w[0];
  w.remove_prefix(1);

  if (verb == "total" || verb == "repaired" || verb == "resilvered") {
    if (!w.empty() || of_total) return false;
    if (verb == "total") {
      scan.set_bytes_total(*amount);
    } else {
      scan.set_bytes_repaired(*amount);
    }
    return true;
  }
  if (verb != "scanned" && verb != "issued") return false;
  if (verb == "scanned" && w.size() >= 3 && w[0] == "out" && w[1] == "of") {
    if (of_total || !(of_total = ParseZpoolNumber(w[2]))) return false;
    w.remove_prefix(3);
  }
  std::optional<uint64_t> rate;
  if (w.size() == 2 && w[0] == "at") {
    if (!(rate = ParseRate(w[1]))) return false;
    w.remove_prefix(2);
  }
  if (!w.empty()) return false;

  if (verb == "scanned") {
    scan.set_bytes_scanned(*amount);
    if (rate) scan.set_scan_rate_bytes_per_s(*rate);
  } else {
    scan.set_bytes_issued(*amount);
  }
  if (of_total && (verb == "scanned" || !scan.has_bytes_total())) {
    scan.set_bytes_total(*of_total);
  }
  return true;
}

bool ParseProgressClause(absl::string_view clause, v1::Scan& scan) {
  clause = absl::StripAsciiWhitespace(clause);
  // Lines that say there is no estimate carry no fact; 0.6/0.7's "(scan is slow, no
  // estimated time)" is split in two by the comma.
  if (clause == "no estimated completion time" || clause == "(scan is slow" ||
      clause == "no estimated time)") {
    return true;
  }
  absl::string_view rest = clause;
  if (absl::ConsumeSuffix(&rest, "% done")) {
    double percent = 0;
    if (!absl::SimpleAtod(rest, &percent)) return false;
    scan.set_percent_done(percent);
    return true;
  }
  if (absl::ConsumeSuffix(&rest, " to go")) {
    std::optional<int64_t> seconds = ParseScanDuration(rest);
    if (!seconds) return false;
    scan.set_seconds_to_go(static_cast<uint64_t>(*seconds));
    return true;
  }
  return ParseAmountClause(clause, scan);
}

bool ParseClauses(absl::string_view text, v1::Scan& scan) {
  bool all_known = true;
  for (absl::string_view clause : absl::StrSplit(text, ", ")) {
    if (!ParseProgressClause(clause, scan)) all_known = false;
  }
  return all_known;
}

// Legacy: "for 0h1m, 45.23% done, 0h2m to go". The elapsed time alone cannot give a start
// time without a clock, so it is only validated.
bool ParseLegacyProgress(absl::string_view text, v1::Scan& scan) {
  const size_t comma = text.find(", ");
  const absl::string_view elapsed = text.substr(0, comma);
  bool ok = ParseScanDuration(elapsed).has_value();
  if (comma != absl::string_view::npos) {
    ok = ParseClauses(text.substr(comma + 2), scan) && ok;
  }
  return ok;
}

}  // namespace

std::optional<int64_t> ParseCtimeDate(absl::string_view text, absl::TimeZone tz) {
  // ctime pads the day of month with a space ("Jul  1"); collapse runs of spaces so one
  // format fits both.
  const std::string normalized = absl::StrJoin(SplitWords(text), " ");
  absl::Time time;
  std::string error;
  if (!absl::ParseTime("%a %b %d %H:%M:%S %Y", normalized, tz, &time, &error)) {
    return std::nullopt;
  }
  return absl::ToUnixSeconds(time);
}

std::optional<int64_t> ParseScanDuration(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  if (text.find(':') != absl::string_view::npos) {
    const Words words = SplitWords(text);
    int64_t days = 0;
    absl::string_view hms;
    if (words.size() == 3 && (words[1] == "days" || words[1] == "day")) {
      std::optional<int64_t> d = ParseNonNegative(words[0]);
      if (!d) return std::nullopt;
      days = *d;
      hms = words[2];
    } else if (words.size() == 1) {
      hms = words[0];
    } else {
      return std::nullopt;
    }
    const Words parts = absl::StrSplit(hms, ':');
    if (parts.size() != 3) return std::nullopt;
    int64_t seconds = 0;
    if (!AddScaled(days, 86400, seconds)) return std::nullopt;
    const int64_t scale[] = {3600, 60, 1};
    for (size_t i = 0; i < 3; ++i) {
      std::optional<int64_t> v = ParseNonNegative(parts[i]);
      if (!v || parts[i].empty() || !AddScaled(*v, scale[i], seconds)) return std::nullopt;
    }
    return seconds;
  }
  // "0h5m"
  absl::string_view rest = text;
  if (!absl::ConsumeSuffix(&rest, "m")) return std::nullopt;
  const size_t h = rest.find('h');
  if (h == absl::string_view::npos) return std::nullopt;
  std::optional<int64_t> hours = ParseNonNegative(rest.substr(0, h));
  std::optional<int64_t> minutes = ParseNonNegative(rest.substr(h + 1));
  int64_t seconds = 0;
  if (!hours || !minutes || !AddScaled(*hours, 3600, seconds) ||
      !AddScaled(*minutes, 60, seconds)) {
    return std::nullopt;
  }
  return seconds;
}

bool ParseScanHeadline(absl::string_view text, absl::TimeZone tz, v1::Scan& scan) {
  scan.Clear();
  absl::string_view rest = absl::StripAsciiWhitespace(text);
  if (rest == "none requested") {
    scan.set_function("none");
    scan.set_state("none");
    return true;
  }
  // A finished resilver reads "resilvered N in …" where a scrub reads "scrub repaired N in …".
  if (absl::ConsumePrefix(&rest, "resilvered ")) {
    scan.set_function("resilver");
    scan.set_state("finished");
    SkipParenthetical(rest);
    return ParseProcessedAndTail(rest, tz, scan);
  }
  if (absl::ConsumePrefix(&rest, "scrub ")) {
    scan.set_function("scrub");
  } else if (absl::ConsumePrefix(&rest, "resilver ")) {
    scan.set_function("resilver");
    SkipParenthetical(rest);
  } else {
    return false;
  }

  if (absl::ConsumePrefix(&rest, "repaired ")) {  // OpenZFS, finished
    scan.set_state("finished");
    return ParseProcessedAndTail(rest, tz, scan);
  }
  if (absl::ConsumePrefix(&rest, "canceled on ")) {  // OpenZFS
    scan.set_state("canceled");
    std::optional<int64_t> end = ParseCtimeDate(rest, tz);
    if (end) scan.set_end_time(*end);
    return end.has_value();
  }
  if (absl::ConsumePrefix(&rest, "in progress since ")) {  // OpenZFS
    scan.set_state("scanning");
    std::optional<int64_t> start = ParseCtimeDate(rest, tz);
    if (start) scan.set_start_time(*start);
    return start.has_value();
  }
  if (absl::ConsumePrefix(&rest, "paused since ")) {
    // The date is when the pause began; the start follows as "scrub started on …".
    scan.set_state("paused");
    return ParseCtimeDate(rest, tz).has_value();
  }
  if (absl::ConsumePrefix(&rest, "completed ")) {  // legacy
    scan.set_state("finished");
    return ParseCompletionTail(rest, tz, scan);
  }
  if (absl::ConsumePrefix(&rest, "stopped ")) {  // legacy `zpool scrub -s`
    scan.set_state("canceled");
    return ParseCompletionTail(rest, tz, scan);
  }
  if (absl::ConsumePrefix(&rest, "in progress for ")) {  // legacy
    scan.set_state("scanning");
    return ParseLegacyProgress(rest, scan);
  }
  return false;
}

bool ParseScanProgressLine(absl::string_view line, absl::TimeZone tz, v1::Scan& scan) {
  absl::string_view rest = absl::StripAsciiWhitespace(line);
  if (absl::ConsumePrefix(&rest, "scrub started on ")) {
    std::optional<int64_t> start = ParseCtimeDate(rest, tz);
    if (start) scan.set_start_time(*start);
    return start.has_value();
  }
  return ParseClauses(rest, scan);
}

}  // namespace zfleet::agent
