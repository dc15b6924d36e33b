// Every recorded or hand-written zpool status fixture, parsed whole: nothing lost, and the
// scan read right in every generation.
#include <cctype>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "agent/zpool/zpool_status_parser.h"
#include "gtest/gtest.h"
#include "tests/agent/zpool/parser_fixtures.h"

namespace zfleet::agent {
namespace {

// ---------------------------------------------------------------------------------------
// Every fixture: pool count and nothing lost or invented.

struct FixtureCase {
  std::string file;
  size_t pools;
  int unparsed_count;
};

class FixtureTest : public ::testing::TestWithParam<FixtureCase> {};

TEST_P(FixtureTest, ParsesEveryLine) {
  const FixtureCase& c = GetParam();
  const StatusParseResult result = ParseFixture(c.file);
  EXPECT_EQ(result.pools.size(), c.pools);
  EXPECT_EQ(result.unparsed_count, c.unparsed_count);
  for (const v1::Pool& pool : result.pools) {
    EXPECT_FALSE(pool.name().empty());
    EXPECT_FALSE(pool.state().empty()) << pool.name();
    EXPECT_FALSE(pool.vdevs().empty()) << pool.name();
    EXPECT_FALSE(pool.errors().text().empty()) << pool.name();
  }
}

INSTANTIATE_TEST_SUITE_P(
    AllFixtures, FixtureTest,
    ::testing::Values(FixtureCase{"legacy/degraded_offline.txt", 1, 0},
                      FixtureCase{"legacy/resilver.txt", 1, 0},
                      FixtureCase{"legacy/scrub_repaired_and_permanent.txt", 2, 0},
                      FixtureCase{"legacy/status_x_unhealthy.txt", 2, 0},
                      FixtureCase{"openzfs08/healthy_mirror_07.txt", 1, 0},
                      FixtureCase{"openzfs08/scrub_in_progress_07.txt", 1, 0},
                      FixtureCase{"openzfs08/scrub_in_progress_08.txt", 1, 0},
                      FixtureCase{"openzfs08/scrub_paused_08.txt", 1, 0},
                      FixtureCase{"openzfs08/scrub_canceled_08.txt", 1, 0},
                      FixtureCase{"openzfs08/scrub_repaired_08.txt", 1, 0},
                      FixtureCase{"openzfs08/resilver_in_progress_07.txt", 1, 0},
                      FixtureCase{"openzfs08/resilver_finished_07.txt", 1, 0},
                      FixtureCase{"openzfs08/degraded_unavail_08.txt", 1, 0},
                      FixtureCase{"openzfs08/multi_pool_08.txt", 2, 2},
                      FixtureCase{"openzfs2/healthy_mirror.txt", 1, 0},
                      FixtureCase{"openzfs2/scrub_in_progress_21.txt", 1, 0},
                      FixtureCase{"openzfs2/scrub_in_progress_22.txt", 1, 0},
                      FixtureCase{"openzfs2/scrub_paused_22.txt", 1, 0},
                      FixtureCase{"openzfs2/scrub_canceled.txt", 1, 0},
                      FixtureCase{"openzfs2/scrub_repaired.txt", 1, 0},
                      FixtureCase{"openzfs2/resilver_in_progress.txt", 1, 0},
                      FixtureCase{"openzfs2/resilver_finished.txt", 1, 0},
                      FixtureCase{"openzfs2/raidz2_all_roles.txt", 1, 0},
                      FixtureCase{"openzfs2/suspended.txt", 1, 0},
                      FixtureCase{"openzfs2/faulted_cannot_open.txt", 1, 0},
                      FixtureCase{"openzfs2/permanent_errors.txt", 1, 0},
                      FixtureCase{"openzfs2/multi_pool_extras_22.txt", 2, 7}));

// ---------------------------------------------------------------------------------------
// The scan of each fixture.

using ScanCase = ScanFacts;  // .file names the fixture

class FixtureScanTest : public ::testing::TestWithParam<ScanCase> {};

TEST_P(FixtureScanTest, Scan) {
  const ScanCase& c = GetParam();
  const StatusParseResult result = ParseFixture(c.file);
  ASSERT_FALSE(result.pools.empty());
  ExpectScan(result.pools[0].scan(), c);
}

const int64_t kLegacyEnd = Utc(2026, 11, 21, 9, 48, 23);
const int64_t kJul2018 = Utc(2018, 7, 1, 0, 24, 1);
const int64_t kJun2017 = Utc(2017, 6, 14, 10, 0, 0);
const int64_t kNov2026Start = Utc(2026, 11, 15, 0, 24, 1);
const int64_t kNov2026End = Utc(2026, 11, 15, 0, 24, 2);

INSTANTIATE_TEST_SUITE_P(
    AllFixtures, FixtureScanTest,
    ::testing::Values(
        // Legacy: repaired bytes come from the leaf notes.
        ScanCase{.file = "legacy/degraded_offline.txt",
                 .function = "scrub",
                 .state = "finished",
                 .bytes_repaired = 205 * kM / 10,
                 .errors = 0,
                 .start_time = kLegacyEnd,
                 .end_time = kLegacyEnd},
        ScanCase{.file = "legacy/resilver.txt",
                 .function = "resilver",
                 .state = "finished",
                 .bytes_repaired = 211 * kM / 10,
                 .errors = 0,
                 .start_time = Utc(2026, 11, 21, 9, 48, 29),
                 .end_time = Utc(2026, 11, 21, 9, 48, 29)},
        ScanCase{.file = "openzfs08/healthy_mirror_07.txt",
                 .function = "scrub",
                 .state = "finished",
                 .bytes_repaired = 0,
                 .errors = 0,
                 .start_time = kJul2018,
                 .end_time = kJul2018},
        ScanCase{.file = "openzfs08/scrub_in_progress_07.txt",
                 .function = "scrub",
                 .state = "scanning",
                 .percent_done = 12.30,
                 .bytes_scanned = 123 * kG / 100,
                 .bytes_total = 10 * kG,
                 .bytes_repaired = 0,
                 .start_time = kJun2017,
                 .rate = 100 * kM,
                 .seconds_to_go = 60},
        ScanCase{.file = "openzfs08/scrub_in_progress_08.txt",
                 .function = "scrub",
                 .state = "scanning",
                 .percent_done = 7.81,
                 .bytes_scanned = 123 * kG / 100,
                 .bytes_issued = 800 * kM,
                 .bytes_total = 10 * kG,
                 .bytes_repaired = 0,
                 .start_time = kJun2017,
                 .rate = 100 * kM,
                 .seconds_to_go = 134},
        ScanCase{.file = "openzfs08/scrub_paused_08.txt",
                 .function = "scrub",
                 .state = "paused",
                 .percent_done = 7.81,
                 .bytes_scanned = 123 * kG / 100,
                 .bytes_issued = 800 * kM,
                 .bytes_total = 10 * kG,
                 .bytes_repaired = 0,
                 .start_time = kJun2017},
        ScanCase{.file = "openzfs08/scrub_canceled_08.txt",
                 .function = "scrub",
                 .state = "canceled",
                 .end_time = Utc(2017, 6, 14, 10, 30, 0)},
        ScanCase{.file = "openzfs08/scrub_repaired_08.txt",
                 .function = "scrub",
                 .state = "finished",
                 .bytes_repaired = 453 * kM / 10,
                 .errors = 0,
                 .start_time = kJul2018 - 723,
                 .end_time = kJul2018},
        ScanCase{.file = "openzfs08/resilver_in_progress_07.txt",
                 .function = "resilver",
                 .state = "scanning",
                 .percent_done = 12.30,
                 .bytes_scanned = 123 * kG / 100,
                 .bytes_total = 10 * kG,
                 .bytes_repaired = 12 * kG / 10,
                 .start_time = kJun2017,
                 .rate = 100 * kM,
                 .seconds_to_go = 60},
        ScanCase{.file = "openzfs08/resilver_finished_07.txt",
                 .function = "resilver",
                 .state = "finished",
                 .bytes_repaired = 12 * kG / 10,
                 .errors = 0,
                 .start_time = Utc(2017, 6, 14, 10, 0, 30),
                 .end_time = Utc(2017, 6, 14, 10, 1, 30)},
        ScanCase{.file = "openzfs2/healthy_mirror.txt",
                 .function = "scrub",
                 .state = "finished",
                 .bytes_repaired = 0,
                 .errors = 0,
                 .start_time = kNov2026End - 1,
                 .end_time = kNov2026End},
        ScanCase{.file = "openzfs2/scrub_in_progress_21.txt",
                 .function = "scrub",
                 .state = "scanning",
                 .percent_done = 7.81,
                 .bytes_scanned = 123 * kG / 100,
                 .bytes_issued = 800 * kM,
                 .bytes_total = 10 * kG,
                 .bytes_repaired = 0,
                 .start_time = kNov2026Start,
                 .rate = 100 * kM},
        ScanCase{.file = "openzfs2/scrub_in_progress_22.txt",
                 .function = "scrub",
                 .state = "scanning",
                 .percent_done = 31.25,
                 .bytes_scanned = 123 * kT / 100,
                 .bytes_issued = 800 * kG,
                 .bytes_total = 25 * kT / 10,
                 .bytes_repaired = 0,
                 .start_time = kNov2026Start,
                 .rate = 105 * kG / 100,
                 .seconds_to_go = 2506},
        ScanCase{.file = "openzfs2/scrub_paused_22.txt",
                 .function = "scrub",
                 .state = "paused",
                 .percent_done = 31.25,
                 .bytes_scanned = 123 * kT / 100,
                 .bytes_issued = 800 * kG,
                 .bytes_total = 25 * kT / 10,
                 .bytes_repaired = 0,
                 .start_time = kNov2026Start},
        ScanCase{.file = "openzfs2/scrub_canceled.txt",
                 .function = "scrub",
                 .state = "canceled",
                 .end_time = Utc(2026, 11, 15, 0, 30, 0)},
        ScanCase{.file = "openzfs2/scrub_repaired.txt",
                 .function = "scrub",
                 .state = "finished",
                 .bytes_repaired = 15 * kM / 10,
                 .errors = 0,
                 .start_time = kNov2026End - 90123,
                 .end_time = kNov2026End},
        ScanCase{.file = "openzfs2/resilver_in_progress.txt",
                 .function = "resilver",
                 .state = "scanning",
                 .percent_done = 31.25,
                 .bytes_scanned = 123 * kT / 100,
                 .bytes_issued = 800 * kG,
                 .bytes_total = 25 * kT / 10,
                 .bytes_repaired = 200 * kG,
                 .start_time = kNov2026Start,
                 .rate = 105 * kG / 100,
                 .seconds_to_go = 2506},
        ScanCase{.file = "openzfs2/resilver_finished.txt",
                 .function = "resilver",
                 .state = "finished",
                 .bytes_repaired = 12 * kG / 10,
                 .errors = 0,
                 .start_time = kNov2026End - 62,
                 .end_time = kNov2026End},
        ScanCase{.file = "openzfs2/faulted_cannot_open.txt", .function = "none", .state = "none"},
        ScanCase{.file = "openzfs2/permanent_errors.txt",
                 .function = "scrub",
                 .state = "finished",
                 .bytes_repaired = 0,
                 .errors = 3,
                 .start_time = kNov2026End - 190,
                 .end_time = kNov2026End}),
    [](const ::testing::TestParamInfo<ScanCase>& info) {
      std::string name = info.param.file;
      for (char& ch : name) {
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
      }
      return name;
    });

}  // namespace
}  // namespace zfleet::agent
