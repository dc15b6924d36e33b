#include "schedule_policy/scrub_window.h"

#include <algorithm>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace zfleet {
namespace {

constexpr int64_t kDay = 24 * 3600;
using Range = std::pair<int64_t, int64_t>;

std::optional<int> ParseDay(absl::string_view token) {
  static constexpr absl::string_view kDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  std::string lower = absl::AsciiStrToLower(token);
  for (int i = 0; i < 7; ++i) {
    if (lower == kDays[i]) return i;
  }
  return std::nullopt;
}

// "HH:MM" → seconds of the day. 24:00 only when `is_end`.
absl::StatusOr<int64_t> ParseClock(absl::string_view token, bool is_end) {
  std::vector<absl::string_view> parts = absl::StrSplit(token, ':');
  int hour = 0;
  int minute = 0;
  auto digits = [](absl::string_view s, size_t min_len) {
    return s.size() >= min_len && s.size() <= 2 &&
           std::all_of(s.begin(), s.end(), [](char c) { return absl::ascii_isdigit(c); });
  };
  if (parts.size() != 2 || !digits(parts[0], 1) || !digits(parts[1], 2) ||
      !absl::SimpleAtoi(parts[0], &hour) || !absl::SimpleAtoi(parts[1], &minute)) {
    return absl::InvalidArgumentError(absl::StrCat("\"", token, "\" is not a time HH:MM"));
  }
  if (hour < 0 || hour > 24) return absl::InvalidArgumentError("hour must be 00 to 24");
  if (minute < 0 || minute > 59) return absl::InvalidArgumentError("minute must be 00 to 59");
  if (hour == 24 && (minute != 0 || !is_end)) {
    return absl::InvalidArgumentError("24:00 is only allowed as an end time");
  }
  return hour * int64_t{3600} + minute * int64_t{60};
}

// "A-B" → (A, B) seconds of the day.
absl::StatusOr<Range> ParseClockRange(absl::string_view token) {
  std::vector<absl::string_view> ends = absl::StrSplit(token, '-');
  if (ends.size() != 2) {
    return absl::InvalidArgumentError(absl::StrCat("\"", token, "\" is not a range HH:MM-HH:MM"));
  }
  auto begin = ParseClock(ends[0], /*is_end=*/false);
  if (!begin.ok()) return begin.status();
  auto end = ParseClock(ends[1], /*is_end=*/true);
  if (!end.ok()) return end.status();
  return Range{*begin, *end};
}

// "Mon" or "Mon-Fri" → the days in order (a range may wrap over Sunday).
absl::StatusOr<std::vector<int>> ParseDays(absl::string_view token) {
  std::vector<absl::string_view> ends = absl::StrSplit(token, '-');
  std::optional<int> first = ParseDay(ends[0]);
  std::optional<int> last = ends.size() == 2 ? ParseDay(ends[1]) : first;
  if (ends.size() > 2 || !first || !last) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", token, "\" is not a day or day range (Mon..Sun, e.g. Mon-Fri)"));
  }
  std::vector<int> days;
  for (int d = *first;; d = (d + 1) % 7) {
    days.push_back(d);
    if (d == *last) break;
  }
  return days;
}

// Adds [begin, end) seconds of the week, splitting a span that wraps over the week's end.
void AddSpan(int64_t begin, int64_t end, std::vector<Range>& out) {
  begin %= kSecondsPerWeek;
  if (end > kSecondsPerWeek) end -= kSecondsPerWeek;
  if (begin < end) {
    out.emplace_back(begin, end);
  } else {
    out.emplace_back(begin, kSecondsPerWeek);
    if (end > 0) out.emplace_back(0, end);
  }
}

absl::Status ParseSpec(absl::string_view spec, std::vector<Range>& out) {
  std::vector<absl::string_view> tokens = absl::StrSplit(spec, ' ', absl::SkipWhitespace());
  if (tokens.size() == 3) {  // "Sat 00:00-Mon 06:00"
    std::vector<absl::string_view> middle = absl::StrSplit(tokens[1], '-');
    std::optional<int> from_day = ParseDay(tokens[0]);
    std::optional<int> to_day = middle.size() == 2 ? ParseDay(middle[1]) : std::nullopt;
    if (!from_day || !to_day) {
      return absl::InvalidArgumentError("want DAY HH:MM-DAY HH:MM, e.g. \"Sat 00:00-Mon 06:00\"");
    }
    auto from = ParseClock(middle[0], /*is_end=*/false);
    if (!from.ok()) return from.status();
    auto to = ParseClock(tokens[2], /*is_end=*/true);
    if (!to.ok()) return to.status();
    int64_t begin = *from_day * kDay + *from;
    int64_t end = *to_day * kDay + *to;
    if (begin == end) return absl::InvalidArgumentError("window is empty");
    AddSpan(begin, end, out);
    return absl::OkStatus();
  }
  if (tokens.size() != 1 && tokens.size() != 2) {
    return absl::InvalidArgumentError(
        "want e.g. \"Mon-Fri 01:00-05:00\", \"Sat 00:00-Mon 06:00\" or \"01:00-05:00\"");
  }
  std::vector<int> days = {0, 1, 2, 3, 4, 5, 6};
  if (tokens.size() == 2) {
    auto parsed = ParseDays(tokens[0]);
    if (!parsed.ok()) return parsed.status();
    days = *parsed;
  }
  auto hours = ParseClockRange(tokens.back());
  if (!hours.ok()) return hours.status();
  auto [from, to] = *hours;
  if (from == to) return absl::InvalidArgumentError("window is empty");
  for (int d : days) {
    int64_t begin = d * kDay + from;
    // An end at or before the start means the window crosses midnight.
    int64_t end = to > from ? d * kDay + to : (d + 1) * kDay + to;
    AddSpan(begin, end, out);
  }
  return absl::OkStatus();
}

int64_t SecondOfWeek(absl::CivilSecond cs) {
  int day = static_cast<int>(absl::GetWeekday(cs));  // Monday = 0
  return day * kDay + cs.hour() * int64_t{3600} + cs.minute() * int64_t{60} + cs.second();
}

// Where `t` falls in its week in `tz`: its second of the week, and how to get back to a time
// from there. UTC, the default, needs no time zone arithmetic: the scheduler's look-ahead
// asks these questions hundreds of thousands of times per decision.
struct WeekPosition {
  int64_t second = 0;  // of the week, Monday 00:00 local = 0
  bool utc = false;
  absl::Time whole;      // utc: the whole second at or before `t`
  absl::CivilSecond cs;  // otherwise: `t` in local time

  // The local time `delta` seconds from here (a DST jump can move it to or past `t`).
  absl::Time Plus(int64_t delta, absl::TimeZone tz) const {
    return utc ? whole + absl::Seconds(delta) : absl::FromCivil(cs + delta, tz);
  }
  // `delta` elapsed seconds from here: the fallback across a DST jump.
  absl::Time Elapsed(int64_t delta, absl::TimeZone tz) const {
    return (utc ? whole : absl::FromCivil(cs, tz)) + absl::Seconds(delta);
  }
};

WeekPosition Locate(absl::Time t, absl::TimeZone tz) {
  static const absl::TimeZone kUtc = absl::UTCTimeZone();
  WeekPosition p;
  if (tz == kUtc && t != absl::InfiniteFuture() && t != absl::InfinitePast()) {
    const int64_t s = absl::ToUnixSeconds(t);  // rounds down
    int64_t day = s / kDay;
    if (s % kDay < 0) --day;
    const int64_t weekday = ((day + 3) % 7 + 7) % 7;  // 1970-01-01 was a Thursday; Monday = 0
    p.utc = true;
    p.whole = absl::FromUnixSeconds(s);
    p.second = weekday * kDay + (s - day * kDay);
    return p;
  }
  p.cs = tz.At(t).cs;
  p.second = SecondOfWeek(p.cs);
  return p;
}

}  // namespace

ScrubWindows::ScrubWindows() : specs_{"always"}, ranges_{{0, kSecondsPerWeek}} {}

ScrubWindows ScrubWindows::Never() {
  ScrubWindows w;
  w.specs_ = {"never"};
  w.ranges_.clear();
  w.always_open_ = false;
  return w;
}

absl::StatusOr<ScrubWindows> ScrubWindows::Parse(const std::vector<std::string>& specs) {
  if (specs.empty()) {
    return absl::InvalidArgumentError("windows must list at least one window (omit for always)");
  }
  ScrubWindows w;
  w.specs_ = specs;
  w.ranges_.clear();
  for (const std::string& spec : specs) {
    if (absl::Status s = ParseSpec(spec, w.ranges_); !s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("bad window \"", spec, "\": ", s.message()));
    }
  }
  w.Normalize();
  return w;
}

void ScrubWindows::Normalize() {
  std::sort(ranges_.begin(), ranges_.end());
  std::vector<Range> merged;
  for (const Range& r : ranges_) {
    if (!merged.empty() && r.first <= merged.back().second) {
      merged.back().second = std::max(merged.back().second, r.second);
    } else {
      merged.push_back(r);
    }
  }
  ranges_ = std::move(merged);
  always_open_ = ranges_.size() == 1 && ranges_[0] == Range{0, kSecondsPerWeek};
  changes_.clear();
  if (always_open_) return;
  // Monday 00:00 is no change when a window runs over the end of the week into the next.
  bool wraps = ranges_.front().first == 0 && ranges_.back().second == kSecondsPerWeek;
  for (const Range& r : ranges_) {
    if (!(wraps && r.first == 0)) changes_.push_back(r.first);
    if (!(wraps && r.second == kSecondsPerWeek)) changes_.push_back(r.second % kSecondsPerWeek);
  }
  std::sort(changes_.begin(), changes_.end());
}

bool ScrubWindows::IsOpenAt(absl::Time t, absl::TimeZone tz) const {
  if (always_open_) return true;
  const int64_t sow = Locate(t, tz).second;
  for (const Range& r : ranges_) {
    if (sow < r.first) return false;
    if (sow < r.second) return true;
  }
  return false;
}

absl::Time ScrubWindows::NextChange(absl::Time t, absl::TimeZone tz) const {
  if (changes_.empty()) return absl::InfiniteFuture();
  const WeekPosition pos = Locate(t, tz);
  const int64_t sow = pos.second;
  auto next = std::upper_bound(changes_.begin(), changes_.end(), sow);
  int64_t delta = next != changes_.end() ? *next - sow : changes_.front() + kSecondsPerWeek - sow;
  absl::Time at = pos.Plus(delta, tz);
  // A DST jump can put the local answer at or before `t`; fall back to elapsed time.
  if (at <= t) at = pos.Elapsed(delta, tz);
  return at > t ? at : t + absl::Seconds(1);
}

absl::Time ScrubWindows::PreviousChange(absl::Time t, absl::TimeZone tz) const {
  if (changes_.empty()) return absl::InfinitePast();
  const WeekPosition pos = Locate(t, tz);
  const int64_t sow = pos.second;
  auto next = std::lower_bound(changes_.begin(), changes_.end(), sow);
  int64_t delta =
      next != changes_.begin() ? sow - *std::prev(next) : sow + kSecondsPerWeek - changes_.back();
  absl::Time at = pos.Plus(-delta, tz);
  // As in NextChange: across a DST jump, fall back to elapsed time.
  if (at >= t) at = pos.Elapsed(-delta, tz);
  return at < t ? at : t - absl::Seconds(1);
}

absl::Time ScrubWindows::RewindOpenTime(absl::Time end, absl::Duration open, absl::TimeZone tz,
                                        int max_changes) const {
  if (open <= absl::ZeroDuration()) return end;
  if (always_open_) return end - open;
  if (ranges_.empty() || end == absl::InfinitePast()) return absl::InfinitePast();
  absl::Time cur = end;
  for (int i = 0; i < max_changes; ++i) {
    absl::Time prev = PreviousChange(cur, tz);
    if (IsOpenAt(prev, tz)) {
      if (cur - prev >= open) return cur - open;
      open -= cur - prev;
    }
    cur = prev;
  }
  return absl::InfinitePast();
}

absl::Time ScrubWindows::AdvanceOpenTime(absl::Time start, absl::Duration open, absl::TimeZone tz,
                                         int max_changes) const {
  if (open <= absl::ZeroDuration()) return start;
  if (always_open_) return start + open;
  if (ranges_.empty() || start == absl::InfiniteFuture()) return absl::InfiniteFuture();
  absl::Time cur = start;
  for (int i = 0; i < max_changes; ++i) {
    absl::Time next = NextChange(cur, tz);
    if (IsOpenAt(cur, tz)) {
      if (next - cur >= open) return cur + open;
      open -= next - cur;
    }
    cur = next;
  }
  return absl::InfiniteFuture();
}

std::optional<std::pair<absl::Time, absl::Time>> ScrubWindows::LastOpenSpan(absl::Time t,
                                                                            absl::TimeZone tz,
                                                                            int max_changes) const {
  if (always_open_ || ranges_.empty()) return std::nullopt;
  // Just after `t`, so that a stretch beginning exactly at `t` counts.
  absl::Time cur = t + absl::Seconds(1);
  for (int i = 0; i < max_changes; ++i) {
    absl::Time prev = PreviousChange(cur, tz);
    if (IsOpenAt(prev, tz)) return std::make_pair(prev, NextChange(prev, tz));
    cur = prev;
  }
  return std::nullopt;
}

std::optional<absl::Time> ScrubWindows::EndOfOpenWindow(absl::Time t, absl::TimeZone tz) const {
  if (always_open_ || !IsOpenAt(t, tz)) return std::nullopt;
  const absl::Time end = NextChange(t, tz);
  if (end == absl::InfiniteFuture()) return std::nullopt;
  return end;
}

absl::Duration ScrubWindows::ClosedTimeBetween(absl::Time from, absl::Time to,
                                               absl::TimeZone tz) const {
  absl::Duration closed;
  if (always_open_) return closed;
  absl::Time cur = from;
  while (cur < to) {
    absl::Time next = std::min(NextChange(cur, tz), to);
    if (!IsOpenAt(cur, tz)) closed += next - cur;
    cur = next;
  }
  return closed;
}

}  // namespace zfleet
