#include "agent/zpool/scan_line_parser.h"

#include <cstdint>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/agent/zpool/parser_fixtures.h"

namespace zfleet::agent {
namespace {

TEST(ParseCtimeDateTest, ReadsBothDayPaddingsInTheGivenZone) {
  EXPECT_EQ(ParseCtimeDate("Sat Nov 21 09:48:23 2026", absl::UTCTimeZone()),
            Utc(2026, 11, 21, 9, 48, 23));
  EXPECT_EQ(ParseCtimeDate("Sun Jul  1 00:24:01 2018", absl::UTCTimeZone()),
            Utc(2018, 7, 1, 0, 24, 1));
  EXPECT_EQ(ParseCtimeDate("Sat Nov 21 09:48:23 2026", absl::FixedTimeZone(3600)),
            Utc(2026, 11, 21, 8, 48, 23));
  EXPECT_EQ(ParseCtimeDate("yesterday", absl::UTCTimeZone()), std::nullopt);
  EXPECT_EQ(ParseCtimeDate("", absl::UTCTimeZone()), std::nullopt);
}

TEST(ParseScanDurationTest, EveryGenerationsSpelling) {
  EXPECT_EQ(ParseScanDuration("0h0m"), 0);
  EXPECT_EQ(ParseScanDuration("0h5m"), 300);
  EXPECT_EQ(ParseScanDuration("12h34m"), 12 * 3600 + 34 * 60);
  EXPECT_EQ(ParseScanDuration("0 days 00:02:14"), 134);
  EXPECT_EQ(ParseScanDuration("00:41:46"), 41 * 60 + 46);
  EXPECT_EQ(ParseScanDuration("1 days 01:02:03"), 86400 + 3723);
  EXPECT_EQ(ParseScanDuration("soon"), std::nullopt);
  EXPECT_EQ(ParseScanDuration("1:2"), std::nullopt);
  EXPECT_EQ(ParseScanDuration("-1h0m"), std::nullopt);
  EXPECT_EQ(ParseScanDuration(""), std::nullopt);
}

// Found by the fuzzer: a corrupt line must not overflow (undefined behaviour) on the way.
TEST(ParseScanDurationTest, TooLongForInt64IsNoDuration) {
  EXPECT_EQ(ParseScanDuration("987123654012345678h0m"), std::nullopt);
  EXPECT_EQ(ParseScanDuration("0h987123654012345678m"), std::nullopt);
  EXPECT_EQ(ParseScanDuration("106751991167301 days 00:00:00"), std::nullopt);
  EXPECT_EQ(ParseScanDuration("9223372036854775807:00:00"), std::nullopt);
  EXPECT_EQ(ParseScanDuration("106751991167300 days 00:00:00"), int64_t{106751991167300} * 86400);
}

struct HeadlineCase {
  std::string name;
  std::string text;
  bool known;
  ScanFacts want;
};

class ScanHeadlineTest : public testing::TestWithParam<HeadlineCase> {};

TEST_P(ScanHeadlineTest, Parses) {
  const HeadlineCase& c = GetParam();
  v1::Scan scan;
  scan.set_bytes_total(1);  // must be overwritten, not merged
  EXPECT_EQ(ParseScanHeadline(c.text, absl::UTCTimeZone(), scan), c.known) << c.text;
  ExpectScan(scan, c.want);
}

const int64_t kLegacyEnd = Utc(2026, 11, 21, 9, 48, 23);
const int64_t kOzEnd = Utc(2026, 11, 15, 0, 24, 2);

INSTANTIATE_TEST_SUITE_P(
    AllGenerations, ScanHeadlineTest,
    testing::Values(
        // Legacy Solaris / zfs-fuse " scrub:" lines.
        HeadlineCase{"LegacyNone", "none requested", true, {.function = "none", .state = "none"}},
        HeadlineCase{"LegacyCompleted",
                     "scrub completed after 0h0m with 0 errors on Sat Nov 21 09:48:23 2026",
                     true,
                     {.function = "scrub",
                      .state = "finished",
                      .errors = 0,
                      .start_time = kLegacyEnd,
                      .end_time = kLegacyEnd}},
        HeadlineCase{"LegacyStopped",
                     "scrub stopped after 0h5m with 0 errors on Sat Nov 21 09:48:23 2026",
                     true,
                     {.function = "scrub",
                      .state = "canceled",
                      .errors = 0,
                      .start_time = kLegacyEnd - 300,
                      .end_time = kLegacyEnd}},
        HeadlineCase{"LegacyResilverCompleted",
                     "resilver completed after 1h2m with 4 errors on Sat Nov 21 09:48:23 2026",
                     true,
                     {.function = "resilver",
                      .state = "finished",
                      .errors = 4,
                      .start_time = kLegacyEnd - 3720,
                      .end_time = kLegacyEnd}},
        HeadlineCase{"LegacyScrubInProgress",
                     "scrub in progress for 0h1m, 45.23% done, 0h2m to go",
                     true,
                     {.function = "scrub",
                      .state = "scanning",
                      .percent_done = 45.23,
                      .seconds_to_go = 120}},
        HeadlineCase{"LegacyResilverInProgress",
                     "resilver in progress for 0h0m, 10.00% done, 0h5m to go",
                     true,
                     {.function = "resilver",
                      .state = "scanning",
                      .percent_done = 10.0,
                      .seconds_to_go = 300}},
        // OpenZFS 0.6 - 0.8.
        HeadlineCase{"Oz06Finished",
                     "scrub repaired 0 in 0h0m with 0 errors on Sun Jul  1 00:24:01 2018",
                     true,
                     {.function = "scrub",
                      .state = "finished",
                      .bytes_repaired = 0,
                      .errors = 0,
                      .start_time = Utc(2018, 7, 1, 0, 24, 1),
                      .end_time = Utc(2018, 7, 1, 0, 24, 1)}},
        HeadlineCase{"Oz08Finished",
                     "scrub repaired 45.3M in 0 days 00:12:03 with 0 errors on Sun Jul  1 00:24:01 "
                     "2018",
                     true,
                     {.function = "scrub",
                      .state = "finished",
                      .bytes_repaired = 453 * kM / 10,
                      .errors = 0,
                      .start_time = Utc(2018, 7, 1, 0, 24, 1) - 723,
                      .end_time = Utc(2018, 7, 1, 0, 24, 1)}},
        HeadlineCase{"Oz07ResilverFinished",
                     "resilvered 1.2G in 0h1m with 0 errors on Sun Nov 15 00:24:02 2026",
                     true,
                     {.function = "resilver",
                      .state = "finished",
                      .bytes_repaired = 12 * kG / 10,
                      .errors = 0,
                      .start_time = kOzEnd - 60,
                      .end_time = kOzEnd}},
        // OpenZFS 2.x.
        HeadlineCase{"Oz2Finished",
                     "scrub repaired 1.50M in 1 days 01:02:03 with 3 errors on Sun Nov 15 00:24:02 "
                     "2026",
                     true,
                     {.function = "scrub",
                      .state = "finished",
                      .bytes_repaired = 15 * kM / 10,
                      .errors = 3,
                      .start_time = kOzEnd - 90123,
                      .end_time = kOzEnd}},
        HeadlineCase{"Oz2ResilverFinished",
                     "resilvered 1.2G in 00:01:02 with 0 errors on Sun Nov 15 00:24:02 2026",
                     true,
                     {.function = "resilver",
                      .state = "finished",
                      .bytes_repaired = 12 * kG / 10,
                      .errors = 0,
                      .start_time = kOzEnd - 62,
                      .end_time = kOzEnd}},
        HeadlineCase{"ScrubCanceled",
                     "scrub canceled on Sun Nov 15 00:24:02 2026",
                     true,
                     {.function = "scrub", .state = "canceled", .end_time = kOzEnd}},
        HeadlineCase{"ResilverCanceled",
                     "resilver canceled on Sun Nov 15 00:24:02 2026",
                     true,
                     {.function = "resilver", .state = "canceled", .end_time = kOzEnd}},
        HeadlineCase{"ScrubInProgress",
                     "scrub in progress since Sun Nov 15 00:24:02 2026",
                     true,
                     {.function = "scrub", .state = "scanning", .start_time = kOzEnd}},
        HeadlineCase{"ResilverInProgress",
                     "resilver in progress since Sun Nov 15 00:24:02 2026",
                     true,
                     {.function = "resilver", .state = "scanning", .start_time = kOzEnd}},
        HeadlineCase{"ScrubPaused",
                     "scrub paused since Sun Nov 15 00:24:02 2026",
                     true,
                     {.function = "scrub", .state = "paused"}},
        HeadlineCase{"DraidRebuildInProgress",
                     "resilver (draid2:4d:6c:1s-0) in progress since Sun Nov 15 00:24:02 2026",
                     true,
                     {.function = "resilver", .state = "scanning", .start_time = kOzEnd}},
        HeadlineCase{"DraidRebuildFinished",
                     "resilvered (draid2:4d:6c:1s-0) 10.5G in 00:05:00 with 0 errors on Sun Nov "
                     "15 00:24:02 2026",
                     true,
                     {.function = "resilver",
                      .state = "finished",
                      .bytes_repaired = 105 * kG / 10,
                      .errors = 0,
                      .start_time = kOzEnd - 300,
                      .end_time = kOzEnd}},
        // Not understood: reported as such, never guessed.
        HeadlineCase{"ErrorScrubIsUnknown",
                     "error scrub in progress since Sun Nov 15 00:24:02 2026",
                     false,
                     {}},
        HeadlineCase{"BadDuration",
                     "scrub repaired 0B in soon with 0 errors on Sun Nov 15 00:24:02 2026",
                     false,
                     {.function = "scrub", .state = "finished", .bytes_repaired = 0}},
        HeadlineCase{"BadDate",
                     "scrub canceled on yesterday",
                     false,
                     {.function = "scrub", .state = "canceled"}}),
    [](const testing::TestParamInfo<HeadlineCase>& info) { return info.param.name; });

struct ProgressCase {
  std::string name;
  std::string line;
  bool known;
  ScanFacts want;  // function/state stay empty: progress lines do not set them
};

class ScanProgressTest : public testing::TestWithParam<ProgressCase> {};

TEST_P(ScanProgressTest, Parses) {
  const ProgressCase& c = GetParam();
  v1::Scan scan;
  EXPECT_EQ(ParseScanProgressLine(c.line, absl::UTCTimeZone(), scan), c.known) << c.line;
  ExpectScan(scan, c.want);
}

INSTANTIATE_TEST_SUITE_P(
    AllGenerations, ScanProgressTest,
    testing::Values(
        ProgressCase{"Oz07Scanned",
                     "\t1.23G scanned out of 10.0G at 100M/s, 0h1m to go",
                     true,
                     {.bytes_scanned = 123 * kG / 100,
                      .bytes_total = 10 * kG,
                      .rate = 100 * kM,
                      .seconds_to_go = 60}},
        ProgressCase{"Oz06IllumosSpaces",
                     "    0 repaired, 12.30% done",
                     true,
                     {.percent_done = 12.30, .bytes_repaired = 0}},
        ProgressCase{"Oz06SlowScan",
                     "    1.23G scanned out of 10.0G at 1/s, (scan is slow, no estimated time)",
                     true,
                     {.bytes_scanned = 123 * kG / 100, .bytes_total = 10 * kG, .rate = 1}},
        ProgressCase{"Oz08Scanned",
                     "\t1.23G scanned at 100M/s, 800M issued at 70M/s, 10.0G total",
                     true,
                     {.bytes_scanned = 123 * kG / 100,
                      .bytes_issued = 800 * kM,
                      .bytes_total = 10 * kG,
                      .rate = 100 * kM}},
        ProgressCase{"Oz08Repaired",
                     "\t0B repaired, 7.81% done, 0 days 00:02:14 to go",
                     true,
                     {.percent_done = 7.81, .bytes_repaired = 0, .seconds_to_go = 134}},
        ProgressCase{"Oz22Scanned",
                     "\t1.23T / 2.50T scanned at 1.05G/s, 800G / 2.50T issued at 700M/s",
                     true,
                     {.bytes_scanned = 123 * kT / 100,
                      .bytes_issued = 800 * kG,
                      .bytes_total = 25 * kT / 10,
                      .rate = 105 * kG / 100}},
        ProgressCase{"Oz2Repaired",
                     "\t0B repaired, 31.25% done, 00:41:46 to go",
                     true,
                     {.percent_done = 31.25, .bytes_repaired = 0, .seconds_to_go = 2506}},
        ProgressCase{"Oz2NoEstimate",
                     "\t0B repaired, 7.81% done, no estimated completion time",
                     true,
                     {.percent_done = 7.81, .bytes_repaired = 0}},
        ProgressCase{"Oz2Resilvered",
                     "\t200G resilvered, 31.25% done, 00:41:46 to go",
                     true,
                     {.percent_done = 31.25, .bytes_repaired = 200 * kG, .seconds_to_go = 2506}},
        ProgressCase{"Oz22Paused",
                     "\t1.23T / 2.50T scanned, 800G / 2.50T issued",
                     true,
                     {.bytes_scanned = 123 * kT / 100,
                      .bytes_issued = 800 * kG,
                      .bytes_total = 25 * kT / 10}},
        ProgressCase{"PausedStart",
                     "\tscrub started on Sun Nov 15 00:24:02 2026",
                     true,
                     {.start_time = Utc(2026, 11, 15, 0, 24, 2)}},
        ProgressCase{"UnknownClauseKeepsTheRest",
                     "\t0B repaired, 7.81% done, warp speed",
                     false,
                     {.percent_done = 7.81, .bytes_repaired = 0}},
        ProgressCase{"Garbage", "\tthe quick brown fox", false, {}}),
    [](const testing::TestParamInfo<ProgressCase>& info) { return info.param.name; });

}  // namespace
}  // namespace zfleet::agent
