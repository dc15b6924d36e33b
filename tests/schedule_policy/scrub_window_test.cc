#include "schedule_policy/scrub_window.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace zfleet {
namespace {

using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using Ranges = std::vector<std::pair<int64_t, int64_t>>;

constexpr int64_t kH = 3600;
constexpr int64_t kD = 24 * kH;

// 2026-11-02 is a Monday.
absl::Time Utc(int day, int hour, int minute = 0, int second = 0) {
  return absl::FromCivil(absl::CivilSecond(2026, 11, day, hour, minute, second),
                         absl::UTCTimeZone());
}

ScrubWindows MustParse(const std::vector<std::string>& specs) {
  auto w = ScrubWindows::Parse(specs);
  EXPECT_TRUE(w.ok()) << w.status();
  return w.ok() ? *w : ScrubWindows();
}

TEST(ScrubWindowsTest, ParsesEveryForm) {
  struct Case {
    std::vector<std::string> specs;
    Ranges ranges;
  } cases[] = {
      {{"Sat 00:00-Mon 06:00"}, {{0, 6 * kH}, {5 * kD, 7 * kD}}},
      {{"Mon-Fri 01:00-05:00"},
       {{kH, 5 * kH},
        {kD + kH, kD + 5 * kH},
        {2 * kD + kH, 2 * kD + 5 * kH},
        {3 * kD + kH, 3 * kD + 5 * kH},
        {4 * kD + kH, 4 * kD + 5 * kH}}},
      {{"Mon-Sun 00:00-24:00"}, {{0, 7 * kD}}},
      {{"Mon 00:00-Sun 24:00"}, {{0, 7 * kD}}},
      {{"Wed 02:30-04:00"}, {{2 * kD + 2 * kH + 1800, 2 * kD + 4 * kH}}},
      {{"Sun 22:00-02:00"}, {{0, 2 * kH}, {6 * kD + 22 * kH, 7 * kD}}},
      {{"fri-MON 00:00-24:00"}, {{0, kD}, {4 * kD, 7 * kD}}},
      {{"Tue 1:00-3:00", "Tue 02:00-04:00"}, {{kD + kH, kD + 4 * kH}}},
      {{"Sat 00:00-Mon 06:00", "Mon-Fri 01:00-05:00"},
       {{0, 6 * kH},
        {kD + kH, kD + 5 * kH},
        {2 * kD + kH, 2 * kD + 5 * kH},
        {3 * kD + kH, 3 * kD + 5 * kH},
        {4 * kD + kH, 4 * kD + 5 * kH},
        {5 * kD, 7 * kD}}},
  };
  for (const Case& c : cases) {
    ScrubWindows w = MustParse(c.specs);
    EXPECT_THAT(w.ranges(), ElementsAreArray(c.ranges)) << c.specs[0];
    EXPECT_EQ(w.specs(), c.specs);
  }
  EXPECT_EQ(MustParse({"01:00-05:00"}).ranges().size(), 7u);
}

TEST(ScrubWindowsTest, AlwaysOpenOnlyWhenTheWholeWeekIsCovered) {
  EXPECT_TRUE(ScrubWindows().AlwaysOpen());
  EXPECT_EQ(ScrubWindows().specs(), std::vector<std::string>{"always"});
  EXPECT_TRUE(MustParse({"Mon-Sun 00:00-24:00"}).AlwaysOpen());
  EXPECT_TRUE(MustParse({"Mon-Wed 00:00-24:00", "Thu 00:00-Mon 00:00"}).AlwaysOpen());
  EXPECT_FALSE(MustParse({"Mon-Sun 00:00-23:59"}).AlwaysOpen());
}

TEST(ScrubWindowsTest, RefusesBadWindowsWithTheReason) {
  struct Case {
    std::string spec;
    std::string reason;
  } cases[] = {
      {"Mon 25:00-26:00", "hour must be 00 to 24"},
      {"Mon 01:60-02:00", "minute must be 00 to 59"},
      {"Mon 24:00-01:00", "24:00 is only allowed as an end time"},
      {"Mon 24:30-01:00", "24:00 is only allowed as an end time"},
      {"Mon 01:00-01:00", "window is empty"},
      {"Sat 06:00-Sat 06:00", "window is empty"},
      {"Xyz 01:00-02:00", "\"Xyz\" is not a day or day range (Mon..Sun, e.g. Mon-Fri)"},
      {"Mon-Xyz 01:00-02:00", "\"Mon-Xyz\" is not a day or day range"},
      {"Mon 1-2", "\"1\" is not a time HH:MM"},
      {"Mon 01:00", "\"01:00\" is not a range HH:MM-HH:MM"},
      {"Mon 01:00-02:00-03:00", "\"01:00-02:00-03:00\" is not a range HH:MM-HH:MM"},
      {"Mon +1:00-02:00", "\"+1:00\" is not a time HH:MM"},
      {"Mon 001:00-02:00", "\"001:00\" is not a time HH:MM"},
      {"Sat 00:00-Mon", "\"Mon\" is not a time HH:MM"},
      {"Sat 00:00-Xyz 06:00", "want DAY HH:MM-DAY HH:MM"},
      {"", "want e.g."},
      {"Mon Tue 01:00-02:00 x", "want e.g."},
  };
  for (const Case& c : cases) {
    auto w = ScrubWindows::Parse({"Mon 00:00-01:00", c.spec});
    ASSERT_FALSE(w.ok()) << c.spec;
    EXPECT_THAT(std::string(w.status().message()),
                HasSubstr("bad window \"" + c.spec + "\": " + c.reason));
  }
  EXPECT_THAT(std::string(ScrubWindows::Parse({}).status().message()),
              HasSubstr("at least one window"));
}

TEST(ScrubWindowsTest, IsOpenAtIsHalfOpen) {
  ScrubWindows w = MustParse({"Sat 00:00-Mon 06:00", "Mon-Fri 01:00-05:00"});
  struct Case {
    absl::Time at;
    bool open;
  } cases[] = {
      {Utc(2, 0), true},          {Utc(2, 5, 59, 59), true},  {Utc(2, 6), false},
      {Utc(3, 0, 59, 59), false}, {Utc(3, 1), true},          {Utc(3, 4, 59, 59), true},
      {Utc(3, 5), false},         {Utc(6, 4, 59), true},      {Utc(6, 23, 59, 59), false},
      {Utc(7, 0), true},          {Utc(8, 23, 59, 59), true}, {Utc(9, 3), true},
      {Utc(9, 7), false},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(w.IsOpenAt(c.at, absl::UTCTimeZone()), c.open) << c.at;
  }
}

TEST(ScrubWindowsTest, ReadsWindowsInTheGivenTimeZone) {
  absl::TimeZone amsterdam;
  ASSERT_TRUE(absl::LoadTimeZone("Europe/Amsterdam", &amsterdam));
  ScrubWindows w = MustParse({"Mon-Fri 01:00-05:00"});
  EXPECT_TRUE(w.IsOpenAt(Utc(3, 0, 30), amsterdam));   // 01:30 CET
  EXPECT_FALSE(w.IsOpenAt(Utc(3, 4, 30), amsterdam));  // 05:30 CET
  EXPECT_EQ(w.NextChange(Utc(3, 0, 30), amsterdam), Utc(3, 4));
}

TEST(ScrubWindowsTest, NextChangeFindsTheNextEdge) {
  ScrubWindows w = MustParse({"Sat 00:00-Mon 06:00", "Mon-Fri 01:00-05:00"});
  struct Case {
    absl::Time from;
    absl::Time next;
  } cases[] = {
      {Utc(2, 3), Utc(2, 6)},  // inside the weekend span
      {Utc(2, 6), Utc(3, 1)},  // at the close: next opening
      {Utc(3, 1), Utc(3, 5)},
      {Utc(3, 0, 59, 59), Utc(3, 1)},
      {Utc(6, 5), Utc(7, 0)},   // Friday after the night: Saturday
      {Utc(8, 12), Utc(9, 6)},  // Monday 00:00 is no edge inside the span
      {Utc(8, 12) + absl::Milliseconds(500), Utc(9, 6)},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(w.NextChange(c.from, absl::UTCTimeZone()), c.next) << c.from;
  }
  EXPECT_EQ(ScrubWindows().NextChange(Utc(2, 0), absl::UTCTimeZone()), absl::InfiniteFuture());
  ScrubWindows once = MustParse({"Wed 02:00-03:00"});
  EXPECT_EQ(once.NextChange(Utc(4, 3), absl::UTCTimeZone()), Utc(11, 2));
}

// A scheduled start expires when the window it was meant for closes.
TEST(ScrubWindowsTest, EndOfOpenWindowIsWhereTheOpenSpanCloses) {
  ScrubWindows w = MustParse({"Sat 00:00-Mon 06:00", "Mon-Fri 01:00-05:00"});
  struct Case {
    absl::Time at;
    std::optional<absl::Time> end;
  } cases[] = {
      {Utc(2, 3), Utc(2, 6)},          // inside the weekend span
      {Utc(8, 12), Utc(9, 6)},         // the span runs over Monday 00:00
      {Utc(3, 1), Utc(3, 5)},          // at the opening
      {Utc(3, 4, 59, 59), Utc(3, 5)},  // a second before the close
      {Utc(3, 5), std::nullopt},       // at the close: closed
      {Utc(4, 12), std::nullopt},      // between windows
  };
  for (const Case& c : cases) {
    EXPECT_EQ(w.EndOfOpenWindow(c.at, absl::UTCTimeZone()), c.end) << c.at;
  }
  EXPECT_EQ(ScrubWindows().EndOfOpenWindow(Utc(2, 0), absl::UTCTimeZone()), std::nullopt);
  EXPECT_EQ(MustParse({"Mon-Sun 00:00-24:00"}).EndOfOpenWindow(Utc(2, 0), absl::UTCTimeZone()),
            std::nullopt);
}

TEST(ScrubWindowsTest, ClosedTimeBetweenMeasuresTimeOutsideWindows) {
  ScrubWindows w = MustParse({"Sat 00:00-Mon 06:00", "Mon-Fri 01:00-05:00"});
  absl::TimeZone utc = absl::UTCTimeZone();
  EXPECT_EQ(w.ClosedTimeBetween(Utc(2, 0), Utc(3, 0), utc), absl::Hours(18));
  EXPECT_EQ(w.ClosedTimeBetween(Utc(2, 0), Utc(9, 0), utc), absl::Hours(19 + 20 + 20 + 20 + 19));
  EXPECT_EQ(w.ClosedTimeBetween(Utc(3, 2), Utc(3, 4), utc), absl::ZeroDuration());
  EXPECT_EQ(w.ClosedTimeBetween(Utc(3, 4), Utc(3, 4), utc), absl::ZeroDuration());
  EXPECT_EQ(ScrubWindows().ClosedTimeBetween(Utc(2, 0), Utc(9, 0), utc), absl::ZeroDuration());
}

TEST(ScrubWindowsTest, PreviousChangeFindsTheLastEdge) {
  ScrubWindows w = MustParse({"Sat 00:00-Mon 06:00", "Mon-Fri 01:00-05:00"});
  absl::TimeZone utc = absl::UTCTimeZone();
  struct Case {
    absl::Time at;
    absl::Time previous;
  } cases[] = {
      {Utc(3, 3), Utc(3, 1)},   // inside Tuesday's night: its opening
      {Utc(3, 1), Utc(2, 6)},   // at an edge: the one before it
      {Utc(3, 12), Utc(3, 5)},  // Tuesday noon: the night's close
      {Utc(7, 12), Utc(7, 0)},  // Saturday: the weekend's opening
      {Utc(9, 3), Utc(7, 0)},   // Monday 00:00 is no edge inside the span
  };
  for (const Case& c : cases) EXPECT_EQ(w.PreviousChange(c.at, utc), c.previous) << c.at;
  EXPECT_EQ(ScrubWindows().PreviousChange(Utc(2, 0), utc), absl::InfinitePast());
  ScrubWindows once = MustParse({"Wed 02:00-03:00"});
  // At its only opening: last week's close.
  EXPECT_EQ(once.PreviousChange(Utc(4, 2), utc), Utc(4, 3) - absl::Hours(24 * 7));
}

TEST(ScrubWindowsTest, RewindOpenTimeCountsOnlyWindowTime) {
  ScrubWindows w = MustParse({"Sat 00:00-Mon 06:00", "Mon-Fri 01:00-05:00"});
  absl::TimeZone utc = absl::UTCTimeZone();
  // Two hours back from Tuesday 04:00 lie inside the night.
  EXPECT_EQ(w.RewindOpenTime(Utc(3, 4), absl::Hours(2), utc), Utc(3, 2));
  // Six hours of window before Wednesday 02:00: one at Wednesday night, four on Tuesday
  // night, one at the end of the weekend span (Monday 05:00-06:00).
  EXPECT_EQ(w.RewindOpenTime(Utc(4, 2), absl::Hours(6), utc), Utc(2, 5));
  // From a closed moment: the time before it counts from the last close.
  EXPECT_EQ(w.RewindOpenTime(Utc(3, 12), absl::Hours(1), utc), Utc(3, 4));
  EXPECT_EQ(w.RewindOpenTime(Utc(3, 12), absl::ZeroDuration(), utc), Utc(3, 12));
  EXPECT_EQ(ScrubWindows().RewindOpenTime(Utc(3, 12), absl::Hours(30), utc), Utc(2, 6));
  EXPECT_EQ(ScrubWindows::Never().RewindOpenTime(Utc(3, 12), absl::Hours(1), utc),
            absl::InfinitePast());
  // A horizon too short to find the time.
  EXPECT_EQ(w.RewindOpenTime(Utc(3, 12), absl::Hours(24 * 30), utc, /*max_changes=*/8),
            absl::InfinitePast());
}

TEST(ScrubWindowsTest, AdvanceOpenTimeCountsOnlyWindowTime) {
  ScrubWindows w = MustParse({"Sat 00:00-Mon 06:00", "Mon-Fri 01:00-05:00"});
  absl::TimeZone utc = absl::UTCTimeZone();
  EXPECT_EQ(w.AdvanceOpenTime(Utc(3, 2), absl::Hours(2), utc), Utc(3, 4));
  // Monday 05:00-06:00, Tuesday night, one hour of Wednesday night.
  EXPECT_EQ(w.AdvanceOpenTime(Utc(2, 5), absl::Hours(6), utc), Utc(4, 2));
  EXPECT_EQ(w.AdvanceOpenTime(Utc(3, 12), absl::Hours(1), utc), Utc(4, 2));
  EXPECT_EQ(ScrubWindows().AdvanceOpenTime(Utc(2, 6), absl::Hours(30), utc), Utc(3, 12));
  EXPECT_EQ(ScrubWindows::Never().AdvanceOpenTime(Utc(3, 12), absl::Hours(1), utc),
            absl::InfiniteFuture());
}

TEST(ScrubWindowsTest, LastOpenSpanIsTheStretchBeginningLatest) {
  ScrubWindows w = MustParse({"Sat 00:00-Mon 06:00", "Mon-Fri 01:00-05:00"});
  absl::TimeZone utc = absl::UTCTimeZone();
  using Span = std::pair<absl::Time, absl::Time>;
  EXPECT_EQ(w.LastOpenSpan(Utc(3, 12), utc), Span(Utc(3, 1), Utc(3, 5)));  // closed: the last
  EXPECT_EQ(w.LastOpenSpan(Utc(3, 2), utc), Span(Utc(3, 1), Utc(3, 5)));   // open: this one
  EXPECT_EQ(w.LastOpenSpan(Utc(3, 1), utc), Span(Utc(3, 1), Utc(3, 5)));   // at its opening
  EXPECT_EQ(w.LastOpenSpan(Utc(3, 5), utc), Span(Utc(3, 1), Utc(3, 5)));   // at its close
  EXPECT_EQ(w.LastOpenSpan(Utc(9, 3), utc), Span(Utc(7, 0), Utc(9, 6)));   // over Monday 00:00
  EXPECT_EQ(ScrubWindows().LastOpenSpan(Utc(3, 12), utc), std::nullopt);
  EXPECT_EQ(ScrubWindows::Never().LastOpenSpan(Utc(3, 12), utc), std::nullopt);
  EXPECT_FALSE(ScrubWindows::Never().IsOpenAt(Utc(3, 12), utc));
}

TEST(ScrubWindowsTest, UtcShortcutAgreesWithTheTimeZoneRules) {
  // UTC is answered without time zone arithmetic; Etc/UTC from the zoneinfo files takes the
  // general path. Every answer must be the same, at whole and fractional seconds, before and
  // after 1970 and across the week's wrap.
  absl::TimeZone zoneinfo_utc;
  ASSERT_TRUE(absl::LoadTimeZone("Etc/UTC", &zoneinfo_utc));
  ASSERT_FALSE(zoneinfo_utc == absl::UTCTimeZone()) << "both would take the shortcut";
  const absl::TimeZone utc = absl::UTCTimeZone();
  auto windows = ScrubWindows::Parse({"Sat 00:00-Mon 06:00", "Mon-Fri 01:00-05:00"});
  ASSERT_TRUE(windows.ok());
  const absl::Time base = absl::FromUnixSeconds(-86400 * 3 - 7);  // a Sunday in 1969
  for (int i = 0; i < 4000; ++i) {
    absl::Time t = base + absl::Seconds(i * 997) + absl::Milliseconds(i % 3 == 0 ? 0 : 250);
    ASSERT_EQ(windows->IsOpenAt(t, utc), windows->IsOpenAt(t, zoneinfo_utc)) << t;
    ASSERT_EQ(windows->NextChange(t, utc), windows->NextChange(t, zoneinfo_utc)) << t;
    ASSERT_EQ(windows->PreviousChange(t, utc), windows->PreviousChange(t, zoneinfo_utc)) << t;
  }
}

}  // namespace
}  // namespace zfleet
