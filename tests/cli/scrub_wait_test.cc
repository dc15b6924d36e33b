// `zfleet scrub HOST/POOL --wait`: the run followed to its end through GetPool, the progress
// shown, and the exit code its result means.
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/cli_harness.h"

namespace zfleet::cli {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::ordered_json;

// The pool's reply with run 12 (RequestScrub's in the fake) in `state`.
v1::GetPoolResponse RunReply(v1::ScrubRunState state, double percent = 0, uint64_t repaired = 0) {
  v1::GetPoolResponse r;
  v1::Scan* scan = r.mutable_pool()->mutable_pool()->mutable_scan();
  scan->set_function("scrub");
  scan->set_state(state == v1::RUN_RUNNING ? "scanning" : "finished");
  if (state == v1::RUN_RUNNING) {
    scan->set_percent_done(percent);
    scan->set_scan_rate_bytes_per_s(400ull << 20);
    scan->set_seconds_to_go(3600);
  }
  v1::ScrubRun* run = r.add_scrub_runs();
  run->set_id(12);
  run->set_host_id("h1");
  run->set_pool("tank");
  run->set_state(state);
  if (state == v1::RUN_FINISHED || state == v1::RUN_CANCELED) {
    run->set_started_at(1'000);
    run->set_ended_at(4'720);
    run->set_bytes_scanned(1ull << 40);
    run->set_bytes_repaired(repaired);
  }
  if (state == v1::RUN_CANCELED) run->set_message("stopped by request");
  return r;
}

class ScrubWaitTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    env_.sleep = [this](absl::Duration d) { slept_ += d; };
    env_.progress = [this](const std::string& text) { progress_.push_back(text); };
  }
  absl::Duration slept_;
  std::vector<std::string> progress_;
};

TEST_F(ScrubWaitTest, FollowsTheRunAndExitsZeroWhenClean) {
  fleet_.pool_replies = {RunReply(v1::RUN_REQUESTED), RunReply(v1::RUN_RUNNING, 10),
                         RunReply(v1::RUN_RUNNING, 10.4), RunReply(v1::RUN_RUNNING, 55),
                         RunReply(v1::RUN_FINISHED)};
  const CliResult r = Run({"scrub", "h1/tank", "--wait"});
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(r.out,
            "scrub requested on h1/tank (run 12, command abc)\n"
            "scrub of h1/tank finished clean (in 1h2m, scanned 1T)\n");
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(fleet_.get_pool.size(), 5u);
  EXPECT_EQ(slept_, absl::Seconds(8));
  // Not a terminal: one line per new state or percent, not per poll.
  EXPECT_THAT(progress_, ::testing::ElementsAre(
                             "queued: waiting for the scheduler (window, caps) or the agent\n",
                             "scrubbing 10% [##------------------] 400M/s, 1h0m to go\n",
                             "scrubbing 55% [###########---------] 400M/s, 1h0m to go\n"));
}

TEST_F(ScrubWaitTest, OnATerminalTheLineIsRewrittenAndClearedAtTheEnd) {
  env_.progress_tty = true;
  fleet_.pool_replies = {RunReply(v1::RUN_RUNNING, 10), RunReply(v1::RUN_FINISHED)};
  ASSERT_EQ(Run({"scrub", "h1/tank", "--wait"}).exit_code, kExitOk);
  ASSERT_EQ(progress_.size(), 2u);
  EXPECT_EQ(progress_[0], "\r\033[Kscrubbing 10% [##------------------] 400M/s, 1h0m to go");
  EXPECT_EQ(progress_[1], "\r\033[K");
}

TEST_F(ScrubWaitTest, RepairsExitThreeAndACanceledRunOne) {
  fleet_.pool_replies = {RunReply(v1::RUN_FINISHED, 0, 12 << 10)};
  CliResult r = Run({"scrub", "h1/tank", "--wait"});
  EXPECT_EQ(r.exit_code, kExitScrubFoundErrors);
  EXPECT_THAT(r.out, HasSubstr("finished: repaired 12K, 0 errors"));

  fleet_.pool_replies = {RunReply(v1::RUN_CANCELED)};
  r = Run({"scrub", "h1/tank", "--wait"});
  EXPECT_EQ(r.exit_code, kExitFailure);
  EXPECT_EQ(r.err,
            "zfleet: scrub of h1/tank canceled: stopped by request (in 1h2m, scanned "
            "1T)\n");

  fleet_.pool_replies = {RunReply(v1::RUN_FINISHED)};
  const Json doc = Json::parse(Run({"--json", "scrub", "h1/tank", "--wait"}).out);
  EXPECT_EQ(doc["scrub_run_id"], 12);
  EXPECT_EQ(doc["run"]["state"], "finished");
}

TEST_F(ScrubWaitTest, AControllerAwayTooLongEndsTheWaitWithItsError) {
  fleet_.pool_replies = {RunReply(v1::RUN_RUNNING, 10),
                         absl::UnavailableError("controller 127.0.0.1:7400 unreachable")};
  const CliResult r = Run({"scrub", "h1/tank", "--wait"});
  EXPECT_EQ(r.exit_code, kExitFailure);
  EXPECT_EQ(r.err, "zfleet: controller 127.0.0.1:7400 unreachable\n");
  EXPECT_EQ(fleet_.get_pool.size(), 16u);  // one good reply, then 15 failed polls
  EXPECT_THAT(r.out, HasSubstr("scrub requested on h1/tank"));
}

TEST_F(ScrubWaitTest, ARunThatIsNoLongerListedEndsTheWait) {
  v1::GetPoolResponse other = RunReply(v1::RUN_RUNNING, 10);
  other.mutable_scrub_runs(0)->set_id(99);
  fleet_.pool_replies = {other};
  const CliResult r = Run({"scrub", "h1/tank", "--wait"});
  EXPECT_EQ(r.exit_code, kExitFailure);
  EXPECT_EQ(r.err, "zfleet: scrub run 12 of h1/tank is no longer listed\n");
}

TEST_F(ScrubWaitTest, WaitOnlyWithAStart) {
  ExpectUsageError({"scrub", "h1/tank", "--stop", "--wait"}, "--wait");
  ExpectUsageError({"scrub", "h1/tank", "--pause", "--wait"}, "--wait");
  EXPECT_TRUE(fleet_.scrub.empty());
}

}  // namespace
}  // namespace zfleet::cli
