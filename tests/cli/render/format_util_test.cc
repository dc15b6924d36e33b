#include "cli/render/format_util.h"

#include <cstdint>

#include "gtest/gtest.h"
#include "tests/cli/fleet_fixtures.h"

namespace zfleet::cli {
namespace {

using fixtures::kNow;
using fixtures::Now;

TEST(HumanSizeTest, MatchesZpoolNicenum) {
  struct Case {
    uint64_t bytes;
    const char* want;
  };
  const Case cases[] = {
      {0, "0B"},
      {512, "512B"},
      {1023, "1023B"},
      {1024, "1K"},
      {1228, "1.20K"},  // zpool's "1.2K" read back
      {1536, "1.50K"},
      {uint64_t{256} << 20, "256M"},
      {uint64_t{41} << 19, "20.5M"},  // 20.5 MiB
      {uint64_t{1} << 40, "1T"},
      {uint64_t{1319413953331}, "1.20T"},  // 1.2 TiB
      {uint64_t{123} << 30 | uint64_t{400} << 20, "123G"},
      {uint64_t{10} << 30 | uint64_t{512} << 20, "10.5G"},
      {UINT64_MAX, "16.0E"},
  };
  for (const Case& c : cases) EXPECT_EQ(HumanSize(c.bytes), c.want) << c.bytes;
}

TEST(FormatPercentTest, OneDecimalTruncatedWithoutTrailingZero) {
  EXPECT_EQ(FormatPercent(45.23), "45.2%");
  EXPECT_EQ(FormatPercent(12.0), "12%");
  EXPECT_EQ(FormatPercent(99.99), "99.9%");
  EXPECT_EQ(FormatPercent(0), "0%");
  EXPECT_EQ(FormatPercent(100), "100%");
}

TEST(FormatTimeTest, UtcMinutesAndSeconds) {
  EXPECT_EQ(FormatMinute(kNow - 12 * 60 + 23), "2026-11-21 09:48");
  EXPECT_EQ(FormatSecond(kNow - 12 * 60 + 23), "2026-11-21 09:48:23");
}

TEST(FormatAgeTest, TwoUnitsAtMost) {
  EXPECT_EQ(FormatAge(0, Now()), "never");
  EXPECT_EQ(FormatAge(kNow, Now()), "0s ago");
  EXPECT_EQ(FormatAge(kNow + 30, Now()), "0s ago");
  EXPECT_EQ(FormatAge(kNow - 12, Now()), "12s ago");
  EXPECT_EQ(FormatAge(kNow - 312, Now()), "5m12s ago");
  EXPECT_EQ(FormatAge(kNow - 3 * 3600 - 12 * 60 - 5, Now()), "3h12m ago");
  EXPECT_EQ(FormatAge(kNow - 2 * 86400 - 4 * 3600 - 60, Now()), "2d4h ago");
}

v1::Scan MakeScan(const char* function, const char* state) {
  v1::Scan scan;
  scan.set_function(function);
  scan.set_state(state);
  return scan;
}

TEST(ScanSummaryTest, OneLinePerState) {
  EXPECT_EQ(ScanSummary(v1::Scan()), "none");
  EXPECT_EQ(ScanSummary(MakeScan("none", "none")), "none");

  v1::Scan scrub = MakeScan("scrub", "scanning");
  EXPECT_EQ(ScanSummary(scrub), "scrub in progress");
  scrub.set_percent_done(45.23);
  EXPECT_EQ(ScanSummary(scrub), "scrub 45.2%");

  v1::Scan resilver = MakeScan("resilver", "scanning");
  resilver.set_percent_done(12);
  EXPECT_EQ(ScanSummary(resilver), "resilver 12%");

  v1::Scan paused = MakeScan("scrub", "paused");
  paused.set_percent_done(30);
  EXPECT_EQ(ScanSummary(paused), "scrub paused 30%");

  v1::Scan finished = MakeScan("scrub", "finished");
  EXPECT_EQ(ScanSummary(finished), "scrub finished");
  finished.set_end_time(kNow - 12 * 60);
  EXPECT_EQ(ScanSummary(finished), "scrub finished 2026-11-21 09:48");

  v1::Scan canceled = MakeScan("scrub", "canceled");
  canceled.set_end_time(kNow);
  EXPECT_EQ(ScanSummary(canceled), "scrub canceled 2026-11-21 10:00");
}

TEST(ScanBriefJsonTest, NoneAndNullForUnknowns) {
  EXPECT_EQ(ScanBriefJson(v1::Scan()).dump(),
            R"({"function":"none","state":"none","percent_done":null})");
  v1::Scan scan = MakeScan("scrub", "scanning");
  scan.set_percent_done(45.5);
  EXPECT_EQ(ScanBriefJson(scan).dump(),
            R"({"function":"scrub","state":"scanning","percent_done":45.5})");
}

TEST(DumpJsonTest, ReplacesInvalidUtf8InsteadOfThrowing) {
  nlohmann::ordered_json doc;
  doc["note"] = std::string("bad \xff byte");
  std::string out;
  EXPECT_NO_THROW(out = DumpJson(doc));
  EXPECT_EQ(out.back(), '\n');
  EXPECT_NE(out.find("bad"), std::string::npos);
}

TEST(StateColorTest, GreenYellowRed) {
  EXPECT_EQ(StateColor("ONLINE"), Color::kGreen);
  EXPECT_EQ(StateColor("DEGRADED"), Color::kYellow);
  EXPECT_EQ(StateColor("FAULTED"), Color::kRed);
  EXPECT_EQ(StateColor(""), Color::kNone);
}

}  // namespace
}  // namespace zfleet::cli
