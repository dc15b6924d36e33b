// What the zpool parser tests share: the recorded outputs under tests/testdata, sizes and
// times as zpool prints them, parsing that must succeed, and the check of a parsed scan.
// Test-only; header-only so that each test binary that wants it just includes it.
#ifndef ZFLEET_TESTS_AGENT_ZPOOL_PARSER_FIXTURES_H_
#define ZFLEET_TESTS_AGENT_ZPOOL_PARSER_FIXTURES_H_

#include <cstdint>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "agent/zpool/zpool_status_parser.h"
#include "gtest/gtest.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::agent {

// zpool's binary units.
inline constexpr uint64_t kK = 1024;
inline constexpr uint64_t kM = kK * 1024;
inline constexpr uint64_t kG = kM * 1024;
inline constexpr uint64_t kT = kG * 1024;

// Unix seconds of a UTC civil time.
inline int64_t Utc(int y, int mo, int d, int h, int mi, int s) {
  return absl::ToUnixSeconds(
      absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s), absl::UTCTimeZone()));
}

// The text of tests/testdata/`relative`; fails the test (and returns "") when unreadable.
inline std::string ReadFixture(const std::string& relative) {
  std::ifstream in(std::string(ZFLEET_TESTDATA_DIR) + "/" + relative);
  EXPECT_TRUE(in.good()) << relative;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// ParseZpoolStatus that must succeed; an empty result (after a test failure) otherwise.
inline StatusParseResult ParseOk(const std::string& text, const StatusParseOptions& options = {}) {
  absl::StatusOr<StatusParseResult> result = ParseZpoolStatus(text, options);
  EXPECT_TRUE(result.ok()) << result.status();
  return result.ok() ? *std::move(result) : StatusParseResult{};
}

// ParseOk of a fixture file.
inline StatusParseResult ParseFixture(const std::string& relative) {
  return ParseOk(ReadFixture(relative));
}

// What a test expects of a v1::Scan; every unset optional must be absent in the scan.
// Every member has a default so that table rows name only what they check (designated
// initializers would otherwise trip -Wmissing-field-initializers).
struct ScanFacts {
  std::string file = {};  // the fixture it comes from, for tables of fixtures; else ""
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
  std::optional<uint64_t> rate = std::nullopt;
  std::optional<uint64_t> seconds_to_go = std::nullopt;
};

#define ZFLEET_EXPECT_OPTIONAL_FIELD(scan, facts, has, get, want) \
  do {                                                            \
    ASSERT_EQ((scan).has(), (facts).want.has_value()) << #get;    \
    if ((facts).want) {                                           \
      EXPECT_EQ((scan).get(), *(facts).want) << #get;             \
    }                                                             \
  } while (0)

// Checks every field of `want` against `scan` (percent_done as a double).
inline void ExpectScan(const v1::Scan& scan, const ScanFacts& want) {
  EXPECT_EQ(scan.function(), want.function);
  EXPECT_EQ(scan.state(), want.state);
  ASSERT_EQ(scan.has_percent_done(), want.percent_done.has_value());
  if (want.percent_done) {
    EXPECT_DOUBLE_EQ(scan.percent_done(), *want.percent_done);
  }
  ZFLEET_EXPECT_OPTIONAL_FIELD(scan, want, has_bytes_scanned, bytes_scanned, bytes_scanned);
  ZFLEET_EXPECT_OPTIONAL_FIELD(scan, want, has_bytes_issued, bytes_issued, bytes_issued);
  ZFLEET_EXPECT_OPTIONAL_FIELD(scan, want, has_bytes_total, bytes_total, bytes_total);
  ZFLEET_EXPECT_OPTIONAL_FIELD(scan, want, has_bytes_repaired, bytes_repaired, bytes_repaired);
  ZFLEET_EXPECT_OPTIONAL_FIELD(scan, want, has_errors, errors, errors);
  ZFLEET_EXPECT_OPTIONAL_FIELD(scan, want, has_start_time, start_time, start_time);
  ZFLEET_EXPECT_OPTIONAL_FIELD(scan, want, has_end_time, end_time, end_time);
  ZFLEET_EXPECT_OPTIONAL_FIELD(scan, want, has_scan_rate_bytes_per_s, scan_rate_bytes_per_s, rate);
  ZFLEET_EXPECT_OPTIONAL_FIELD(scan, want, has_seconds_to_go, seconds_to_go, seconds_to_go);
}

#undef ZFLEET_EXPECT_OPTIONAL_FIELD

}  // namespace zfleet::agent

#endif  // ZFLEET_TESTS_AGENT_ZPOOL_PARSER_FIXTURES_H_
