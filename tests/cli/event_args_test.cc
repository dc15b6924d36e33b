// `zfleet events` and `zfleet ack` arguments.
#include "cli/event_args.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/fleet_fixtures.h"

namespace zfleet::cli {
namespace {

using fixtures::kNow;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(EventArgsTest, SinceCountsBackFromNow) {
  struct Case {
    const char* text;
    int64_t seconds_back;
  };
  for (const Case& c : {Case{"24h", 86400}, Case{"7d", 7 * 86400}, Case{"90m", 5400},
                        Case{"1h30m", 5400}, Case{"2w", 14 * 86400}}) {
    absl::StatusOr<absl::Time> since = ParseSince(c.text, fixtures::Now());
    ASSERT_TRUE(since.ok()) << c.text << ": " << since.status();
    EXPECT_EQ(absl::ToUnixSeconds(*since), kNow - c.seconds_back) << c.text;
  }
}

TEST(EventArgsTest, BadSinceSaysWhy) {
  for (const char* text : {"", "24", "h", "yesterday", "-1h", "1y", "24h "}) {
    absl::StatusOr<absl::Time> since = ParseSince(text, fixtures::Now());
    ASSERT_FALSE(since.ok()) << text;
    EXPECT_THAT(std::string(since.status().message()), HasSubstr("--since: bad duration"));
  }
  EXPECT_EQ(ParseSince("0s", fixtures::Now()).status().message(),
            "--since: must be longer than 0s");
}

TEST(EventArgsTest, Severity) {
  EXPECT_EQ(*ParseSeverity(""), "");
  EXPECT_EQ(*ParseSeverity("info"), "info");
  EXPECT_EQ(*ParseSeverity("Warning"), "warning");
  EXPECT_EQ(*ParseSeverity("CRITICAL"), "critical");
  EXPECT_EQ(ParseSeverity("error").status().message(),
            "--severity: want info, warning or critical, not \"error\"");
}

TEST(EventArgsTest, AckIds) {
  EXPECT_THAT(*ParseAckIds({"7", "3", "7", "12"}, false), ElementsAre(7, 3, 12));
  EXPECT_THAT(std::string(ParseAckIds({}, false).status().message()),
              HasSubstr("missing incident ID"));
  EXPECT_THAT(std::string(ParseAckIds({}, true).status().message()),
              HasSubstr("missing event ID (see 'zfleet events')"));
  for (const char* bad : {"x", "7a", "+7", " 7", "0", "-3", "1.5", "99999999999999999999"}) {
    EXPECT_THAT(std::string(ParseAckIds({"1", bad}, true).status().message()),
                HasSubstr(absl::StrCat("bad event id \"", bad, "\"")))
        << bad;
    EXPECT_THAT(std::string(ParseAckIds({bad}, false).status().message()),
                HasSubstr(absl::StrCat("bad incident id \"", bad, "\"")))
        << bad;
  }
}

}  // namespace
}  // namespace zfleet::cli
