#include "common/duration.h"

#include <string>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace zfleet {
namespace {

using ::testing::HasSubstr;

struct ParseCase {
  std::string text;
  absl::Duration want;
};

TEST(HumanDurationTest, ParsesEveryUnitAndSequences) {
  const ParseCase cases[] = {
      {"30s", absl::Seconds(30)},
      {"5m", absl::Minutes(5)},
      {"2h", absl::Hours(2)},
      {"7d", absl::Hours(7 * 24)},
      {"1w", absl::Hours(7 * 24)},
      {"1h30m", absl::Minutes(90)},
      {"1d2h3m4s", absl::Hours(26) + absl::Minutes(3) + absl::Seconds(4)},
      {"90s", absl::Seconds(90)},
      {"0s", absl::ZeroDuration()},
      {"007s", absl::Seconds(7)},
      {"30s30s", absl::Minutes(1)},  // repeated units add up
      // The largest single term accepted: 2^40 seconds.
      {"1099511627776s", absl::Seconds(int64_t{1} << 40)},
  };
  for (const ParseCase& c : cases) {
    absl::StatusOr<absl::Duration> got = ParseHumanDuration(c.text);
    ASSERT_TRUE(got.ok()) << c.text << ": " << got.status();
    EXPECT_EQ(*got, c.want) << c.text;
  }
}

TEST(HumanDurationTest, RefusesMalformedText) {
  const std::string bad[] = {
      "",         // empty
      "10",       // no unit
      "s",        // no number
      "10x",      // unknown unit
      "10S",      // units are lower case
      "-5s",      // no sign
      "+5s",
      "1.5h",     // no fractions
      " 10s",     // no blanks
      "10s ",
      "1h 30m",
      "1h30",     // trailing number without unit
      "10ms",     // "m" then a stray "s" without number
      "99999999999999999999s",  // does not fit in 64 bits
      "1099511627777s",         // one past the per-term limit
      "12725830d",              // days beyond the limit
  };
  for (const std::string& text : bad) {
    absl::StatusOr<absl::Duration> got = ParseHumanDuration(text);
    ASSERT_FALSE(got.ok()) << "\"" << text << "\" parsed as " << *got;
    EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_THAT(got.status().message(), HasSubstr("\"" + text + "\"")) << text;
  }
}

struct FormatCase {
  absl::Duration d;
  std::string want;
};

TEST(HumanDurationTest, FormatsAsTheLargestExactUnits) {
  const FormatCase cases[] = {
      {absl::ZeroDuration(), "0s"},
      {absl::Seconds(-5), "0s"},
      {absl::Milliseconds(500), "0s"},
      {absl::Milliseconds(1500), "1s"},
      {absl::Seconds(1), "1s"},
      {absl::Seconds(59), "59s"},
      {absl::Seconds(60), "1m"},
      {absl::Seconds(90), "1m30s"},
      {absl::Hours(1), "1h"},
      {absl::Hours(1) + absl::Seconds(1), "1h1s"},
      {absl::Hours(24), "1d"},
      {absl::Hours(7 * 24), "7d"},
      {absl::Hours(30 * 24), "30d"},
      {absl::Hours(26) + absl::Minutes(3) + absl::Seconds(4), "1d2h3m4s"},
  };
  for (const FormatCase& c : cases) {
    EXPECT_EQ(FormatHumanDuration(c.d), c.want) << c.d;
  }
}

TEST(HumanDurationTest, FormatParsesBackToTheSameDuration) {
  for (int64_t seconds : {1, 59, 61, 3599, 3601, 86399, 86401, 604800, 2592000 + 3723}) {
    const absl::Duration d = absl::Seconds(seconds);
    absl::StatusOr<absl::Duration> back = ParseHumanDuration(FormatHumanDuration(d));
    ASSERT_TRUE(back.ok()) << seconds << ": " << back.status();
    EXPECT_EQ(*back, d) << FormatHumanDuration(d);
  }
}

}  // namespace
}  // namespace zfleet
