// Weekly scrub windows: when in the week a class of pools may scrub. Pure: no clock, no I/O.
//
// Window syntax (day names Mon..Sun, case-insensitive; times HH:MM, 24:00 only as an end):
//   "Sat 00:00-Mon 06:00"    one span from a day and time to a later day and time; it wraps
//                            over the end of the week when the end comes before the start
//   "Mon-Fri 01:00-05:00"    the same hours on each day of the range (ranges may wrap:
//                            "Fri-Mon"); an end at or before the start crosses midnight
//   "Sun 02:00-04:00"        one day
//   "01:00-05:00"            every day
//   "Mon-Sun 00:00-24:00"    always open
#ifndef ZFLEET_SCHEDULE_POLICY_SCRUB_WINDOW_H_
#define ZFLEET_SCHEDULE_POLICY_SCRUB_WINDOW_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace zfleet {

inline constexpr int64_t kSecondsPerWeek = 7 * 24 * 3600;

// A set of weekly windows. Default-constructed = always open. Copyable value type;
// thread-compatible (const methods may be called concurrently).
class ScrubWindows {
 public:
  ScrubWindows();

  // Parses `specs` (at least one). InvalidArgument naming the first spec that does not
  // parse and why, e.g. `bad window "Mon 25:00-26:00": hour must be 00 to 24`.
  static absl::StatusOr<ScrubWindows> Parse(const std::vector<std::string>& specs);

  // True when `t`, read as local time in `tz`, falls inside a window. Windows are
  // half-open: "01:00-05:00" is open at 01:00:00 and closed at 05:00:00.
  bool IsOpenAt(absl::Time t, absl::TimeZone tz) const;

  // The first time after `t` at which IsOpenAt changes; InfiniteFuture when it never does
  // (always open). Across a DST change the result follows local wall-clock time.
  absl::Time NextChange(absl::Time t, absl::TimeZone tz) const;

  // When the window open at `t` closes (the first NextChange after `t`); nullopt when no
  // window is open at `t` or they never close (always open).
  std::optional<absl::Time> EndOfOpenWindow(absl::Time t, absl::TimeZone tz) const;

  // The last time before `t` at which IsOpenAt changes, so that it is constant on
  // [PreviousChange(t), t); InfinitePast when it never changes (always open).
  absl::Time PreviousChange(absl::Time t, absl::TimeZone tz) const;

  // How much of [from, to) lies outside every window.
  absl::Duration ClosedTimeBetween(absl::Time from, absl::Time to, absl::TimeZone tz) const;

  // The latest start s <= `end` such that [s, end) holds `open` of window time (s is then
  // inside a window, or `end` when `open` is zero). Walks back at most `max_changes` window
  // edges; InfinitePast when that is not enough (a planner's horizon).
  absl::Time RewindOpenTime(absl::Time end, absl::Duration open, absl::TimeZone tz,
                            int max_changes = 4096) const;

  // The earliest end e >= `start` such that [start, e) holds `open` of window time; like
  // RewindOpenTime, InfiniteFuture past `max_changes` edges.
  absl::Time AdvanceOpenTime(absl::Time start, absl::Duration open, absl::TimeZone tz,
                             int max_changes = 4096) const;

  // The latest open stretch that begins at or before `t`: [begin, end) with end the first
  // close after begin (which may be after `t` when `t` is inside it). nullopt when always
  // open or when none begins within `max_changes` edges.
  std::optional<std::pair<absl::Time, absl::Time>> LastOpenSpan(absl::Time t, absl::TimeZone tz,
                                                                int max_changes = 64) const;

  bool AlwaysOpen() const { return always_open_; }
  // A set that is never open: a simulated outage of a class's windows (zfleet-sim --outage).
  static ScrubWindows Never();
  // The specs as written ("always" for the default).
  const std::vector<std::string>& specs() const { return specs_; }
  // Merged [begin, end) seconds of the week, Monday 00:00 local = 0, sorted.
  const std::vector<std::pair<int64_t, int64_t>>& ranges() const { return ranges_; }

 private:
  void Normalize();

  std::vector<std::string> specs_;
  std::vector<std::pair<int64_t, int64_t>> ranges_;
  std::vector<int64_t> changes_;  // seconds of the week at which open/closed flips, sorted
  bool always_open_ = true;
};

}  // namespace zfleet

#endif  // ZFLEET_SCHEDULE_POLICY_SCRUB_WINDOW_H_
