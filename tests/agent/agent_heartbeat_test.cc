// The report loop's heartbeat, which systemd's watchdog pings follow (agent_app.cc): it
// beats whenever the loop gets somewhere, whatever zpool and the controller do, and only then.
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "agent/agent_loop.h"
#include "agent/command_journal.h"
#include "agent/controller_link.h"
#include "agent/outbox/outbox.h"
#include "agent/zpool/zpool_client.h"
#include "common/clock.h"
#include "common/heartbeat.h"
#include "gtest/gtest.h"
#include "tests/testing/fake_command_runner.h"

namespace zfleet::agent {
namespace {

const absl::Time kHeartbeatT0 = absl::FromUnixSeconds(1'800'000'000);
constexpr absl::Duration kStalledAfter = absl::Seconds(30);

// A host whose pools were read at kHeartbeatT0, or whose zpool hangs since then.
class FixedCollector final : public Collector {
 public:
  HostView View(absl::Time now) override {
    HostView view;
    view.generation = "legacy";
    view.pools_read_at = kHeartbeatT0;
    v1::Pool pool;
    pool.set_name("tank");
    pool.set_state("ONLINE");
    view.pools.push_back(pool);
    if (zpool_hangs) {
      view.not_answering_since = kHeartbeatT0;
      view.not_answering_detail = "zpool list/status running for 5m";
    }
    return view;
  }
  void Submit(const std::vector<v1::Command>&) override {}
  absl::Time NextDue() const override { return absl::InfiniteFuture(); }

  std::atomic<bool> zpool_hangs{false};
};

// Answers every report (or fails it), first letting `during_call` run: a report that takes
// time, a check of the heartbeat while one is under way.
class ScriptedLink final : public ControllerLink {
 public:
  absl::StatusOr<v1::ReportResponse> Report(const v1::ReportRequest&) override {
    if (during_call) during_call();
    absl::MutexLock lock(&mu_);
    ++calls_;
    if (!reachable) return absl::UnavailableError("connection refused");
    return v1::ReportResponse();
  }
  int calls() {
    absl::MutexLock lock(&mu_);
    return calls_;
  }
  bool WaitForCalls(int n, absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    auto reached = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return calls_ >= n; };
    return mu_.AwaitWithTimeout(absl::Condition(&reached), timeout);
  }

  std::function<void()> during_call;
  std::atomic<bool> reachable{true};

 private:
  absl::Mutex mu_;
  int calls_ ABSL_GUARDED_BY(mu_) = 0;
};

class AgentHeartbeatTest : public ::testing::Test {
 protected:
  void SetUp() override {
    AgentDeps deps;
    deps.clock = &clock_;
    deps.collector = &collector_;
    deps.link = &link_;
    deps.outbox = outbox_.get();
    deps.journal = &journal_;
    deps.zpool = &zpool_;
    deps.heartbeat = &heartbeat_;
    loop_ = std::make_unique<AgentLoop>(std::move(deps), AgentConfig{},
                                        AgentIdentity{"nas1", "inst-1", "nas1", "test"});
  }

  FakeClock clock_{kHeartbeatT0};            // the loop's
  FakeClock heartbeat_clock_{kHeartbeatT0};  // the heartbeat's (monotonic in the daemon)
  Heartbeat heartbeat_{&heartbeat_clock_, kStalledAfter};
  FixedCollector collector_;
  ScriptedLink link_;
  std::unique_ptr<Outbox> outbox_ = Outbox::InMemory("stream");
  CommandJournal journal_ = CommandJournal::InMemory();
  zfleet::testing::FakeCommandRunner runner_;
  ZpoolClient zpool_{&runner_, "/sbin/zpool", absl::Seconds(10)};
  std::unique_ptr<AgentLoop> loop_;
};

TEST_F(AgentHeartbeatTest, EveryTickBeatsAndNothingElseDoes) {
  EXPECT_FALSE(heartbeat_.Fresh()) << "no tick yet";
  loop_->Tick();
  EXPECT_TRUE(heartbeat_.Fresh());
  heartbeat_clock_.Advance(kStalledAfter + absl::Seconds(1));
  EXPECT_FALSE(heartbeat_.Fresh()) << "a loop that stopped ticking is stale";
  clock_.Advance(absl::Seconds(31));
  loop_->Tick();
  EXPECT_TRUE(heartbeat_.Fresh());
}

// zpool hanging and the controller away are the agent's job to report, not a reason for
// systemd to restart it: the loop ticks on, and beats.
TEST_F(AgentHeartbeatTest, AHungZpoolAndAnAbsentControllerStillBeat) {
  collector_.zpool_hangs = true;
  link_.reachable = false;
  for (int i = 0; i < 10; ++i) {
    heartbeat_clock_.Advance(kStalledAfter + absl::Seconds(1));
    ASSERT_FALSE(heartbeat_.Fresh());
    const absl::Time next = loop_->Tick();
    EXPECT_TRUE(heartbeat_.Fresh()) << i;
    clock_.Set(next);  // the back-off's retry
  }
  EXPECT_GE(link_.calls(), 5);
  EXPECT_GT(loop_->consecutive_failures(), 0);
}

// A backlog of slow reports: each report is a step of its own, so the heartbeat is never
// older than one report when the next one starts.
TEST_F(AgentHeartbeatTest, EachReportOfABacklogBeats) {
  for (int i = 0; i < 3; ++i) {
    v1::ReportRequest observation;
    observation.set_observed_at(absl::ToUnixSeconds(kHeartbeatT0) - 100 + i);
    observation.set_pools_valid(true);
    ASSERT_TRUE(outbox_->Append(observation, /*state_change=*/true).ok());
  }
  std::vector<absl::Duration> age_at_call;
  link_.during_call = [&] {
    age_at_call.push_back(heartbeat_.Age());
    heartbeat_clock_.Advance(absl::Seconds(20));  // the report takes 20 s
  };
  loop_->Tick();
  ASSERT_EQ(age_at_call.size(), 4u);  // the backlog, then the tick's own observation
  for (absl::Duration age : age_at_call) EXPECT_EQ(age, absl::ZeroDuration());
  EXPECT_TRUE(heartbeat_.Fresh());
}

// Run() waits up to the next report (30 s here; a minute of back-off at most) in slices of
// kWaitSlice, each a beat: a loop with nothing to do is alive.
TEST_F(AgentHeartbeatTest, RunBeatsWhileItWaitsAndStopsPromptly) {
  std::thread runner([&] { loop_->Run(); });
  ASSERT_TRUE(link_.WaitForCalls(1, absl::Seconds(10)));
  for (int i = 0; i < 2; ++i) {
    heartbeat_clock_.Advance(kStalledAfter + absl::Seconds(1));  // stale, unless a slice beats
    const absl::Time waited_from = absl::Now();
    bool fresh = false;
    while (!fresh && absl::Now() - waited_from < 3 * AgentLoop::kWaitSlice + absl::Seconds(5)) {
      absl::SleepFor(absl::Milliseconds(20));
      fresh = heartbeat_.Fresh();
    }
    EXPECT_TRUE(fresh) << "no beat while waiting";
  }
  EXPECT_EQ(link_.calls(), 1) << "the beats came from the wait, not from more ticks";
  const absl::Time stop_at = absl::Now();
  loop_->Stop();
  runner.join();
  EXPECT_LT(absl::Now() - stop_at, absl::Seconds(5));
}

}  // namespace
}  // namespace zfleet::agent
