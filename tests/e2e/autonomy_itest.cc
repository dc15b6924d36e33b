// An agent whose controller is away longer than `[agents] autonomous_after` scrubs its due
// pool on its own, and the controller, back, records that scrub once with trigger agent:
// the real controller, agent and CLI on 127.0.0.1 over a fake `zpool`
// (tests/testing/fake_zpool.sh) that logs every call.
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/fleet_fixture.h"

namespace zfleet::testing {
namespace {

using Json = nlohmann::json;

// Every class scrubbed every `interval`, always open; no early starts.
std::string Classes(absl::Duration interval) {
  return "early_start = 0\n" + EveryClassScrubbedEvery(interval);
}

class AutonomyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    zpool_ = InstallFakeZpool(dir_, "fake_host/list.txt", "fake_host/healthy.txt");
    std::filesystem::copy_file(std::string(ZFLEET_TESTDATA_DIR) + "/fake_host/scrubbing.txt",
                               dir_.File("on_scrub.txt"));
  }
  void TearDown() override {
    fleet_.StopAgent();
    fleet_.StopController();
  }

  int ScrubCalls() const {
    int n = 0;
    for (absl::string_view line : absl::StrSplit(ReadFile(dir_.File("calls.log")), '\n')) {
      n += line == "scrub tank" || line == "scrub fast";  // not zpool's probes
    }
    return n;
  }

  TempDir dir_;
  ProcessFleet fleet_{&dir_};
  std::string zpool_;
};

TEST_F(AutonomyTest, AnAgentAloneScrubsItsDuePoolAndTheControllerRecordsItOnceBack) {
  // First nothing is due: the controller records tank's last scrub, seen on the host.
  fleet_.StartController(Classes(absl::Hours(24 * 3650)));
  fleet_.StartAgent("h1", zpool_);
  auto has_runs = [](const Json& j) {
    return j["scrub_runs"].is_array() && !j["scrub_runs"].empty();
  };
  Json tank = fleet_.WaitForJson({"pool", "h1/tank"}, has_runs, 30);
  ASSERT_TRUE(has_runs(tank)) << fleet_.Logs();
  absl::Time last_scrub;
  std::string error;
  ASSERT_TRUE(absl::ParseTime(absl::RFC3339_full,
                              tank["scrub_runs"][0]["started_at"].get<std::string>(), &last_scrub,
                              &error))
      << error;

  // Now tank falls due 25 s from here, and an agent alone 5 s acts on its own.
  const absl::Duration interval = absl::Ceil(absl::Now() - last_scrub, absl::Seconds(1)) +
                                  absl::Seconds(25);
  fleet_.StopController();
  fleet_.StartController(Classes(interval), "autonomous_after = \"5s\"\n");
  const std::string policy_file = fleet_.AgentStateDir() + "/policy.json";
  ASSERT_TRUE(WaitFor(
      [&] {
        return absl::StrContains(ReadFile(policy_file),
                                 absl::StrCat(absl::ToInt64Seconds(interval)));
      },
      absl::Seconds(30)))
      << "the agent never kept the new policy: " << ReadFile(policy_file) << fleet_.Logs();
  EXPECT_EQ(ScrubCalls(), 0) << "nothing was due while the controller was there";

  fleet_.StopController(SIGKILL);
  ASSERT_TRUE(WaitFor([&] { return ScrubCalls() > 0; }, absl::Seconds(90)))
      << "the agent did not scrub on its own\n" << fleet_.Logs();
  EXPECT_EQ(ScrubCalls(), 1);
  EXPECT_THAT(ReadFile(dir_.File("agent.log")), ::testing::HasSubstr("scrub of tank on my own"));

  // Back: the controller records the agent's scrub, once, and starts none of its own.
  fleet_.StartController(Classes(interval), "autonomous_after = \"5s\"\n");
  auto agent_run = [](const Json& j) {
    if (!j["scrub_runs"].is_array()) return false;
    for (const Json& run : j["scrub_runs"]) {
      if (run["trigger"] == "agent") return true;
    }
    return false;
  };
  // The agent, backing off while the controller was away, tries again within a minute.
  tank = fleet_.WaitForJson({"pool", "h1/tank"}, agent_run, 75);
  ASSERT_TRUE(agent_run(tank)) << tank.dump() << "\n" << fleet_.Logs();
  std::this_thread::sleep_for(std::chrono::seconds(3));  // a few ticks of the scheduler
  tank = fleet_.CliJson({"pool", "h1/tank"});
  int agent_runs = 0;
  for (const Json& run : tank["scrub_runs"]) agent_runs += run["trigger"] == "agent";
  EXPECT_EQ(agent_runs, 1) << tank.dump();
  EXPECT_EQ(tank["scrub_runs"][0]["trigger"], "agent") << tank.dump();
  EXPECT_EQ(tank["scrub_runs"][0]["state"], "running") << tank.dump();
  EXPECT_EQ(ScrubCalls(), 1) << "the controller started a second scrub";
}

}  // namespace
}  // namespace zfleet::testing
