#include "agent/agent_loop.h"

#include <atomic>
#include <deque>
#include <thread>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "agent/autonomy/autonomous_scrubber.h"
#include "agent/autonomy/policy_store.h"
#include "agent/autonomy_handoff.h"
#include "agent/command_journal.h"
#include "agent/host/command_runner.h"
#include "agent/controller_link.h"
#include "agent/zpool/zpool_client.h"
#include "common/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/agent/inline_agent.h"
#include "tests/testing/temp_dir.h"

namespace zfleet::agent {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::zfleet::testing::ReadFile;

const absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);

// Records every report and answers from a script, then with `fallback`.
class FakeLink final : public ControllerLink {
 public:
  absl::StatusOr<v1::ReportResponse> Report(const v1::ReportRequest& request) override {
    requests.push_back(request);
    if (!script.empty()) {
      absl::StatusOr<v1::ReportResponse> reply = script.front();
      script.pop_front();
      return reply;
    }
    return fallback;
  }

  std::vector<v1::ReportRequest> requests;
  std::deque<absl::StatusOr<v1::ReportResponse>> script;
  absl::StatusOr<v1::ReportResponse> fallback = v1::ReportResponse();
};

v1::ReportResponse Reply(uint32_t interval_s, std::vector<v1::Command> commands = {}) {
  v1::ReportResponse r;
  r.set_next_report_interval_s(interval_s);
  for (auto& c : commands) *r.add_commands() = c;
  return r;
}

v1::Command Command(const std::string& id, v1::CommandKind kind, const std::string& pool) {
  v1::Command c;
  c.set_id(id);
  c.set_kind(kind);
  c.set_pool(pool);
  return c;
}

v1::StackCheck Check(const std::string& name, const std::string& level) {
  v1::StackCheck c;
  c.set_name(name);
  c.set_level(level);
  c.set_evidence(name + " is " + level);
  return c;
}

std::vector<std::string> PoolNames(const v1::ReportRequest& r) {
  std::vector<std::string> names;
  for (const auto& p : r.pools()) names.push_back(p.name());
  return names;
}

const v1::Pool* FindPool(const v1::ReportRequest& r, const std::string& name) {
  for (const auto& p : r.pools()) {
    if (p.name() == name) return &p;
  }
  return nullptr;
}

class AgentLoopTest : public ::testing::Test {
 protected:
  AgentLoopTest()
      : zpool_path_(zfleet::testing::InstallFakeZpool(dir_, "fake_host/list.txt",
                                                      "fake_host/healthy.txt")),
        zpool_(&runner_, zpool_path_, absl::Seconds(10)) {
    config_.labels["rack"] = "r07";
  }

  void Start() {
    InlineAgentParts parts;
    parts.clock = &clock_;
    parts.zpool = &zpool_;
    parts.link = &link_;
    parts.journal = &journal_;
    parts.load_reader = [this]() { return load_; };
    parts.autonomy = autonomy_.get();
    if (with_stack_checker_) {
      parts.stack_checker = [this]() {
        ++stack_runs_;
        return checks_;
      };
    }
    agent_ = std::make_unique<InlineAgent>(
        parts, config_, AgentIdentity{"nas1", "inst-1", "nas1.example", "0.1.0-test"});
    loop_ = &agent_->loop();
  }

  // Ticks at the times the loop asks for, until the clock would pass `end`.
  void RunUntil(absl::Time end) {
    for (int i = 0; i < 10000; ++i) {
      const absl::Time next = loop_->Tick();
      ASSERT_GE(next, clock_.Now());
      if (next > end) {
        clock_.Set(end);
        return;
      }
      clock_.Set(next);
    }
    FAIL() << "the loop never got past " << clock_.Now();
  }

  void SetStatus(const std::string& fixture) {
    dir_.Write("status.txt", ReadFile(std::string(ZFLEET_TESTDATA_DIR) + "/" + fixture));
  }
  int ZpoolCalls(const std::string& args) const {
    int n = 0;
    for (absl::string_view line : absl::StrSplit(ReadFile(dir_.File("calls.log")), '\n')) {
      n += line == args;
    }
    return n;
  }
  int64_t Secs(absl::Duration since_t0) const { return absl::ToUnixSeconds(kT0 + since_t0); }

  zfleet::testing::TempDir dir_;
  const std::string zpool_path_;
  SubprocessRunner runner_;
  ZpoolClient zpool_;
  FakeClock clock_{kT0};
  FakeLink link_;
  CommandJournal journal_ = CommandJournal::InMemory();
  AgentConfig config_;
  std::optional<double> load_ = 0.25;
  bool with_stack_checker_ = true;
  std::vector<v1::StackCheck> checks_ = {Check("zfs-module-loaded", "ok")};
  int stack_runs_ = 0;
  std::unique_ptr<AutonomyHandoff> autonomy_;  // set before Start() to let the agent act alone
  std::unique_ptr<InlineAgent> agent_;
  AgentLoop* loop_ = nullptr;
};

TEST_F(AgentLoopTest, FirstTickPollsAndReports) {
  Start();
  const absl::Time next = loop_->Tick();
  EXPECT_EQ(next, kT0 + absl::Seconds(10));  // the next poll
  EXPECT_EQ(ZpoolCalls("list -H"), 1);
  EXPECT_EQ(ZpoolCalls("status -v"), 1);
  ASSERT_EQ(link_.requests.size(), 1u);
  const v1::ReportRequest& r = link_.requests[0];
  EXPECT_EQ(r.host_id(), "nas1");
  EXPECT_EQ(r.instance_id(), "inst-1");
  EXPECT_EQ(r.sequence(), 1u);
  EXPECT_EQ(r.report_time(), absl::ToUnixSeconds(kT0));
  EXPECT_EQ(r.host().hostname(), "nas1.example");
  EXPECT_EQ(r.host().agent_version(), "0.1.0-test");
  EXPECT_EQ(r.host().zpool_path(), zpool_path_);
  EXPECT_EQ(r.host().zpool_generation(), "legacy");
  EXPECT_EQ(r.host().labels().at("rack"), "r07");
  EXPECT_DOUBLE_EQ(r.host().load1(), 0.25);
  EXPECT_TRUE(r.pools_valid());
  EXPECT_EQ(r.collect_error(), "");
  EXPECT_THAT(PoolNames(r), ElementsAre("tank", "fast"));
  EXPECT_EQ(FindPool(r, "tank")->scan().state(), "finished");
  EXPECT_EQ(r.acks_size(), 0);
  EXPECT_EQ(loop_->reports_sent(), 1);
}

TEST_F(AgentLoopTest, UnknownLoadIsLeftOut) {
  load_ = std::nullopt;
  Start();
  loop_->Tick();
  ASSERT_EQ(link_.requests.size(), 1u);
  EXPECT_FALSE(link_.requests[0].host().has_load1());
}

TEST_F(AgentLoopTest, NoReportBeforeTheIntervalWhenNothingChanged) {
  Start();
  RunUntil(kT0 + absl::Seconds(29));
  EXPECT_EQ(link_.requests.size(), 1u);
  EXPECT_EQ(ZpoolCalls("status -v"), 3);  // polled at 0, 10 and 20 s all the same
  RunUntil(kT0 + absl::Seconds(30));
  loop_->Tick();
  ASSERT_EQ(link_.requests.size(), 2u);
  EXPECT_EQ(link_.requests[1].report_time(), Secs(absl::Seconds(30)));
  EXPECT_EQ(link_.requests[1].sequence(), 2u);
}

TEST_F(AgentLoopTest, ChangeIsReportedAtTheNextPoll) {
  Start();
  loop_->Tick();
  SetStatus("fake_host/scrubbing.txt");
  clock_.Set(kT0 + absl::Seconds(5));
  loop_->Tick();  // not time to poll yet
  EXPECT_EQ(link_.requests.size(), 1u);
  RunUntil(kT0 + absl::Seconds(10));
  loop_->Tick();
  ASSERT_EQ(link_.requests.size(), 2u);
  EXPECT_EQ(link_.requests[1].report_time(), Secs(absl::Seconds(10)));
  const v1::Pool* tank = FindPool(link_.requests[1], "tank");
  ASSERT_NE(tank, nullptr);
  EXPECT_EQ(tank->scan().function(), "scrub");
  EXPECT_EQ(tank->scan().state(), "scanning");
}

TEST_F(AgentLoopTest, ReportIntervalComesFromTheReply) {
  link_.script = {Reply(120), Reply(0), Reply(0)};
  Start();
  loop_->Tick();
  EXPECT_EQ(loop_->report_interval(), absl::Seconds(120));
  RunUntil(kT0 + absl::Seconds(119));
  EXPECT_EQ(link_.requests.size(), 1u);
  RunUntil(kT0 + absl::Seconds(120));
  loop_->Tick();
  ASSERT_EQ(link_.requests.size(), 2u);
  // A reply without an interval keeps the last one.
  EXPECT_EQ(loop_->report_interval(), absl::Seconds(120));
  RunUntil(kT0 + absl::Seconds(239));
  EXPECT_EQ(link_.requests.size(), 2u);
  RunUntil(kT0 + absl::Seconds(240));
  loop_->Tick();
  EXPECT_EQ(link_.requests.size(), 3u);
}

TEST_F(AgentLoopTest, CommandRunsOnceAndItsAckIsResentUntilDelivered) {
  dir_.Write("on_scrub.txt", ReadFile(std::string(ZFLEET_TESTDATA_DIR) + "/fake_host/scrubbing.txt"));
  const v1::Command start = Command("c1", v1::SCRUB_START, "tank");
  // The controller repeats c1 once (as if the ack were lost), then is satisfied.
  link_.script = {Reply(30, {start}), Reply(30, {start}), Reply(30)};
  Start();

  EXPECT_EQ(loop_->Tick(), kT0);  // a command ran: look again at once
  EXPECT_EQ(ZpoolCalls("scrub tank"), 1);

  loop_->Tick();
  ASSERT_EQ(link_.requests.size(), 2u);
  const v1::ReportRequest& with_ack = link_.requests[1];
  ASSERT_EQ(with_ack.acks_size(), 1);
  EXPECT_EQ(with_ack.acks(0).id(), "c1");
  EXPECT_TRUE(with_ack.acks(0).ok());
  EXPECT_EQ(with_ack.acks(0).executed_at(), absl::ToUnixSeconds(kT0));
  EXPECT_EQ(FindPool(with_ack, "tank")->scan().state(), "scanning");  // polled after the command

  loop_->Tick();  // the repeated c1 is answered, not run
  ASSERT_EQ(link_.requests.size(), 3u);
  ASSERT_EQ(link_.requests[2].acks_size(), 1);
  EXPECT_EQ(link_.requests[2].acks(0).id(), "c1");
  EXPECT_TRUE(link_.requests[2].acks(0).ok());
  EXPECT_EQ(ZpoolCalls("scrub tank"), 1);

  // Delivered: the next report carries no acks.
  RunUntil(kT0 + absl::Seconds(30));
  loop_->Tick();
  ASSERT_EQ(link_.requests.size(), 4u);
  EXPECT_EQ(link_.requests[3].acks_size(), 0);
  EXPECT_EQ(ZpoolCalls("scrub tank"), 1);
}

TEST_F(AgentLoopTest, FailedCommandIsAckedWithTheReason) {
  link_.script = {Reply(30, {Command("c1", v1::SCRUB_START, "ghost"),
                             Command("c2", v1::SCRUB_PAUSE, "tank")})};
  Start();
  loop_->Tick();
  loop_->Tick();
  ASSERT_EQ(link_.requests.size(), 2u);
  const v1::ReportRequest& r = link_.requests[1];
  ASSERT_EQ(r.acks_size(), 2);
  EXPECT_EQ(r.acks(0).id(), "c1");
  EXPECT_FALSE(r.acks(0).ok());
  EXPECT_THAT(r.acks(0).error(), HasSubstr("ghost"));
  EXPECT_EQ(r.acks(1).id(), "c2");
  EXPECT_FALSE(r.acks(1).ok());  // zfs-fuse cannot pause
  EXPECT_THAT(r.acks(1).error(), HasSubstr("pause"));
  EXPECT_EQ(ZpoolCalls("scrub ghost") + ZpoolCalls("scrub -p tank"), 0);
}

TEST_F(AgentLoopTest, AcksSurviveAFailedReport) {
  link_.script = {Reply(30, {Command("c1", v1::SCRUB_STOP, "tank")}),
                  absl::UnavailableError("connection refused"), Reply(30)};
  Start();
  RunUntil(kT0 + absl::Seconds(2));
  ASSERT_EQ(link_.requests.size(), 3u);
  EXPECT_EQ(link_.requests[1].acks_size(), 1);  // failed
  EXPECT_EQ(link_.requests[2].acks_size(), 1);  // retried with the same ack
  EXPECT_EQ(link_.requests[2].acks(0).id(), "c1");
  EXPECT_EQ(ZpoolCalls("scrub -s tank"), 1);
}

TEST_F(AgentLoopTest, BackOffDoublesUpToAMinuteAndResetsAfterSuccess) {
  link_.fallback = absl::UnavailableError("connection refused");
  Start();
  RunUntil(kT0 + absl::Seconds(184));
  std::vector<int64_t> gaps;
  for (size_t i = 1; i < link_.requests.size(); ++i) {
    gaps.push_back(link_.requests[i].report_time() - link_.requests[i - 1].report_time());
  }
  EXPECT_THAT(gaps, ElementsAre(1, 2, 4, 8, 16, 32, 60, 60));
  EXPECT_EQ(loop_->consecutive_failures(), 9);
  EXPECT_EQ(loop_->reports_sent(), 0);

  link_.fallback = Reply(30);
  RunUntil(kT0 + absl::Seconds(243));
  ASSERT_EQ(link_.requests.size(), 10u);
  EXPECT_EQ(link_.requests[9].report_time(), Secs(absl::Seconds(243)));
  EXPECT_EQ(loop_->consecutive_failures(), 0);
  EXPECT_EQ(loop_->reports_sent(), 1);

  // The next outage starts again at one second.
  link_.fallback = absl::UnavailableError("connection refused");
  RunUntil(kT0 + absl::Seconds(243 + 30 + 1 + 2));
  ASSERT_EQ(link_.requests.size(), 13u);
  EXPECT_EQ(link_.requests[10].report_time(), Secs(absl::Seconds(273)));
  EXPECT_EQ(link_.requests[11].report_time(), Secs(absl::Seconds(274)));
  EXPECT_EQ(link_.requests[12].report_time(), Secs(absl::Seconds(276)));
}

// After a failed report, a retry time that passes while nothing is due (the change that
// made the report due was undone) must not make Tick() answer "now" again and again: Run()
// would spin on the CPU until the next report.
TEST_F(AgentLoopTest, PassedRetryTimeWithNothingDueDoesNotSpin) {
  link_.script = {Reply(3600)};
  link_.fallback = absl::UnavailableError("connection refused");
  Start();
  loop_->Tick();                                  // reported; next report in an hour
  SetStatus("fake_host/scrubbing.txt");
  RunUntil(kT0 + absl::Seconds(10));
  loop_->Tick();                                  // the change is due; the report fails
  ASSERT_EQ(link_.requests.size(), 2u);
  SetStatus("fake_host/healthy.txt");             // and is undone before the next poll
  RunUntil(kT0 + absl::Seconds(24));              // retries at 11, 13, 17 s; polls at 20 s
  ASSERT_EQ(link_.requests.size(), 5u);
  // Nothing is due before the next poll: never "now" again and again.
  int immediate = 0;
  for (int i = 0; i < 50; ++i) {
    const absl::Time now = clock_.Now();
    const absl::Time next = loop_->Tick();
    if (next <= now) ++immediate;
    clock_.Set(std::max(next, now));
  }
  EXPECT_LT(immediate, 5) << "Tick() returned the current time " << immediate
                          << " times in a row while nothing was due";
}

TEST_F(AgentLoopTest, StackChecksAreReportedAndRerunOnlyAfterTheirInterval) {
  config_.stack_check_interval = absl::Minutes(10);
  link_.fallback = Reply(3600);
  Start();
  loop_->Tick();
  EXPECT_EQ(stack_runs_, 1);
  ASSERT_EQ(link_.requests.size(), 1u);
  ASSERT_EQ(link_.requests[0].host().stack_checks_size(), 1);
  EXPECT_EQ(link_.requests[0].host().stack_checks(0).name(), "zfs-module-loaded");
  EXPECT_EQ(link_.requests[0].host().stack_checks(0).level(), "ok");

  checks_ = {Check("zfs-module-loaded", "fail")};
  RunUntil(kT0 + absl::Minutes(10) - absl::Seconds(1));
  EXPECT_EQ(stack_runs_, 1);
  EXPECT_EQ(link_.requests.size(), 1u);

  RunUntil(kT0 + absl::Minutes(10));
  loop_->Tick();
  EXPECT_EQ(stack_runs_, 2);
  ASSERT_EQ(link_.requests.size(), 2u);  // a changed check is a change: reported at once
  EXPECT_EQ(link_.requests[1].report_time(), Secs(absl::Minutes(10)));
  EXPECT_EQ(link_.requests[1].host().stack_checks(0).level(), "fail");
}

TEST_F(AgentLoopTest, WithoutStackCheckerTheLoopStillRuns) {
  with_stack_checker_ = false;
  Start();
  EXPECT_EQ(loop_->Tick(), kT0 + absl::Seconds(10));
  ASSERT_EQ(link_.requests.size(), 1u);
  EXPECT_EQ(link_.requests[0].host().stack_checks_size(), 0);
}

TEST_F(AgentLoopTest, ZpoolFailureInvalidatesPoolsUntilItRecovers) {
  Start();
  loop_->Tick();
  dir_.Write("fail.txt", "cannot connect to zfs-fuse: Connection refused\n");
  RunUntil(kT0 + absl::Seconds(10));
  loop_->Tick();
  ASSERT_EQ(link_.requests.size(), 2u);
  const v1::ReportRequest& failed = link_.requests[1];
  EXPECT_FALSE(failed.pools_valid());
  EXPECT_THAT(failed.collect_error(), HasSubstr("cannot connect to zfs-fuse"));
  EXPECT_EQ(failed.pools_size(), 0);

  std::filesystem::remove(dir_.File("fail.txt"));
  RunUntil(kT0 + absl::Seconds(20));
  loop_->Tick();
  ASSERT_EQ(link_.requests.size(), 3u);
  const v1::ReportRequest& back = link_.requests[2];
  EXPECT_TRUE(back.pools_valid());
  EXPECT_EQ(back.collect_error(), "");
  EXPECT_THAT(PoolNames(back), ElementsAre("tank", "fast"));
}

}  // namespace
}  // namespace zfleet::agent

namespace zfleet::agent {
namespace {

TEST_F(AgentLoopTest, ChangesSeenWhileTheControllerIsAwayArriveInOrderDatedWhenSeen) {
  link_.fallback = absl::UnavailableError("connection refused");
  Start();
  loop_->Tick();                                   // T0: healthy; the report fails
  SetStatus("fake_host/scrubbing.txt");
  RunUntil(kT0 + absl::Seconds(10));
  loop_->Tick();                                   // T0+10: scrubbing
  SetStatus("fake_host/healthy.txt");
  RunUntil(kT0 + absl::Seconds(20));
  loop_->Tick();                                   // T0+20: healthy again
  EXPECT_EQ(agent_->outbox().size(), 3u);
  const size_t failed = link_.requests.size();

  link_.fallback = Reply(30);
  RunUntil(kT0 + absl::Seconds(90));
  ASSERT_GE(link_.requests.size(), failed + 3);
  std::vector<uint64_t> sequences;
  std::vector<int64_t> observed;
  std::vector<uint32_t> backlog;
  for (size_t i = failed; i < failed + 3; ++i) {
    sequences.push_back(link_.requests[i].sequence());
    observed.push_back(link_.requests[i].observed_at());
    backlog.push_back(link_.requests[i].backlog());
    EXPECT_EQ(link_.requests[i].stream_id(), "test-stream");
  }
  EXPECT_THAT(sequences, ElementsAre(1, 2, 3));
  EXPECT_THAT(observed, ElementsAre(Secs(absl::ZeroDuration()), Secs(absl::Seconds(10)),
                                    Secs(absl::Seconds(20))));
  EXPECT_THAT(backlog, ElementsAre(2, 1, 0));
  EXPECT_EQ(FindPool(link_.requests[failed + 1], "tank")->scan().state(), "scanning");
  EXPECT_TRUE(agent_->outbox().empty());
}

TEST_F(AgentLoopTest, AnObservationWhoseAnswerWasLostIsSentAgainUnderItsNumber) {
  link_.script = {absl::DeadlineExceededError("deadline exceeded")};
  link_.fallback = Reply(30);
  Start();
  RunUntil(kT0 + absl::Seconds(5));
  ASSERT_GE(link_.requests.size(), 2u);
  EXPECT_EQ(link_.requests[0].sequence(), 1u);
  EXPECT_EQ(link_.requests[1].sequence(), 1u);
  EXPECT_EQ(link_.requests[1].observed_at(), link_.requests[0].observed_at());
}

TEST_F(AgentLoopTest, AnObservationTheControllerRefusesIsDroppedNotRetriedForever) {
  link_.script = {absl::InvalidArgumentError("report over the limits")};
  link_.fallback = Reply(30);
  Start();
  loop_->Tick();
  loop_->Tick();
  ASSERT_EQ(link_.requests.size(), 2u);
  EXPECT_EQ(link_.requests[0].sequence(), 1u);
  EXPECT_EQ(link_.requests[1].sequence(), 2u);
  EXPECT_TRUE(agent_->outbox().empty());
}

// A link that may be called from the loop's thread while the test reads what it got.
class SharedLink final : public ControllerLink {
 public:
  absl::StatusOr<v1::ReportResponse> Report(const v1::ReportRequest& request) override {
    absl::MutexLock lock(&mu_);
    requests_.push_back(request);
    return Reply(1);
  }
  // Waits (at most `limit`) for a report that satisfies `pred`.
  bool WaitFor(const std::function<bool(const v1::ReportRequest&)>& pred, absl::Duration limit) {
    const absl::Time end = absl::Now() + limit;
    while (absl::Now() < end) {
      {
        absl::MutexLock lock(&mu_);
        for (size_t i = seen_; i < requests_.size(); ++i) {
          if (pred(requests_[i])) {
            seen_ = i + 1;
            return true;
          }
        }
        seen_ = requests_.size();
      }
      absl::SleepFor(absl::Milliseconds(50));
    }
    return false;
  }

 private:
  absl::Mutex mu_;
  std::vector<v1::ReportRequest> requests_ ABSL_GUARDED_BY(mu_);
  size_t seen_ ABSL_GUARDED_BY(mu_) = 0;
};

// An agent whose controller has been away longer than the last policy allows scrubs its
// due pool itself (once, within max_per_host), reports it once the controller is back, and
// stops carrying it once a reply accepted it.
TEST_F(AgentLoopTest, AwayLongerThanThePolicyAllowsItScrubsAloneAndReportsItOnceBack) {
  PolicyStore policies = PolicyStore::Open("");
  absl::StatusOr<AutonomousScrubber> scrubber =
      AutonomousScrubber::Open({&zpool_, &policies, "nas1", [this] { return load_; }}, "");
  ASSERT_TRUE(scrubber.ok()) << scrubber.status();
  autonomy_ = std::make_unique<AutonomyHandoff>(&policies, &*scrubber);
  v1::ReportResponse with_policy = Reply(30);
  v1::AgentPolicy& policy = *with_policy.mutable_policy();
  policy.set_autonomous_after_s(600);
  policy.set_timezone("UTC");
  policy.set_max_per_host(1);
  policy.set_load_threshold(8);
  link_.fallback = with_policy;
  config_.poll_interval = absl::Minutes(1);  // each read runs the fake zpool: few of them
  Start();

  RunUntil(kT0 + absl::Minutes(2));
  EXPECT_EQ(ZpoolCalls("scrub tank") + ZpoolCalls("scrub fast"), 0) << "the controller answers";
  const absl::Time away_from = kT0 + absl::Minutes(2);
  link_.fallback = absl::UnavailableError("controller away");
  RunUntil(away_from + absl::Minutes(9));
  EXPECT_EQ(ZpoolCalls("scrub tank") + ZpoolCalls("scrub fast"), 0) << "not away long enough";
  RunUntil(away_from + absl::Minutes(13));
  // tank's last scrub is months old; fast was never scrubbed but is new to this policy (its
  // due time is spread over an interval from the last contact): tank alone, once.
  EXPECT_EQ(ZpoolCalls("scrub tank"), 1);
  EXPECT_EQ(ZpoolCalls("scrub fast"), 0);
  RunUntil(away_from + absl::Minutes(20));
  EXPECT_EQ(ZpoolCalls("scrub tank"), 1) << "started once, not on every poll";

  const size_t sent_before_return = link_.requests.size();
  link_.fallback = with_policy;
  RunUntil(away_from + absl::Minutes(22));
  ASSERT_GT(link_.requests.size(), sent_before_return);
  const v1::ReportRequest& first_back = link_.requests[sent_before_return];
  ASSERT_EQ(first_back.agent_scrubs_size(), 1) << first_back.DebugString();
  EXPECT_EQ(first_back.agent_scrubs(0).pool(), "tank");
  EXPECT_GE(first_back.agent_scrubs(0).started_at(), Secs(absl::Minutes(2 + 10)));
  EXPECT_LE(first_back.agent_scrubs(0).started_at(), Secs(absl::Minutes(2 + 13)));
  EXPECT_EQ(first_back.agent_scrubs(0).error(), "");

  // Accepted: a later report (after the next read hands that over) carries it no more.
  RunUntil(away_from + absl::Minutes(25));
  ASSERT_FALSE(link_.requests.empty());
  EXPECT_EQ(link_.requests.back().agent_scrubs_size(), 0) << link_.requests.back().DebugString();
  EXPECT_TRUE(scrubber->Pending().empty());
  EXPECT_EQ(ZpoolCalls("scrub tank"), 1);
}

TEST(ThreadCollectorTest, AHungZpoolNeverStopsReportsAndIsReportedAsSuch) {
  zfleet::testing::TempDir dir;
  const std::string zpool_path =
      zfleet::testing::InstallFakeZpool(dir, "fake_host/list.txt", "fake_host/healthy.txt");
  SubprocessRunner runner;
  ZpoolClient zpool(&runner, zpool_path, absl::Seconds(20));
  AgentConfig config;
  HostReader reader(HostReaderDeps{&zpool, nullptr, {}}, config, StatusParseOptions{});
  std::atomic<AgentLoop*> loop_ref{nullptr};
  CommandJournal journal = CommandJournal::InMemory();
  ThreadCollector collector(
      &reader, [&](const v1::Command& c, absl::Time t) { loop_ref.load()->Execute(c, t); },
      CollectorTiming{absl::Milliseconds(200), absl::Minutes(10), absl::Milliseconds(500)},
      &SystemClock::Get(), [&] {
        if (AgentLoop* loop = loop_ref.load()) loop->Wake();
      });
  SharedLink link;
  auto outbox = Outbox::InMemory("stream");
  AgentDeps deps;
  deps.clock = &SystemClock::Get();
  deps.collector = &collector;
  deps.link = &link;
  deps.outbox = outbox.get();
  deps.journal = &journal;
  deps.zpool = &zpool;
  AgentLoop loop(std::move(deps), config, AgentIdentity{"nas1", "i", "nas1", "t"});
  loop_ref.store(&loop);
  std::thread runner_thread([&] { loop.Run(); });

  EXPECT_TRUE(link.WaitFor([](const v1::ReportRequest& r) { return r.pools_valid(); },
                           absl::Seconds(20)));
  dir.Write("hang.txt", "");
  const absl::Time hung_at = absl::Now();
  EXPECT_TRUE(link.WaitFor(
      [](const v1::ReportRequest& r) {
        return r.zpool().not_answering_since() != 0 && !r.pools_valid() &&
               absl::StrContains(r.collect_error(), "zpool not answering since");
      },
      absl::Seconds(20)));
  // While zpool hangs the host keeps reporting (the periodic report every second).
  EXPECT_TRUE(link.WaitFor(
      [&](const v1::ReportRequest& r) {
        return r.zpool().not_answering_since() != 0 &&
               absl::FromUnixSeconds(r.report_time()) >= hung_at + absl::Seconds(2);
      },
      absl::Seconds(20)));
  std::filesystem::remove(dir.File("hang.txt"));
  EXPECT_TRUE(link.WaitFor(
      [](const v1::ReportRequest& r) {
        return r.zpool().not_answering_since() == 0 && r.pools_valid();
      },
      absl::Seconds(20)));
  loop.Stop();
  runner_thread.join();
  EXPECT_TRUE(collector.Stop(absl::Seconds(10)));
}

TEST(ThreadCollectorTest, StopGivesUpWithinItsGraceWhileZpoolHangs) {
  zfleet::testing::TempDir dir;
  const std::string zpool_path =
      zfleet::testing::InstallFakeZpool(dir, "fake_host/list.txt", "fake_host/healthy.txt");
  dir.Write("hang.txt", "");
  SubprocessRunner runner;
  ZpoolClient zpool(&runner, zpool_path, absl::Seconds(30));
  HostReader reader(HostReaderDeps{&zpool, nullptr, {}}, AgentConfig{}, StatusParseOptions{});
  ThreadCollector collector(&reader, [](const v1::Command&, absl::Time) {},
                            CollectorTiming{}, &SystemClock::Get(), nullptr);
  absl::SleepFor(absl::Milliseconds(500));  // the first read is under way, and hangs
  const absl::Time start = absl::Now();
  EXPECT_FALSE(collector.Stop(absl::Seconds(1)));
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  std::filesystem::remove(dir.File("hang.txt"));  // so the destructor's wait ends
}

}  // namespace
}  // namespace zfleet::agent
