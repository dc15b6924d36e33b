// The progress line and result of `zfleet scrub --wait`.
#include "cli/render/render_scrub_wait.h"

#include "gtest/gtest.h"

namespace zfleet::cli {
namespace {

v1::ScrubRun WaitRun(v1::ScrubRunState state) {
  v1::ScrubRun run;
  run.set_host_id("h1");
  run.set_pool("tank");
  run.set_state(state);
  return run;
}

TEST(ScrubWaitLineTest, QueuedScanningPaused) {
  v1::Scan scan;
  EXPECT_EQ(ScrubWaitLine(WaitRun(v1::RUN_REQUESTED), scan),
            "queued: waiting for the scheduler (window, caps) or the agent");
  EXPECT_EQ(ScrubWaitLine(WaitRun(v1::RUN_RUNNING), scan), "scrubbing: starting");
  scan.set_function("scrub");
  scan.set_state("scanning");
  scan.set_percent_done(99.99);
  EXPECT_EQ(ScrubWaitLine(WaitRun(v1::RUN_RUNNING), scan),
            "scrubbing 99.9% [###################-]");
  v1::ScrubRun paused = WaitRun(v1::RUN_RUNNING);
  paused.set_pause(v1::PAUSE_WINDOW_END);
  // Sent, not carried out yet.
  EXPECT_EQ(ScrubWaitLine(paused, scan), "scrubbing 99.9% [###################-]");
  scan.set_state("paused");
  EXPECT_EQ(ScrubWaitLine(paused, scan),
            "paused at 99.9% (window closed; the scheduler resumes it)");
  paused.set_pause(v1::PAUSE_YIELD);
  EXPECT_EQ(ScrubWaitLine(paused, scan),
            "paused at 99.9% (its slot went to a due pool; the scheduler resumes it)");
  paused.set_pause(v1::PAUSE_OPERATOR);
  EXPECT_EQ(ScrubWaitLine(paused, scan), "paused at 99.9% (`zfleet scrub h1/tank` resumes it)");
}

TEST(ScrubResultLineTest, OutcomesAndWords) {
  v1::ScrubRun run = WaitRun(v1::RUN_FINISHED);
  EXPECT_TRUE(ScrubRunEnded(run));
  EXPECT_EQ(ScrubOutcomeOf(run), ScrubOutcome::kClean);
  EXPECT_EQ(ScrubResultLine(run), "scrub of h1/tank finished clean");
  run.set_errors(1);
  EXPECT_EQ(ScrubOutcomeOf(run), ScrubOutcome::kFoundErrors);
  EXPECT_EQ(ScrubResultLine(run), "scrub of h1/tank finished: repaired 0B, 1 error");
  v1::ScrubRun failed = WaitRun(v1::RUN_FAILED);
  failed.set_message("the agent could not start it: no such pool");
  EXPECT_EQ(ScrubOutcomeOf(failed), ScrubOutcome::kDidNotFinish);
  EXPECT_EQ(ScrubResultLine(failed),
            "scrub of h1/tank failed: the agent could not start it: no such pool");
  EXPECT_FALSE(ScrubRunEnded(WaitRun(v1::RUN_RUNNING)));
}

}  // namespace
}  // namespace zfleet::cli
