// Every recorded or hand-written zpool status fixture, parsed whole: nothing lost, and the
// scan read right in every generation.
#include <cctype>
#include <cstdint>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "agent/zpool_status_parser.h"
#include "gtest/gtest.h"

namespace zfleet::agent {
namespace {

constexpr uint64_t kK = 1024;
constexpr uint64_t kM = kK * 1024;
constexpr uint64_t kG = kM * 1024;
constexpr uint64_t kT = kG * 1024;

int64_t Utc(int y, int mo, int d, int h, int mi, int s) {
  return absl::ToUnixSeconds(
      absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s), absl::UTCTimeZone()));
}

std::string ReadFixture(const std::string& relative) {
  std::ifstream in(std::string(ZFLEET_TESTDATA_DIR) + "/" + relative);
  EXPECT_TRUE(in.good()) << relative;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

StatusParseResult ParseOk(const std::string& text) {
  absl::StatusOr<StatusParseResult> result = ParseZpoolStatus(text);
  EXPECT_TRUE(result.ok()) << result.status();
  return result.ok() ? *std::move(result) : StatusParseResult{};
}

StatusParseResult ParseFixture(const std::string& relative) {
  return ParseOk(ReadFixture(relative));
}

// ---------------------------------------------------------------------------------------
// Every fixture: pool count and nothing lost or invented.

struct FixtureCase {
  std::string file;
  size_t pools;
  int unparsed_count;
};

class FixtureTest : public testing::TestWithParam<FixtureCase> {};

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

INSTANTIATE_TEST_SUITE_P(AllFixtures, FixtureTest,
                         testing::Values(FixtureCase{"legacy/degraded_offline.txt", 1, 0},
                                         FixtureCase{"legacy/resilver.txt", 1, 0},
                                         FixtureCase{"legacy/scrub_repaired_and_permanent.txt", 2,
                                                     0},
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

// Every member has a default so that table rows name only what they check (designated
// initializers would otherwise trip -Wmissing-field-initializers).
struct ScanCase {
  std::string file = {};
  std::string function = {};
  std::string state = {};
  std::optional<double> percent_done = std::nullopt;
  std::optional<uint64_t> bytes_scanned = std::nullopt;
  std::optional<uint64_t> bytes_issued = std::nullopt;
  std::optional<uint64_t> bytes_total = std::nullopt;
  std::optional<uint64_t> bytes_repaired = std::nullopt;
  std::optional<uint64_t> errors = std::nullopt;
  std::optional<int64_t> start_time = std::nullopt;
  std::optional<int64_t> end_time = std::nullopt;
  std::optional<uint64_t> seconds_to_go = std::nullopt;
};

class FixtureScanTest : public testing::TestWithParam<ScanCase> {};

#define EXPECT_OPTIONAL(has, got, want) \
  do {                                  \
    ASSERT_EQ(has, (want).has_value()); \
    if (want) {                         \
      EXPECT_EQ(got, *(want));          \
    }                                   \
  } while (0)

TEST_P(FixtureScanTest, Scan) {
  const ScanCase& c = GetParam();
  const StatusParseResult result = ParseFixture(c.file);
  ASSERT_FALSE(result.pools.empty());
  const v1::Scan& scan = result.pools[0].scan();
  EXPECT_EQ(scan.function(), c.function);
  EXPECT_EQ(scan.state(), c.state);
  ASSERT_EQ(scan.has_percent_done(), c.percent_done.has_value());
  if (c.percent_done) {
    EXPECT_DOUBLE_EQ(scan.percent_done(), *c.percent_done);
  }
  EXPECT_OPTIONAL(scan.has_bytes_scanned(), scan.bytes_scanned(), c.bytes_scanned);
  EXPECT_OPTIONAL(scan.has_bytes_issued(), scan.bytes_issued(), c.bytes_issued);
  EXPECT_OPTIONAL(scan.has_bytes_total(), scan.bytes_total(), c.bytes_total);
  EXPECT_OPTIONAL(scan.has_bytes_repaired(), scan.bytes_repaired(), c.bytes_repaired);
  EXPECT_OPTIONAL(scan.has_errors(), scan.errors(), c.errors);
  EXPECT_OPTIONAL(scan.has_start_time(), scan.start_time(), c.start_time);
  EXPECT_OPTIONAL(scan.has_end_time(), scan.end_time(), c.end_time);
  EXPECT_OPTIONAL(scan.has_seconds_to_go(), scan.seconds_to_go(), c.seconds_to_go);
}

const int64_t kLegacyEnd = Utc(2026, 11, 21, 9, 48, 23);
const int64_t kJul2018 = Utc(2018, 7, 1, 0, 24, 1);
const int64_t kJun2017 = Utc(2017, 6, 14, 10, 0, 0);
const int64_t kNov2026Start = Utc(2026, 11, 15, 0, 24, 1);
const int64_t kNov2026End = Utc(2026, 11, 15, 0, 24, 2);

INSTANTIATE_TEST_SUITE_P(
    AllFixtures, FixtureScanTest,
    testing::Values(
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
                 .start_time = kNov2026Start},
        ScanCase{.file = "openzfs2/scrub_in_progress_22.txt",
                 .function = "scrub",
                 .state = "scanning",
                 .percent_done = 31.25,
                 .bytes_scanned = 123 * kT / 100,
                 .bytes_issued = 800 * kG,
                 .bytes_total = 25 * kT / 10,
                 .bytes_repaired = 0,
                 .start_time = kNov2026Start,
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
    [](const testing::TestParamInfo<ScanCase>& info) {
      std::string name = info.param.file;
      for (char& ch : name) {
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
      }
      return name;
    });

}  // namespace
}  // namespace zfleet::agent
