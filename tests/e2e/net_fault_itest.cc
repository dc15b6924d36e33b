// The real controller and agent with a lossy, throttled link between them: the controller
// in one network namespace the test makes, the agent in another, joined by a veth pair on
// which nftables drops 30% of the packets each way at random and tc tbf limits the rate
// (see NetFaultLink). The agent's zpool is a fake whose pools the test changes on a
// schedule, finishing each scrub it is asked for. The CLI talks to the controller over the
// loopback of the controller's namespace, so only the agent's link is faulty.
//
// Needs root, ip, nft and tc: skipped without them, a failure under CI.
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/fleet_fixture.h"
#include "tests/testing/net_fault_link.h"
#include "tests/testing/scripted_pools.h"

namespace zfleet::testing {
namespace {

using Json = nlohmann::json;

// Inside the controller's fresh namespace nothing else can hold a port.
constexpr int kPort = 7400;
// How long the fake holds each state: the agent reads zpool every second, so it sees each.
constexpr absl::Duration kHold = absl::Seconds(3);

class NetFault : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    link_ = NetFaultLink::Create(&error);
    if (link_ == nullptr) {
      if (std::getenv("CI") != nullptr) FAIL() << "cannot make the faulty link: " << error;
      GTEST_SKIP() << "cannot make the faulty link: " << error;
    }
    pools_ =
        std::make_unique<ScriptedPools>(&dir_, std::vector<std::string>{"tank", "fast", "cold"});
    fleet_.Place(link_->Placement(kPort));
    // The scheduler starts nothing of its own: every scrub is one the test asked for.
    fleet_.StartController(EveryClassScrubbedEvery(kNeverDue));
    fleet_.StartAgent("h1", pools_->zpool());
    // A clean start, then the faults.
    Json pools =
        fleet_.WaitForJson({"pools"}, [](const Json& j) { return j["pools"].size() == 3; });
    ASSERT_EQ(pools["pools"].size(), 3u) << fleet_.Logs();
    ASSERT_EQ(link_->SetLoss(30), "");
    ASSERT_EQ(link_->Throttle("256kbit", "16kb", "400ms"), "");
  }

  void TearDown() override {
    timeline_.reset();
    fleet_.StopAgent();
    fleet_.StopController();
  }

  // Events of pool `pool` of `kind`, oldest first.
  std::vector<Json> Events(const std::string& pool, const std::string& kind) const {
    Json all = fleet_.CliJson({"events", "--since", "1h"});
    std::vector<Json> out;
    if (!all.is_object()) return out;
    for (const Json& e : all["events"]) {
      if (e["host"] == "h1" && e["pool"] == pool && e["kind"] == kind) out.push_back(e);
    }
    std::sort(out.begin(), out.end(),
              [](const Json& a, const Json& b) { return a["id"] < b["id"]; });
    return out;
  }

  TempDir dir_;
  std::unique_ptr<NetFaultLink> link_;  // outlives the processes in its namespaces
  ProcessFleet fleet_{&dir_};
  std::unique_ptr<ScriptedPools> pools_;
  std::unique_ptr<Timeline> timeline_;
};

// Lost replies make the controller send a command again and lost acks make it resend
// until one arrives; the agent's journal must run each scrub once all the same.
TEST_F(NetFault, EachScrubRequestRunsOnceUnderLoss) {
  // tank changes state meanwhile, so reports go back and forth as in a real fleet.
  std::vector<std::function<void()>> steps;
  for (int i = 0; i < 30; ++i) {
    steps.push_back([this, i] {
      if (i % 2 == 0) pools_->AddReadError("tank");
      pools_->SetDegraded("tank", i % 2 == 0);
    });
  }
  timeline_ = std::make_unique<Timeline>(pools_.get(), std::move(steps), kHold);

  constexpr int kRounds = 3;
  // One bound for all rounds, so the test as a whole stays within ctest's 180 s.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  auto seconds_left = [&] {
    return static_cast<int>(std::max<int64_t>(1, std::chrono::duration_cast<std::chrono::seconds>(
                                                     deadline - std::chrono::steady_clock::now())
                                                     .count()));
  };
  std::map<std::string, int> requested;
  for (int round = 0; round < kRounds; ++round) {
    std::map<std::string, int64_t> runs;  // pool → the scrub run this round asked for
    for (const std::string pool : {"tank", "fast", "cold"}) {
      Json reply = fleet_.CliJson({"scrub", "h1/" + pool, "--now"});
      ASSERT_TRUE(reply.is_object()) << "zfleet scrub h1/" << pool << " --now failed\n"
                                     << fleet_.Logs();
      runs[pool] = reply["scrub_run_id"].get<int64_t>();
      ++requested[pool];
    }
    for (const auto& [pool, run] : runs) {
      auto finished = [run = run](const Json& j) {
        for (const Json& r : j["scrub_runs"]) {
          if (r["id"] == run) return r["state"] == "finished";
        }
        return false;
      };
      Json detail = fleet_.WaitForJson({"pool", "h1/" + pool}, finished, seconds_left());
      ASSERT_TRUE(finished(detail))
          << "round " << round << ": run " << run << " of " << pool << " did not finish\n"
          << fleet_.Logs();
    }
  }
  EXPECT_EQ(pools_->ScrubCalls(), requested) << fleet_.Logs();
}

// Every state the fake zpool went through reaches the controller, in its history and
// counted in its events, even the ones that came and went while the link was down.
TEST_F(NetFault, EveryChangeArrivesUnderLoss) {
  std::vector<std::function<void()>> steps = {
      [this] { pools_->SetDegraded("tank", true); },
      [this] { pools_->SetDegraded("tank", false); },
      [this] { pools_->AddReadError("tank"); },
      [this] { pools_->SetDegraded("tank", true); },
      [this] {
        pools_->SetDegraded("tank", false);
        pools_->AddReadError("tank");
      },
      // Down for four holds: what happens meanwhile is seen by the agent only.
      [this] { ASSERT_EQ(link_->SetOutage(true), ""); },
      [this] { pools_->SetDegraded("tank", true); },
      [this] {
        pools_->SetDegraded("tank", false);
        pools_->AddReadError("tank");
      },
      [this] { pools_->AddReadError("tank"); },
      [this] { ASSERT_EQ(link_->SetOutage(false), ""); },
  };
  timeline_ = std::make_unique<Timeline>(pools_.get(), std::move(steps), kHold);
  ASSERT_TRUE(timeline_->WaitForSteps(absl::Seconds(90)));
  timeline_.reset();

  // The link heals. TCP's retransmission back-off, grown during the outage, still delays
  // the first report after it by up to half a minute.
  ASSERT_EQ(link_->SetLoss(0), "");
  // Caught up: the controller shows the last state, four READ errors on tank's first disk.
  auto caught_up = [](const Json& j) {
    const Json& leaf = j["vdevs"][0]["children"][0];
    return j["state"] == "ONLINE" && leaf["read_errors"] == 4;
  };
  Json tank = fleet_.WaitForJson({"pool", "h1/tank"}, caught_up, /*timeout_s=*/90);
  ASSERT_TRUE(caught_up(tank)) << tank.dump() << "\n" << fleet_.Logs();

  // Every state tank went through is a change in its history, oldest first (the first
  // snapshot is the pool as first seen, ONLINE).
  Json history = fleet_.CliJson({"history", "h1/tank"});
  ASSERT_TRUE(history.is_object()) << fleet_.Logs();
  std::vector<std::string> states;
  for (auto it = history["changes"].rbegin(); it != history["changes"].rend(); ++it) {
    const std::string state = (*it)["state"].get<std::string>();
    if (states.empty() || states.back() != state) states.push_back(state);
  }
  ASSERT_FALSE(states.empty()) << history.dump();
  EXPECT_EQ(states.front(), "ONLINE");
  states.erase(states.begin());
  EXPECT_EQ(states, pools_->StateChanges()) << "state changes in tank's history, oldest first";

  // Events coalesce per condition: each state tank entered is one event counting how often
  // it did; the READ counter is one event counting each value it took, the last one kept.
  std::map<std::string, int> entered;
  for (const std::string& state : pools_->StateChanges()) ++entered[state];
  std::map<std::string, int> counted;
  for (const Json& e : Events("tank", "pool_state")) {
    const std::string message = e["message"].get<std::string>();
    counted[absl::StrContains(message, "is DEGRADED") ? "DEGRADED"
            : absl::StrContains(message, "is ONLINE") ? "ONLINE"
                                                      : message] += e["count"].get<int>();
  }
  EXPECT_EQ(counted, entered) << "pool_state events of tank, by state";

  const std::vector<Json> reads = Events("tank", "device_errors");
  ASSERT_EQ(reads.size(), 1u);
  EXPECT_EQ(reads[0]["count"], 4) << reads[0].dump();
  EXPECT_THAT(reads[0]["message"].get<std::string>(), ::testing::HasSubstr("READ 3 → 4"));
}

}  // namespace
}  // namespace zfleet::testing
