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

namespace zfleet::testing {
namespace {

using Json = nlohmann::json;

// Inside the controller's fresh namespace nothing else can hold a port.
constexpr int kPort = 7400;
// How long the fake holds each state: the agent reads zpool every second, so it sees each.
constexpr auto kHold = std::chrono::seconds(3);

std::string CtimeNow() {
  const time_t now = time(nullptr);
  tm local{};
  localtime_r(&now, &local);
  char buf[64];
  strftime(buf, sizeof(buf), "%a %b %e %H:%M:%S %Y", &local);
  return buf;
}

// The fake zpool's pools, each a mirror of two disks. DEGRADED: the second disk is UNAVAIL.
// The test changes them; a scrub the agent runs finishes at once. Thread-safe.
class ScriptedPools {
 public:
  ScriptedPools(const TempDir* dir, std::vector<std::string> names) : dir_(dir) {
    path_ = InstallFakeZpool(*dir, "fake_host/list.txt", "fake_host/healthy.txt");
    absl::MutexLock lock(&mu_);
    char disk = 'a';
    for (const std::string& name : names) {
      Pool p;
      p.name = name;
      p.disk1 = std::string("sd") + disk++;
      p.disk2 = std::string("sd") + disk++;
      pools_.push_back(p);
    }
    WriteLocked();
  }

  const std::string& zpool() const { return path_; }

  void SetDegraded(const std::string& pool, bool degraded) {
    absl::MutexLock lock(&mu_);
    Find(pool).degraded = degraded;
    WriteLocked();
    changes_.push_back(degraded ? "DEGRADED" : "ONLINE");
  }
  // Raises the first disk's READ counter by one.
  void AddReadError(const std::string& pool) {
    absl::MutexLock lock(&mu_);
    ++Find(pool).read_errors;
    WriteLocked();
  }
  // Finishes, as of now, each scrub the agent started since the last call.
  void FinishNewScrubs() {
    const std::map<std::string, int> calls = ScrubCalls();
    absl::MutexLock lock(&mu_);
    bool changed = false;
    for (Pool& p : pools_) {
      auto it = calls.find(p.name);
      const int n = it == calls.end() ? 0 : it->second;
      if (n > p.scrubs_seen) {
        p.scrubs_seen = n;
        p.scrubbed_at = CtimeNow();
        changed = true;
      }
    }
    if (changed) WriteLocked();
  }
  // Pool → how many scrubs the agent started there (`zpool scrub POOL`).
  std::map<std::string, int> ScrubCalls() const {
    std::map<std::string, int> calls;
    for (absl::string_view line :
         absl::StrSplit(ReadFile(dir_->File("calls.log")), '\n', absl::SkipEmpty())) {
      std::vector<std::string> words = absl::StrSplit(line, ' ');
      // `scrub POOL` starts one; `scrub -? …` is the agent's probe of what zpool supports.
      if (words.size() == 2 && words[0] == "scrub" && words[1][0] != '-') ++calls[words[1]];
    }
    return calls;
  }
  // The states the pool went through, in order, after the first.
  std::vector<std::string> StateChanges() const {
    absl::MutexLock lock(&mu_);
    return changes_;
  }

 private:
  struct Pool {
    std::string name, disk1, disk2;
    bool degraded = false;
    int read_errors = 0;
    int scrubs_seen = 0;
    std::string scrubbed_at;  // ctime of the last scrub's end; empty: never scrubbed
  };

  Pool& Find(const std::string& name) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    for (Pool& p : pools_) {
      if (p.name == name) return p;
    }
    ADD_FAILURE() << "no pool " << name;
    return pools_.front();
  }

  // list.txt and status.txt in legacy zpool's format, each replaced in one rename so the
  // fake never prints half a file.
  void WriteLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    std::string list, status;
    for (const Pool& p : pools_) {
      const std::string state = p.degraded ? "DEGRADED" : "ONLINE";
      absl::StrAppend(&list, p.name, "\t7.25T\t3.10T\t4.15T\t42%\t1.00x\t", state, "\t-\n");
      absl::StrAppend(&status, "  pool: ", p.name, "\n state: ", state, "\n scrub: ",
                      p.scrubbed_at.empty()
                          ? "none requested"
                          : "scrub completed after 0h0m with 0 errors on " + p.scrubbed_at,
                      "\nconfig:\n\n\tNAME        STATE     READ WRITE CKSUM\n");
      absl::StrAppendFormat(&status, "\t%-10s  %-8s %5d %5d %5d\n", p.name, state, 0, 0, 0);
      absl::StrAppendFormat(&status, "\t  mirror-0  %-8s %5d %5d %5d\n", state, 0, 0, 0);
      absl::StrAppendFormat(&status, "\t    %-6s  %-8s %5d %5d %5d\n", p.disk1, "ONLINE",
                            p.read_errors, 0, 0);
      absl::StrAppendFormat(&status, "\t    %-6s  %-8s %5d %5d %5d\n", p.disk2,
                            p.degraded ? "UNAVAIL" : "ONLINE", 0, 0, 0);
      absl::StrAppend(&status, "\nerrors: No known data errors\n\n");
    }
    Replace("list.txt", list);
    Replace("status.txt", status);
  }
  void Replace(const std::string& name, const std::string& content) const {
    dir_->Write(name + ".new", content);
    std::rename(dir_->File(name + ".new").c_str(), dir_->File(name).c_str());
  }

  const TempDir* dir_;
  std::string path_;
  mutable absl::Mutex mu_;
  std::vector<Pool> pools_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> changes_ ABSL_GUARDED_BY(mu_);
};

// Runs `steps` one kHold apart on a thread of its own, and finishes the agent's scrubs
// every 100 ms, until Stop() (or the destructor); steps not run by then are dropped.
class Timeline {
 public:
  Timeline(ScriptedPools* pools, std::vector<std::function<void()>> steps)
      : thread_([this, pools, steps = std::move(steps)] {
          auto next = std::chrono::steady_clock::now() + kHold;
          size_t done = 0;
          absl::MutexLock lock(&mu_);
          while (!stop_) {
            pools->FinishNewScrubs();
            if (done < steps.size() && std::chrono::steady_clock::now() >= next) {
              steps[done++]();
              next += kHold;
              if (done == steps.size()) steps_done_ = true;
            }
            mu_.AwaitWithTimeout(absl::Condition(&stop_), absl::Milliseconds(100));
          }
        }) {}
  ~Timeline() {
    Stop();
    thread_.join();
  }
  // Waits (at most `limit`) until every step ran; false if they did not.
  bool WaitForSteps(absl::Duration limit) {
    absl::MutexLock lock(&mu_);
    return mu_.AwaitWithTimeout(absl::Condition(&steps_done_), limit);
  }
  void Stop() {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }

 private:
  absl::Mutex mu_;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  bool steps_done_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

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
    ProcessFleet::Placement place;
    place.controller_prefix = link_->InController({});
    place.listen = absl::StrCat("0.0.0.0:", kPort);
    place.controller_flags = {"--insecure-plaintext"};
    place.agent_prefix = link_->InAgent({});
    place.agent_target = absl::StrCat(NetFaultLink::kControllerAddress, ":", kPort);
    place.cli_prefix = link_->InController({});
    place.cli_target = absl::StrCat("127.0.0.1:", kPort);
    fleet_.Place(place);
    // The scheduler starts nothing of its own: every scrub is one the test asked for.
    std::string never_due;
    for (const char* cls : {"sata", "scsi", "usb", "unknown", "sas", "fc", "nvme", "virtual"}) {
      never_due += absl::StrCat("[classes.", cls, "]\ninterval = \"3650d\"\n");
    }
    fleet_.StartController(never_due);
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
  timeline_ = std::make_unique<Timeline>(pools_.get(), std::move(steps));

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
  timeline_ = std::make_unique<Timeline>(pools_.get(), std::move(steps));
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
