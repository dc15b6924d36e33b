#include "controller/ingest/scrub_tracking.h"

#include <optional>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "model/enum_names.h"

namespace zfleet::controller {
namespace {

constexpr char kHost[] = "nas1";

struct ScanSpec {
  std::string function;
  std::string state;
  std::optional<int64_t> start;
  std::optional<int64_t> end;
  std::optional<uint64_t> scanned;
  std::optional<uint64_t> repaired;
  std::optional<uint64_t> errors;
};

v1::Pool PoolWith(const ScanSpec& s) {
  v1::Pool pool;
  pool.set_name("tank");
  pool.set_state("ONLINE");
  v1::Scan& scan = *pool.mutable_scan();
  scan.set_function(s.function);
  scan.set_state(s.state);
  if (s.start) scan.set_start_time(*s.start);
  if (s.end) scan.set_end_time(*s.end);
  if (s.scanned) scan.set_bytes_scanned(*s.scanned);
  if (s.repaired) scan.set_bytes_repaired(*s.repaired);
  if (s.errors) scan.set_errors(*s.errors);
  return pool;
}

v1::ScrubRun Run(int64_t id, const std::string& state, std::optional<int64_t> started_at,
                 const std::string& trigger = "manual") {
  v1::ScrubRun run;
  run.set_id(id);
  run.set_host_id(kHost);
  run.set_pool("tank");
  SetTrigger(run, *ParseTrigger(trigger));
  SetRunState(run, *ParseRunState(state));
  run.set_requested_at(900);
  if (started_at) run.set_started_at(*started_at);
  return run;
}

v1::ScrubRun Running(int64_t started_at) { return Run(1, "running", started_at); }
v1::ScrubRun Requested() { return Run(2, "requested", std::nullopt); }

// Edits of a run, so expected runs read as "the open run, but …".
v1::ScrubRun Ended(v1::ScrubRun run, const std::string& state, std::optional<int64_t> ended_at,
                   std::optional<uint64_t> scanned, std::optional<uint64_t> repaired,
                   std::optional<uint64_t> errors) {
  SetRunState(run, *ParseRunState(state));
  if (ended_at) run.set_ended_at(*ended_at);
  if (scanned) run.set_bytes_scanned(*scanned);
  if (repaired) run.set_bytes_repaired(*repaired);
  if (errors) run.set_errors(*errors);
  return run;
}

v1::ScrubRun WithMessage(v1::ScrubRun run, const std::string& message) {
  run.set_message(message);
  return run;
}

// Paused by an operator (or by hand on the host), as a scan or an ack says.
v1::ScrubRun Paused(v1::ScrubRun run) {
  run.set_pause(v1::PAUSE_OPERATOR);
  run.set_message("paused");
  return run;
}

// Paused by the scheduler at its window's end.
v1::ScrubRun PausedAtWindowEnd(v1::ScrubRun run) {
  run.set_pause(v1::PAUSE_WINDOW_END);
  run.set_message("paused at window end");
  return run;
}

// Paused by the scheduler for a due pool.
v1::ScrubRun PausedToYield(v1::ScrubRun run) {
  run.set_pause(v1::PAUSE_YIELD);
  run.set_message("paused for h2/tank, due");
  return run;
}

v1::ScrubRun External(const std::string& state, std::optional<int64_t> start,
                      std::optional<int64_t> end, int64_t requested_at) {
  v1::ScrubRun run;
  run.set_host_id(kHost);
  run.set_pool("tank");
  SetTrigger(run, v1::TRIGGER_EXTERNAL);
  SetRunState(run, *ParseRunState(state));
  run.set_requested_at(requested_at);
  if (start) run.set_started_at(*start);
  if (end) run.set_ended_at(*end);
  return run;
}

const ScanSpec kScrubbing = {"scrub", "scanning", 1000, std::nullopt, 500, 0, 0};
const ScanSpec kFinished = {"scrub", "finished", 1000, 5000, 4000, 1024, 2};
const ScanSpec kCanceled = {"scrub", "canceled", 1000, 2000, 800, std::nullopt, 0};
const ScanSpec kOldFinished = {"scrub", "finished", 100, 500, 4000, 0, 0};
const ScanSpec kResilvering = {"resilver", "scanning", 1500, std::nullopt, 10, 0, 0};
const ScanSpec kPaused = {"scrub", "paused", 1000, std::nullopt, 600, 0, 0};
const ScanSpec kNone = {"", "", std::nullopt, std::nullopt, std::nullopt, std::nullopt,
                        std::nullopt};

struct TrackCase {
  std::string name;
  std::optional<ScanSpec> before;
  ScanSpec after;
  std::vector<v1::ScrubRun> open;
  std::vector<v1::ScrubRun> want_updated;
  std::optional<v1::ScrubRun> want_external;
};

std::vector<TrackCase> TrackCases() {
  return {
      {"RunningCopiesProgress", kScrubbing, kScrubbing, {Running(1000)},
       {Ended(Running(1000), "running", std::nullopt, 500, 0, 0)}, std::nullopt},
      {"RunningUnchangedIsNotUpdated", kScrubbing, kScrubbing,
       {Ended(Running(1000), "running", std::nullopt, 500, 0, 0)}, {}, std::nullopt},
      {"RunningFinishesWithFigures", kScrubbing, kFinished, {Running(1000)},
       {Ended(Running(1000), "finished", 5000, 4000, 1024, 2)}, std::nullopt},
      {"RunningCanceled", kScrubbing, kCanceled, {Running(1000)},
       {Ended(Running(1000), "canceled", 2000, 800, std::nullopt, 0)}, std::nullopt},
      {"FinishingClearsPausedMessage", kPaused, kFinished,
       {Paused(Running(1000))},
       {Ended(Running(1000), "finished", 5000, 4000, 1024, 2)}, std::nullopt},
      // The scan still shows the scrub before ours: ours has not ended.
      {"OldEndTimeDoesNotEndANewRun", kOldFinished, kOldFinished, {Running(1000)}, {},
       std::nullopt},
      // One second of slack for truncated clocks, not two.
      {"EndOneSecondBeforeStartCounts", kOldFinished,
       {"scrub", "finished", 990, 999, 1, 0, 0}, {Running(1000)},
       {Ended(Running(1000), "finished", 999, 1, 0, 0)}, std::nullopt},
      {"EndTwoSecondsBeforeStartDoesNot", kOldFinished,
       {"scrub", "finished", 990, 998, 1, 0, 0}, {Running(1000)}, {}, std::nullopt},
      {"ResilverSupersedesARunningScrub", kScrubbing, kResilvering, {Running(1000)},
       {WithMessage(Ended(Running(1000), "canceled", std::nullopt, std::nullopt, std::nullopt,
                          std::nullopt),
                    "superseded by a resilver")},
       std::nullopt},
      {"PausedRunKeepsRunningWithMessage", kScrubbing, kPaused, {Running(1000)},
       {Paused(Ended(Running(1000), "running", std::nullopt, 600, 0, 0))},
       std::nullopt},
      {"ResumedRunLosesPausedMessage", kPaused, kScrubbing,
       {Paused(Ended(Running(1000), "running", std::nullopt, 600, 0, 0))},
       {Ended(Running(1000), "running", std::nullopt, 500, 0, 0)}, std::nullopt},
      // The scheduler's pause at its window's end is kept while the scan stays paused, and
      // cleared when it scans again.
      {"WindowEndPauseIsKept", kScrubbing, kPaused,
       {PausedAtWindowEnd(Ended(Running(1000), "running", std::nullopt, 500, 0, 0))},
       {PausedAtWindowEnd(Ended(Running(1000), "running", std::nullopt, 600, 0, 0))},
       std::nullopt},
      {"WindowEndPauseEndsWhenScanning", kPaused, kScrubbing,
       {PausedAtWindowEnd(Ended(Running(1000), "running", std::nullopt, 600, 0, 0))},
       {Ended(Running(1000), "running", std::nullopt, 500, 0, 0)}, std::nullopt},
      // The scheduler records its pause when it sends it; the report the agent made before it
      // got the command still shows the scan running, which does not end the pause.
      {"WindowEndPauseSentIsKeptWhileTheScanStillRuns", kScrubbing, kScrubbing,
       {PausedAtWindowEnd(Ended(Running(1000), "running", std::nullopt, 400, 0, 0))},
       {PausedAtWindowEnd(Ended(Running(1000), "running", std::nullopt, 500, 0, 0))},
       std::nullopt},
      {"YieldPauseSentIsKeptWhileTheScanStillRuns", kScrubbing, kScrubbing,
       {PausedToYield(Ended(Running(1000), "running", std::nullopt, 400, 0, 0))},
       {PausedToYield(Ended(Running(1000), "running", std::nullopt, 500, 0, 0))}, std::nullopt},
      {"YieldPauseIsKeptWhenItTakesEffect", kScrubbing, kPaused,
       {PausedToYield(Ended(Running(1000), "running", std::nullopt, 500, 0, 0))},
       {PausedToYield(Ended(Running(1000), "running", std::nullopt, 600, 0, 0))}, std::nullopt},
      {"YieldPauseEndsWhenScanning", kPaused, kScrubbing,
       {PausedToYield(Ended(Running(1000), "running", std::nullopt, 600, 0, 0))},
       {Ended(Running(1000), "running", std::nullopt, 500, 0, 0)}, std::nullopt},
      // A requested run waits for its ack; the scan does not move it.
      {"RequestedRunIsNotTouched", kOldFinished, kOldFinished, {Requested()}, {}, std::nullopt},

      // --- External runs ---
      {"FirstSightOfAFinishedScrubRecordsIt", std::nullopt, kFinished, {}, {},
       Ended(External("finished", 1000, 5000, 1000), "finished", std::nullopt, 4000, 1024, 2)},
      {"FirstSightOfAScrubInProgress", std::nullopt, kScrubbing, {}, {},
       Ended(External("running", 1000, std::nullopt, 1000), "running", std::nullopt, 500, 0, 0)},
      {"FirstSightOfAPausedScrub", std::nullopt, kPaused, {}, {},
       Paused(Ended(External("running", 1000, std::nullopt, 1000), "running",
                         std::nullopt, 600, 0, 0))},
      {"ExternalScrubStartedBetweenReports", kOldFinished, kScrubbing, {}, {},
       Ended(External("running", 1000, std::nullopt, 1000), "running", std::nullopt, 500, 0, 0)},
      // It began and ended between two reports: only the end time is new.
      {"ExternalScrubSeenOnlyByItsNewEnd", kOldFinished, kFinished, {}, {},
       Ended(External("finished", 1000, 5000, 1000), "finished", std::nullopt, 4000, 1024, 2)},
      {"ExternalAfterAResilver", kResilvering, kCanceled, {}, {},
       Ended(External("canceled", 1000, 2000, 1000), "canceled", std::nullopt, 800,
             std::nullopt, 0)},
      {"NoStartTimeUsesTheEndTime", std::nullopt,
       {"scrub", "finished", std::nullopt, 5000, std::nullopt, std::nullopt, std::nullopt},
       {}, {}, External("finished", std::nullopt, 5000, 5000)},
      {"SameEndTimeAgainIsNothingNew", kFinished, kFinished, {}, {}, std::nullopt},
      {"EndedWithoutEndTimeIsNothing", std::nullopt,
       {"scrub", "finished", 1000, std::nullopt, 1, 0, 0}, {}, {}, std::nullopt},
      {"NoScanIsNothing", std::nullopt, kNone, {}, {}, std::nullopt},
      {"AResilverIsNoScrubRun", std::nullopt, kResilvering, {}, {}, std::nullopt},
      {"RequestedRunClaimsTheScrubInProgress", kOldFinished, kScrubbing, {Requested()}, {},
       std::nullopt},
      {"RequestedRunClaimsANewEnd", kOldFinished, kFinished, {Requested()}, {}, std::nullopt},
      {"RunningRunClaimsTheScan", kOldFinished, kScrubbing,
       {Ended(Running(1000), "running", std::nullopt, 500, 0, 0)}, {}, std::nullopt},
  };
}

class TrackScrubsTest : public ::testing::TestWithParam<TrackCase> {};

TEST_P(TrackScrubsTest, Table) {
  const TrackCase& c = GetParam();
  std::optional<v1::Pool> before;
  if (c.before) before = PoolWith(*c.before);
  const ScrubTrackingResult got =
      TrackScrubs(kHost, before.has_value() ? &*before : nullptr, PoolWith(c.after), c.open);

  ASSERT_EQ(got.updated.size(), c.want_updated.size());
  for (size_t i = 0; i < got.updated.size(); ++i) {
    EXPECT_EQ(got.updated[i].DebugString(), c.want_updated[i].DebugString()) << "updated " << i;
  }
  ASSERT_EQ(got.external.has_value(), c.want_external.has_value())
      << (got.external ? got.external->DebugString() : "no external run");
  if (got.external) {
    EXPECT_EQ(got.external->DebugString(), c.want_external->DebugString());
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, TrackScrubsTest, ::testing::ValuesIn(TrackCases()),
                         [](const ::testing::TestParamInfo<TrackCase>& info) {
                           return info.param.name;
                         });

v1::CommandAck Ack(bool ok, const std::string& error = "") {
  v1::CommandAck ack;
  ack.set_id("c1");
  ack.set_ok(ok);
  ack.set_error(error);
  ack.set_executed_at(1234);
  return ack;
}

struct AckCase {
  std::string name;
  v1::ScrubRun run;
  v1::CommandKind kind;
  v1::CommandAck ack;
  v1::ScrubRun want;
};

std::vector<AckCase> AckCases() {
  const v1::ScrubRun requested = Requested();
  const v1::ScrubRun running = Run(2, "running", 1234);
  return {
      {"StartOkRuns", requested, v1::SCRUB_START, Ack(true), running},
      {"StartOkOnRunningChangesNothing", Run(2, "running", 1000), v1::SCRUB_START, Ack(true),
       Run(2, "running", 1000)},
      {"StartFailedFails", requested, v1::SCRUB_START, Ack(false, "cannot scrub tank: busy"),
       WithMessage(Ended(requested, "failed", 1234, std::nullopt, std::nullopt, std::nullopt),
                   "cannot scrub tank: busy")},
      {"StopOkCancels", running, v1::SCRUB_STOP, Ack(true),
       WithMessage(Ended(running, "canceled", 1234, std::nullopt, std::nullopt, std::nullopt),
                   "stopped by request")},
      {"StopFailedKeepsRunning", running, v1::SCRUB_STOP, Ack(false, "no active scrub"),
       WithMessage(running, "no active scrub")},
      {"PauseOkSaysPaused", running, v1::SCRUB_PAUSE, Ack(true), Paused(running)},
      {"PauseOkKeepsTheWindowEndPause", PausedAtWindowEnd(running), v1::SCRUB_PAUSE, Ack(true),
       PausedAtWindowEnd(running)},
      {"StopOkEndsThePause", Paused(running), v1::SCRUB_STOP, Ack(true),
       WithMessage(Ended(running, "canceled", 1234, std::nullopt, std::nullopt, std::nullopt),
                   "stopped by request")},
      {"PauseFailedKeepsRunning", running, v1::SCRUB_PAUSE,
       Ack(false, "this host's zpool cannot pause a scrub"),
       WithMessage(running, "this host's zpool cannot pause a scrub")},
      // The scheduler's pause, recorded when it was sent, did not happen: it runs on.
      {"PauseFailedEndsTheSchedulersPause", PausedAtWindowEnd(running), v1::SCRUB_PAUSE,
       Ack(false, "expired"), WithMessage(running, "expired")},
      {"PauseFailedEndsTheYield", PausedToYield(running), v1::SCRUB_PAUSE, Ack(false, "expired"),
       WithMessage(running, "expired")},
  };
}

class ApplyAckTest : public ::testing::TestWithParam<AckCase> {};

TEST_P(ApplyAckTest, Table) {
  const AckCase& c = GetParam();
  EXPECT_EQ(ApplyAck(c.run, c.kind, c.ack).DebugString(), c.want.DebugString());
}

INSTANTIATE_TEST_SUITE_P(Cases, ApplyAckTest, ::testing::ValuesIn(AckCases()),
                         [](const ::testing::TestParamInfo<AckCase>& info) {
                           return info.param.name;
                         });

TEST(AgentRunTest, FromWhatTheAgentSawOfItsScrub) {
  v1::AgentScrub scrub;
  scrub.set_pool("tank");
  scrub.set_started_at(1000);
  // Not seen yet: running, dated by the agent.
  v1::ScrubRun run = AgentRun(kHost, scrub);
  EXPECT_EQ(run.host_id(), kHost);
  EXPECT_EQ(run.pool(), "tank");
  EXPECT_EQ(run.trigger(), v1::TRIGGER_AGENT);
  EXPECT_EQ(run.state(), v1::RUN_RUNNING);
  EXPECT_EQ(run.requested_at(), 1000);
  EXPECT_EQ(run.started_at(), 1000);
  EXPECT_FALSE(run.has_ended_at());
  // Ended: its outcome and figures; the agent's start time stays.
  *scrub.mutable_last_scan() = PoolWith({"scrub", "finished", 1002, 4000, 50, 7, 1}).scan();
  run = AgentRun(kHost, scrub);
  EXPECT_EQ(run.state(), v1::RUN_FINISHED);
  EXPECT_EQ(run.started_at(), 1000);
  EXPECT_EQ(run.ended_at(), 4000);
  EXPECT_EQ(run.bytes_repaired(), 7u);
  EXPECT_EQ(run.errors(), 1u);
  *scrub.mutable_last_scan() = PoolWith({"scrub", "canceled", 1002, 2000, 50, 0, 0}).scan();
  EXPECT_EQ(AgentRun(kHost, scrub).state(), v1::RUN_CANCELED);
  // Paused by someone on the host: the agent never pauses its own.
  *scrub.mutable_last_scan() = PoolWith({"scrub", "paused", 1002, {}, 50, 0, 0}).scan();
  run = AgentRun(kHost, scrub);
  EXPECT_EQ(run.state(), v1::RUN_RUNNING);
  EXPECT_EQ(run.pause(), v1::PAUSE_OPERATOR);
  // Paused by the agent at its window's end: the scheduler resumes it.
  scrub.set_paused_at_window_end(true);
  run = AgentRun(kHost, scrub);
  EXPECT_EQ(run.state(), v1::RUN_RUNNING);
  EXPECT_EQ(run.pause(), v1::PAUSE_WINDOW_END);
  EXPECT_EQ(run.message(), "paused at window end");
  // A flag left over from a scan no longer paused says nothing.
  *scrub.mutable_last_scan() = PoolWith({"scrub", "finished", 1002, 4000, 50, 0, 0}).scan();
  EXPECT_EQ(AgentRun(kHost, scrub).pause(), v1::PAUSE_NONE);
  scrub.set_paused_at_window_end(false);
  // `zpool scrub` failed.
  scrub.set_error("cannot scrub tank: currently resilvering");
  run = AgentRun(kHost, scrub);
  EXPECT_EQ(run.state(), v1::RUN_FAILED);
  EXPECT_EQ(run.ended_at(), 1000);
  EXPECT_EQ(run.message(), "cannot scrub tank: currently resilvering");
}

TEST(AgentRunTest, AStoredRunRecordsTheScrubWhenItStartedWithinTheSlack) {
  v1::AgentScrub scrub;
  scrub.set_pool("tank");
  scrub.set_started_at(1000);
  EXPECT_TRUE(RecordsAgentScrub(controller::Run(1, "finished", 1000, "agent"), scrub, 60));
  EXPECT_TRUE(RecordsAgentScrub(controller::Run(1, "finished", 1059, "external"), scrub, 60));
  EXPECT_TRUE(RecordsAgentScrub(controller::Run(1, "running", 941, "external"), scrub, 60));
  EXPECT_FALSE(RecordsAgentScrub(controller::Run(1, "finished", 1061, "external"), scrub, 60));
  EXPECT_FALSE(RecordsAgentScrub(controller::Run(1, "finished", 1000, "scheduled"), scrub, 60));
  EXPECT_FALSE(
      RecordsAgentScrub(controller::Run(1, "finished", std::nullopt, "external"), scrub, 60));
  scrub.set_pool("bulk");
  EXPECT_FALSE(RecordsAgentScrub(controller::Run(1, "finished", 1000, "agent"), scrub, 60));
}

}  // namespace
}  // namespace zfleet::controller
