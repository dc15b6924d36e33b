// The soak: the faults of a storage fleet's bad week, one after another for an hour (or
// ZFLEET_SOAK_MINUTES), against the real controller, agent and CLI, then the tallies.
//
// The controller and the agent each run in a network namespace of the soak's own, joined by
// a veth pair (NetFaultLink); the agent's zpool is a fake whose pools the soak changes
// (ScriptedPools). Each round asks for a scrub, then starts one fault — 30% packet loss with
// a rate limit, a link outage, the controller frozen (SIGSTOP), the controller killed
// (SIGKILL) and restarted, the agent killed and restarted, zpool hanging — changes the pools
// while it lasts, heals it, and waits until the controller shows the host as it is. At the
// end every scrub asked for must have run exactly once, every state each pool went through
// must be in its history, and every counter change counted in its event.
//
// Not part of CI (it runs for an hour): tests/soak/run.sh builds and runs it. Needs root,
// ip, nft and tc.
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/testing/fleet_fixture.h"
#include "tests/testing/net_fault_link.h"
#include "tests/testing/scripted_pools.h"

namespace zfleet::testing {
namespace {

using Json = nlohmann::json;

constexpr int kPort = 7400;
constexpr absl::Duration kHold = absl::Seconds(3);  // between two changes of the pools
constexpr absl::Duration kFaultFor = absl::Seconds(20);
constexpr int kCatchUpSeconds = 150;
const char kAgentToml[] = "[agent]\npoll_interval = \"1s\"\nzpool_timeout = \"8s\"\n";

enum class Fault { kLoss, kOutage, kControllerFrozen, kControllerKilled, kAgentKilled, kZpoolHang };
constexpr Fault kFaults[] = {Fault::kLoss,           Fault::kOutage,
                             Fault::kControllerFrozen, Fault::kControllerKilled,
                             Fault::kAgentKilled,    Fault::kZpoolHang};

const char* Name(Fault f) {
  switch (f) {
    case Fault::kLoss: return "loss";
    case Fault::kOutage: return "outage";
    case Fault::kControllerFrozen: return "controller_frozen";
    case Fault::kControllerKilled: return "controller_killed";
    case Fault::kAgentKilled: return "agent_killed";
    case Fault::kZpoolHang: return "zpool_hang";
  }
  return "?";
}

int SoakMinutes() {
  int minutes = 60;
  const char* env = std::getenv("ZFLEET_SOAK_MINUTES");
  if (env != nullptr && (!absl::SimpleAtoi(env, &minutes) || minutes < 1)) minutes = 60;
  return minutes;
}

class Soak : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    link_ = NetFaultLink::Create(&error);
    ASSERT_NE(link_, nullptr) << "cannot make the soak's network namespaces: " << error;
    pools_ =
        std::make_unique<ScriptedPools>(&dir_, std::vector<std::string>{"tank", "fast", "cold"});
    fleet_.Place(link_->Placement(kPort));
    fleet_.StartController(EveryClassScrubbedEvery(kNeverDue));
    fleet_.StartAgent("h1", pools_->zpool(), kAgentToml);
    Json pools =
        fleet_.WaitForJson({"pools"}, [](const Json& j) { return j["pools"].size() == 3; });
    ASSERT_EQ(pools["pools"].size(), 3u) << fleet_.Logs();
  }

  void TearDown() override {
    std::remove(dir_.File("hang.txt").c_str());
    fleet_.SignalController(SIGCONT);
    fleet_.StopAgent();
    fleet_.StopController();
  }

  void Begin(Fault f) {
    switch (f) {
      case Fault::kLoss:
        EXPECT_EQ(link_->SetLoss(30), "");
        EXPECT_EQ(link_->Throttle("256kbit", "16kb", "400ms"), "");
        break;
      case Fault::kOutage: EXPECT_EQ(link_->SetOutage(true), ""); break;
      case Fault::kControllerFrozen: fleet_.SignalController(SIGSTOP); break;
      case Fault::kControllerKilled: fleet_.StopController(SIGKILL); break;
      // The agent's backlog must survive it: the changes are made with the link down,
      // the agent killed after it saw them (AfterChanges), the link back once it restarted.
      case Fault::kAgentKilled: EXPECT_EQ(link_->SetOutage(true), ""); break;
      case Fault::kZpoolHang: dir_.Write("hang.txt", "soak"); break;
    }
  }
  // Between the changes and the end of the fault.
  void AfterChanges(Fault f) {
    if (f != Fault::kAgentKilled) return;
    std::this_thread::sleep_for(std::chrono::seconds(2));  // two polls see the last change
    fleet_.StopAgent(SIGKILL);
    fleet_.StartAgent("h1", pools_->zpool(), kAgentToml);
  }
  void End(Fault f) {
    switch (f) {
      case Fault::kLoss:
        EXPECT_EQ(link_->SetLoss(0), "");
        EXPECT_EQ(link_->Throttle("100mbit", "1mb", "50ms"), "");
        break;
      case Fault::kOutage: EXPECT_EQ(link_->SetOutage(false), ""); break;
      case Fault::kControllerFrozen: fleet_.SignalController(SIGCONT); break;
      case Fault::kControllerKilled:
        fleet_.StartController(EveryClassScrubbedEvery(kNeverDue));
        break;
      case Fault::kAgentKilled: EXPECT_EQ(link_->SetOutage(false), ""); break;
      case Fault::kZpoolHang: std::remove(dir_.File("hang.txt").c_str()); break;
    }
  }

  // The controller shows every pool as the fake has it, and run `run` (if any) ended.
  bool CaughtUp(int64_t run) const {
    for (const std::string& name : pools_->names()) {
      const Json pool = fleet_.CliJson({"pool", "h1/" + name});
      if (!pool.is_object()) return false;
      const Json& leaf = pool["vdevs"][0]["children"][0];
      if (pool["state"] != (pools_->degraded(name) ? "DEGRADED" : "ONLINE") ||
          leaf["read_errors"] != pools_->read_errors(name)) {
        return false;
      }
      for (const Json& r : pool["scrub_runs"]) {
        if (r["id"] == run && r["state"] != "finished" && r["state"] != "failed") return false;
      }
    }
    return true;
  }

  // Events of `kind` on `pool`.
  std::vector<Json> Events(const std::string& pool, const std::string& kind) const {
    std::vector<Json> out;
    const Json all = fleet_.CliJson({"events", "--since", "24h"});
    if (!all.is_object()) return out;
    for (const Json& e : all["events"]) {
      if (e["host"] == "h1" && e["pool"] == pool && e["kind"] == kind) out.push_back(e);
    }
    return out;
  }

  TempDir dir_;
  std::unique_ptr<NetFaultLink> link_;
  std::unique_ptr<ScriptedPools> pools_;
  ProcessFleet fleet_{&dir_};
};

TEST_F(Soak, FaultsForAnHourLoseAndDoubleNothing) {
  const int minutes = SoakMinutes();
  const absl::Time end = absl::Now() + absl::Minutes(minutes);
  std::mt19937 random(20261202);
  std::map<std::string, int> faults, requested;
  std::map<std::string, int> failed_runs;  // pool → runs that ended failed (with the reason)
  std::vector<int> catch_up;
  int rounds = 0, read_errors_added = 0, not_caught_up = 0;

  while (absl::Now() < end) {
    const Fault fault = kFaults[rounds % std::size(kFaults)];
    const std::vector<std::string> names = pools_->names();
    const std::string pool = names[random() % names.size()];
    const Json reply = fleet_.CliJson({"scrub", "h1/" + pool, "--now"});
    int64_t run = -1;
    if (reply.is_object() && reply["scrub_run_id"].is_number()) {
      run = reply["scrub_run_id"].get<int64_t>();
      ++requested[pool];
    } else {
      ADD_FAILURE() << "round " << rounds << ": zfleet scrub h1/" << pool << " --now failed";
    }

    ++faults[Name(fault)];
    const std::string changed = names[random() % names.size()];
    std::vector<std::function<void()>> steps = {
        [&, changed] { pools_->SetDegraded(changed, !pools_->degraded(changed)); },
        [&, changed] { pools_->AddReadError(changed); },
        [&, changed] { pools_->SetDegraded(changed, !pools_->degraded(changed)); },
        [&, changed] { pools_->AddReadError(changed); },
    };
    read_errors_added += 2;
    // While zpool hangs nothing can be seen: its round changes the pools once it answers.
    const bool changes_during = fault != Fault::kZpoolHang;
    Begin(fault);
    {
      Timeline timeline(pools_.get(), changes_during ? std::move(steps)
                                                     : std::vector<std::function<void()>>{},
                        kHold);
      EXPECT_TRUE(timeline.WaitForSteps(kFaultFor + absl::Seconds(10)));
      AfterChanges(fault);
      const absl::Duration rest = changes_during ? kFaultFor - 4 * kHold : kFaultFor;
      std::this_thread::sleep_for(
          std::chrono::seconds(std::max<int64_t>(0, absl::ToInt64Seconds(rest))));
      End(fault);
    }
    {
      Timeline timeline(pools_.get(), changes_during ? std::vector<std::function<void()>>{}
                                                     : std::move(steps),
                        kHold);
      EXPECT_TRUE(timeline.WaitForSteps(kFaultFor + absl::Seconds(10)));
      const absl::Time healed = absl::Now();
      // The scrub asked for finishes (the timeline finishes every scrub the agent starts).
      bool caught_up = false;
      while (absl::Now() < healed + absl::Seconds(kCatchUpSeconds)) {
        if (CaughtUp(run)) {
          caught_up = true;
          break;
        }
        std::this_thread::sleep_for(std::chrono::seconds(1));
      }
      if (caught_up) {
        catch_up.push_back(static_cast<int>(absl::ToInt64Seconds(absl::Now() - healed)));
      } else {
        ++not_caught_up;
        ADD_FAILURE() << "round " << rounds << " (" << Name(fault) << "): not caught up after "
                      << kCatchUpSeconds << " s\n" << fleet_.Logs();
      }
    }
    ++rounds;
  }

  // Tallies.
  const std::map<std::string, int> ran = pools_->ScrubCalls();
  int asked = 0, run_total = 0, duplicates = 0, missing = 0;
  for (const std::string& name : pools_->names()) {
    const int want = requested.count(name) ? requested.at(name) : 0;
    const int got = ran.count(name) ? ran.at(name) : 0;
    asked += want;
    run_total += got;
    duplicates += std::max(0, got - want);
    missing += std::max(0, want - got);
    const Json pool = fleet_.CliJson({"pool", "h1/" + name});
    for (const Json& r : pool["scrub_runs"]) failed_runs[name] += r["state"] == "failed";
  }
  int changes = 0, recorded = 0, counted = 0, pool_events = 0;
  for (const std::string& name : pools_->names()) {
    const std::vector<std::string> want = pools_->StateChanges(name);
    changes += static_cast<int>(want.size());
    const Json history = fleet_.CliJson({"history", "h1/" + name});
    std::vector<std::string> seen;
    if (history.is_object()) {
      for (auto it = history["changes"].rbegin(); it != history["changes"].rend(); ++it) {
        const std::string state = (*it)["state"].get<std::string>();
        if (seen.empty() || seen.back() != state) seen.push_back(state);
      }
    }
    if (!seen.empty()) seen.erase(seen.begin());  // the pool as first seen
    // How many of the changes appear, in order, in the history.
    size_t i = 0;
    for (const std::string& state : seen) {
      if (i < want.size() && want[i] == state) ++i;
    }
    recorded += static_cast<int>(i);
    EXPECT_EQ(seen, want) << "state changes of " << name << " in its history";
    for (const Json& e : Events(name, "device_errors")) counted += e["count"].get<int>();
    for (const Json& e : Events(name, "pool_state")) pool_events += e["count"].get<int>();
  }
  int zpool_stuck = 0, host_missing = 0;
  const Json all = fleet_.CliJson({"events", "--since", "24h"});
  if (all.is_object()) {
    for (const Json& e : all["events"]) {
      if (e["kind"] == "zpool_stuck") zpool_stuck += e["count"].get<int>();
      if (e["kind"] == "host_missing") host_missing += e["count"].get<int>();
    }
  }
  std::sort(catch_up.begin(), catch_up.end());
  int failed = 0;
  for (const auto& [name, n] : failed_runs) failed += n;
  std::vector<std::string> fault_tally;
  for (const auto& [name, n] : faults) fault_tally.push_back(absl::StrCat(name, "=", n));

  std::printf("soak: %d min, %d rounds\n", minutes, rounds);
  std::printf("faults: %s\n", absl::StrJoin(fault_tally, " ").c_str());
  std::printf("scrubs: requested=%d run=%d duplicate=%d missing=%d failed_runs=%d\n", asked,
              run_total, duplicates, missing, failed);
  std::printf("pool states: changed=%d in_history=%d lost=%d pool_state_events=%d\n", changes,
              recorded, changes - recorded, pool_events);
  std::printf("read errors: added=%d counted_in_events=%d\n", read_errors_added, counted);
  std::printf("zpool hangs: %d, zpool_stuck events=%d; host_missing events=%d\n",
              faults[Name(Fault::kZpoolHang)], zpool_stuck, host_missing);
  if (!catch_up.empty()) {
    std::printf("caught up after healing: p50=%ds max=%ds, never=%d\n",
                catch_up[catch_up.size() / 2], catch_up.back(), not_caught_up);
  }
  std::fflush(stdout);

  EXPECT_EQ(duplicates, 0);
  EXPECT_EQ(missing, 0);
  EXPECT_EQ(changes, recorded);
  EXPECT_EQ(read_errors_added, counted);
  EXPECT_EQ(zpool_stuck, faults[Name(Fault::kZpoolHang)]);
}

}  // namespace
}  // namespace zfleet::testing
