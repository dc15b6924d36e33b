#include "schedule_policy/scrub_cadence.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace zfleet {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);
absl::Duration Days(int n) { return absl::Hours(24 * n); }

TEST(ScrubDueTimeTest, StartOfTheLastScrubPlusTheInterval) {
  PoolScrubHistory pool{"h0", "tank", kNow - Days(8), kNow - Days(7), kNow - Days(100)};
  EXPECT_EQ(ScrubDueTime(pool, Days(7)), kNow - Days(1));
  // Without a start time, the end counts.
  pool.last_scrub_start.reset();
  EXPECT_EQ(ScrubDueTime(pool, Days(7)), kNow);
}

TEST(ScrubDueTimeTest, NeverScrubbedIsSpreadOverItsFirstInterval) {
  const PoolScrubHistory pool{"h0", "tank", std::nullopt, std::nullopt, kNow};
  EXPECT_EQ(ScrubDueTime(pool, Days(7)), kNow + SpreadOffset("h0", "tank", Days(7)));
  EXPECT_EQ(SpreadOffset("h0", "tank", Days(7)), SpreadOffset("h0", "tank", Days(7)));
  EXPECT_NE(SpreadOffset("h0", "tank", Days(7)), SpreadOffset("h1", "tank", Days(7)));
  EXPECT_EQ(SpreadOffset("h0", "tank", absl::ZeroDuration()), absl::ZeroDuration());
  int per_day[7] = {};
  for (int i = 0; i < 7000; ++i) {
    absl::Duration off = SpreadOffset(absl::StrCat("host", i), "tank", Days(7));
    ASSERT_GE(off, absl::ZeroDuration());
    ASSERT_LT(off, Days(7));
    ++per_day[absl::ToInt64Hours(off) / 24];
  }
  for (int n : per_day) {
    EXPECT_GT(n, 850);
    EXPECT_LT(n, 1150);
  }
}

TEST(ScrubCadenceTest, SkipsTheConfiguredStatesOnly) {
  ScrubCadence cadence;
  EXPECT_TRUE(cadence.Skips("DEGRADED"));
  EXPECT_TRUE(cadence.Skips("FAULTED"));
  EXPECT_FALSE(cadence.Skips("ONLINE"));
  cadence.skip_states = {"ONLINE"};
  EXPECT_TRUE(cadence.Skips("ONLINE"));
  EXPECT_FALSE(cadence.Skips("DEGRADED"));
}

TEST(ScrubCadenceTest, WindowOpenReadsTheClassWindowsInTheTimezone) {
  ScrubCadence cadence;
  EXPECT_TRUE(cadence.WindowOpen(DiskClass::kSata, kNow));  // default: always open
  cadence.classes[static_cast<int>(DiskClass::kSata)].windows =
      *ScrubWindows::Parse({"01:00-05:00"});
  ASSERT_TRUE(absl::LoadTimeZone("Europe/Amsterdam", &cadence.timezone));
  // 2026-11-02 00:30 UTC is 01:30 in Amsterdam (CET, UTC+1).
  const absl::Time t = absl::FromCivil(absl::CivilMinute(2026, 11, 2, 0, 30), absl::UTCTimeZone());
  EXPECT_TRUE(cadence.WindowOpen(DiskClass::kSata, t));
  EXPECT_FALSE(cadence.WindowOpen(DiskClass::kSata, t + absl::Hours(4)));
  EXPECT_TRUE(cadence.WindowOpen(DiskClass::kSas, t + absl::Hours(4)));
}

TEST(ShortestIntervalClassTest, TheMostDemandingClassWins) {
  ScrubCadence cadence;
  EXPECT_EQ(ShortestIntervalClass({"sas", "sata"}, cadence), DiskClass::kSata);
  EXPECT_EQ(ShortestIntervalClass({"nvme"}, cadence), DiskClass::kNvme);
  EXPECT_EQ(ShortestIntervalClass({}, cadence), DiskClass::kUnknown);
  EXPECT_EQ(ShortestIntervalClass({"floppy"}, cadence), DiskClass::kUnknown);
  cadence.classes[static_cast<int>(DiskClass::kSas)].interval = absl::Hours(1);
  EXPECT_EQ(ShortestIntervalClass({"sas", "sata"}, cadence), DiskClass::kSas);
}

TEST(DiskClassTest, NamesRoundTrip) {
  for (int i = 0; i < kDiskClassCount; ++i) {
    const DiskClass c = static_cast<DiskClass>(i);
    EXPECT_EQ(ParseDiskClass(DiskClassName(c)), c);
  }
  EXPECT_EQ(ParseDiskClass("SATA"), std::nullopt);
  EXPECT_EQ(DiskClassOrUnknown(""), DiskClass::kUnknown);
  EXPECT_EQ(DiskClassOrUnknown("nvme"), DiskClass::kNvme);
}

}  // namespace
}  // namespace zfleet
