// A command runs once even when its agent is killed: the real controller, agent and CLI on
// 127.0.0.1 over a fake `zpool` (tests/testing/fake_zpool.sh) that logs every call and can
// hold a `zpool scrub` until the test lets it go.
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/fleet_fixture.h"

namespace zfleet::testing {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;

std::string Rfc3339(int64_t unix_seconds) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixSeconds(unix_seconds),
                          absl::UTCTimeZone());
}

class CommandOnceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    zpool_ = InstallFakeZpool(dir_, "fake_host/list.txt", "fake_host/healthy.txt");
    std::filesystem::copy_file(std::string(ZFLEET_TESTDATA_DIR) + "/fake_host/scrubbing.txt",
                               dir_.File("on_scrub.txt"));
    dir_.Write("scrub_hold", "60");  // every scrub waits for the test
    // The scheduler starts nothing of its own: only the scrub the test asks for runs.
    fleet_.StartController(EveryClassScrubbedEvery(kNeverDue));
    fleet_.StartAgent("h1", zpool_);
    const Json pool = fleet_.WaitForJson(
        {"pool", "h1/tank"}, [](const Json& j) { return j["scrub_runs"].is_array(); }, 30);
    ASSERT_TRUE(pool.is_object()) << fleet_.Logs();
    // The pool's last scrub before zfleet saw it, recorded on first sight.
    runs_before_ = pool["scrub_runs"].size();
  }

  void TearDown() override {
    fleet_.SignalController(SIGCONT);  // never leave it frozen
    fleet_.StopAgent();
    KillHeldScrub();
    fleet_.StopController();
  }

  // `zfleet scrub h1/tank --now`; the command's id.
  std::string ScrubNow() {
    const Json reply = fleet_.CliJson({"scrub", "h1/tank", "--now"});
    EXPECT_TRUE(reply.is_object()) << fleet_.Logs();
    return reply.is_object() && reply["command_id"].is_string()
               ? reply["command_id"].get<std::string>()
               : "";
  }

  int ScrubCalls() const {
    int n = 0;
    for (absl::string_view line : absl::StrSplit(ReadFile(dir_.File("calls.log")), '\n')) {
      n += line == "scrub tank";
    }
    return n;
  }

  // The agent's journal record of `kind` ("begun", "finished") for command `id`, split in
  // its fields; empty when there is none yet.
  std::vector<std::string> JournalRecord(const std::string& kind, const std::string& id) const {
    const std::string prefix = absl::StrCat(kind, "\t", id, "\t");
    for (absl::string_view line :
         absl::StrSplit(ReadFile(fleet_.AgentStateDir() + "/commands.journal"), '\n')) {
      if (absl::StartsWith(line, prefix)) return absl::StrSplit(line, '\t');
    }
    return {};
  }

  // A `zpool scrub` still held by the fake (its agent was killed) is killed with its group.
  void KillHeldScrub() {
    std::remove(dir_.File("scrub_hold").c_str());
    int pid = 0;
    if (absl::SimpleAtoi(absl::StripAsciiWhitespace(ReadFile(dir_.File("scrub.pid"))), &pid) &&
        pid > 1) {
      kill(-pid, SIGKILL);
    }
    std::remove(dir_.File("scrub.pid").c_str());
  }

  // tank's scrub runs, newest first, once `done` holds for them (at most 30 s).
  Json RunsWhen(const std::function<bool(const Json&)>& done) {
    const Json pool = fleet_.WaitForJson(
        {"pool", "h1/tank"},
        [&](const Json& j) { return j["scrub_runs"].is_array() && done(j["scrub_runs"]); }, 30);
    return pool.is_object() ? pool["scrub_runs"] : Json();
  }

  TempDir dir_;
  ProcessFleet fleet_{&dir_};
  std::string zpool_;
  size_t runs_before_ = 0;
};

// The agent ran the START and journaled it, but was killed before its ack reached the
// controller (frozen meanwhile). Restarted on the same state dir it answers the repeated
// command from its journal: one `zpool scrub`, one run, started when the scrub ran.
TEST_F(CommandOnceTest, AgentKilledBetweenScrubAndAckScrubsOnce) {
  const std::string id = ScrubNow();
  ASSERT_FALSE(id.empty());
  ASSERT_TRUE(WaitFor([&] { return ScrubCalls() == 1; }, absl::Seconds(30))) << fleet_.Logs();
  fleet_.SignalController(SIGSTOP);  // the ack cannot arrive now
  std::remove(dir_.File("scrub_hold").c_str());
  ASSERT_TRUE(WaitFor([&] { return !JournalRecord("finished", id).empty(); }, absl::Seconds(30)))
      << ReadFile(fleet_.AgentStateDir() + "/commands.journal") << fleet_.Logs();
  const std::vector<std::string> finished = JournalRecord("finished", id);
  ASSERT_GE(finished.size(), 4u);
  EXPECT_EQ(finished[2], "ok");
  int64_t executed_at = 0;
  ASSERT_TRUE(absl::SimpleAtoi(finished[3], &executed_at));

  fleet_.StopAgent(SIGKILL);
  fleet_.SignalController(SIGCONT);
  fleet_.StartAgent("h1", zpool_);

  const Json runs =
      RunsWhen([](const Json& r) { return !r.empty() && r[0]["state"] == "running"; });
  ASSERT_TRUE(runs.is_array()) << fleet_.Logs();
  // One new run: no second one (an external scrub) beside it.
  ASSERT_EQ(runs.size(), runs_before_ + 1) << runs.dump() << fleet_.Logs();
  EXPECT_EQ(runs[0]["state"], "running") << runs.dump();
  EXPECT_EQ(runs[0]["trigger"], "manual");
  EXPECT_EQ(runs[0]["started_at"], Rfc3339(executed_at)) << runs.dump();  // not 1970
  EXPECT_EQ(ScrubCalls(), 1) << ReadFile(dir_.File("calls.log"));
}

// The agent is killed while `zpool scrub` itself runs (begun, never finished). Restarted, it
// does not run it again: the run fails and says why.
TEST_F(CommandOnceTest, AgentKilledDuringTheScrubDoesNotRetryIt) {
  const std::string id = ScrubNow();
  ASSERT_FALSE(id.empty());
  ASSERT_TRUE(WaitFor([&] { return ScrubCalls() == 1 && !JournalRecord("begun", id).empty(); },
                      absl::Seconds(30)))
      << fleet_.Logs();
  int64_t began = 0;
  ASSERT_TRUE(absl::SimpleAtoi(JournalRecord("begun", id).back(), &began));
  fleet_.StopAgent(SIGKILL);
  KillHeldScrub();  // the held zpool dies with its host's agent, as far as the test cares
  fleet_.StartAgent("h1", zpool_);

  const Json runs = RunsWhen([](const Json& r) { return !r.empty() && r[0]["state"] == "failed"; });
  ASSERT_TRUE(runs.is_array()) << fleet_.Logs();
  ASSERT_EQ(runs.size(), runs_before_ + 1) << runs.dump();
  EXPECT_EQ(runs[0]["state"], "failed") << runs.dump() << fleet_.Logs();
  EXPECT_THAT(runs[0]["message"].get<std::string>(),
              HasSubstr("the agent stopped while running it; not retried"));
  EXPECT_EQ(runs[0]["ended_at"], Rfc3339(began));
  EXPECT_EQ(ScrubCalls(), 1) << ReadFile(dir_.File("calls.log"));
}

}  // namespace
}  // namespace zfleet::testing
