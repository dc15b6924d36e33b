// `zfleet watch`: frames drawn every --interval, over each other on a terminal, for --count
// frames; a controller away after the first frame is shown, one never reached is an error.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/cli_harness.h"

namespace zfleet::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class WatchTest : public CliTest {
 protected:
  WatchTest() {
    env_.sleep = [this](absl::Duration d) {
      slept_ += d;
      if (fail_after_sleeps_ > 0 && --fail_after_sleeps_ == 0) {
        fleet_.error = absl::UnavailableError("controller unreachable");
      }
    };
    env_.draw = [this](const std::string& frame) { frames_.push_back(frame); };
    env_.clock = [this] { return env_.now + slept_; };
  }
  absl::Duration slept_;
  int fail_after_sleeps_ = 0;
  std::vector<std::string> frames_;
};

TEST_F(WatchTest, DrawsCountFramesEveryInterval) {
  const CliResult r = Run({"watch", "--interval", "10s", "--count", "3"});
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(r.out, "");
  ASSERT_EQ(frames_.size(), 3u);
  EXPECT_EQ(slept_, absl::Seconds(20));
  EXPECT_THAT(frames_[0], StartsWith("every 10s: zfleet status    2026-11-21 10:00:00 UTC\n\n"));
  EXPECT_THAT(frames_[2], StartsWith("every 10s: zfleet status    2026-11-21 10:00:20 UTC\n\n"));
  EXPECT_THAT(frames_[0], HasSubstr("tank"));
}

TEST_F(WatchTest, OnATerminalEachFrameClearsTheScreen) {
  env_.draw_tty = true;
  fleet_.triage.set_evaluated_at(absl::ToUnixSeconds(env_.now));
  ASSERT_EQ(Run({"watch", "triage", "--count", "1"}).exit_code, kExitOk);
  ASSERT_EQ(frames_.size(), 1u);
  EXPECT_THAT(frames_[0], StartsWith("\033[H\033[2Jevery 5s: zfleet triage"));
  EXPECT_THAT(frames_[0], HasSubstr("nothing needs attention\n"));
}

TEST_F(WatchTest, JsonIsOneDocumentPerFrame) {
  ASSERT_EQ(Run({"--json", "watch", "--count", "2"}).exit_code, kExitOk);
  ASSERT_EQ(frames_.size(), 2u);
  for (const std::string& frame : frames_) {
    EXPECT_TRUE(nlohmann::json::accept(frame)) << frame;
  }
}

TEST_F(WatchTest, AControllerAwayAfterTheFirstFrameIsShownAndWatchedAgain) {
  fail_after_sleeps_ = 1;
  EXPECT_EQ(Run({"watch", "--count", "2"}).exit_code, kExitOk);
  ASSERT_EQ(frames_.size(), 2u);
  EXPECT_THAT(frames_[1], HasSubstr("zfleet: controller unreachable\n"));
}

TEST_F(WatchTest, AControllerNeverReachedIsAnError) {
  fleet_.error = absl::UnavailableError("controller unreachable");
  const CliResult r = Run({"watch", "--count", "5"});
  EXPECT_EQ(r.exit_code, kExitFailure);
  EXPECT_EQ(r.err, "zfleet: controller unreachable\n");
  EXPECT_TRUE(frames_.empty());
}

TEST_F(WatchTest, BadArgumentsAreUsageErrors) {
  ExpectUsageError({"watch", "pools"}, "watch: want status or triage, not \"pools\"");
  ExpectUsageError({"watch", "--interval", "0s"}, "--interval: must be longer than 0s");
  ExpectUsageError({"watch", "--interval", "soon"}, "--interval");
  ExpectUsageError({"watch", "--count", "-1"}, "--count: must be 0 or more");
}

}  // namespace
}  // namespace zfleet::cli
