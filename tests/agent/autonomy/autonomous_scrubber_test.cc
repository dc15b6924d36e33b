#include "agent/autonomy/autonomous_scrubber.h"

#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/agent/autonomy/autonomy_fixtures.h"
#include "tests/testing/fake_command_runner.h"
#include "tests/testing/temp_dir.h"

namespace zfleet::agent {
namespace {

using testing::ClassPool;
using ::testing::Contains;
using testing::Days;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::kNow;
using ::testing::Not;
using testing::Scanning;
using testing::Unix;
using testing::WirePolicy;
using zfleet::testing::FakeCommandRunner;
using zfleet::testing::TempDir;

// A host with pools tank (sata, last scrubbed 8 days ago: due) and bulk (sas, 8 days ago:
// not due), a zpool that scrubs (and pauses and stops) tank and refuses bulk, and the
// default policy received at kNow - 30h from a controller unreachable since.
class AutonomousScrubberTest : public ::testing::Test {
 protected:
  void SetUp() override {
    runner_.Answer("zpool list -?", "", 2);
    runner_.Answer("zpool status -?", "", 2);
    runner_.Answer("zpool scrub -?", "usage:\n\tscrub [-s | -p] <pool> ...\n", 2);
    runner_.Answer("zpool list -H", "tank\t1G\nbulk\t1G\n");
    runner_.Answer("zpool status -v", "");
    for (const char* flag : {"", "-p ", "-s "}) {
      runner_.Answer(absl::StrCat("zpool scrub ", flag, "tank"), "");
    }
    runner_.Answer("zpool scrub bulk", "", 1, "cannot scrub bulk: out of cheese\n");
    ASSERT_TRUE(zpool_.Collect().ok());
    ASSERT_TRUE(policies_.Accept(WirePolicy(), kContact).ok());
    pools_ = {ClassPool("tank", "sata", kNow - Days(8)), ClassPool("bulk", "sas", kNow - Days(8))};
  }

  AutonomousScrubber Open() {
    absl::StatusOr<AutonomousScrubber> s =
        AutonomousScrubber::Open({&zpool_, &policies_, "h1", nullptr}, dir_.path());
    EXPECT_TRUE(s.ok()) << s.status();
    return *std::move(s);
  }
  std::vector<std::string> Scrubs() const {
    std::vector<std::string> out;
    for (const std::string& call : runner_.calls()) {
      if (absl::StartsWith(call, "zpool scrub ") && !absl::EndsWith(call, "-?")) {
        out.push_back(call);
      }
    }
    return out;
  }
  static std::vector<std::string> PoolsOf(const std::vector<v1::AgentScrub>& scrubs) {
    std::vector<std::string> out;
    for (const v1::AgentScrub& s : scrubs) out.push_back(s.pool());
    return out;
  }

  const absl::Time kContact = kNow - absl::Hours(30);
  TempDir dir_;
  FakeCommandRunner runner_;
  ZpoolClient zpool_{&runner_, "zpool", absl::Seconds(5)};
  PolicyStore policies_ = PolicyStore::Open("");
  std::vector<v1::Pool> pools_;
};

TEST_F(AutonomousScrubberTest, ActsOnlyOnceTheControllerIsAwayLongerThanThePolicySays) {
  AutonomousScrubber scrubber = Open();
  auto started = scrubber.MaybeScrub(pools_, kNow, kNow - absl::Hours(23));
  ASSERT_TRUE(started.ok()) << started.status();
  EXPECT_THAT(*started, IsEmpty());
  started = scrubber.MaybeScrub(pools_, kNow, kNow - absl::Hours(24));
  EXPECT_THAT(*started, IsEmpty()) << "exactly autonomous_after is not longer";
  EXPECT_THAT(Scrubs(), IsEmpty());

  started = scrubber.MaybeScrub(pools_, kNow, kContact);
  ASSERT_TRUE(started.ok()) << started.status();
  ASSERT_THAT(PoolsOf(*started), ElementsAre("tank"));
  EXPECT_EQ((*started)[0].started_at(), Unix(kNow));
  EXPECT_EQ((*started)[0].error(), "");
  EXPECT_THAT(Scrubs(), ElementsAre("zpool scrub tank"));
  EXPECT_THAT(PoolsOf(scrubber.Pending()), ElementsAre("tank"));
}

TEST_F(AutonomousScrubberTest, NeverWithoutAPolicyOrWhenThePolicySaysNever) {
  PolicyStore none = PolicyStore::Open("");
  auto scrubber = AutonomousScrubber::Open({&zpool_, &none, "h1", nullptr}, "");
  ASSERT_TRUE(scrubber.ok());
  EXPECT_THAT(*scrubber->MaybeScrub(pools_, kNow, kNow - Days(60)), IsEmpty());
  v1::AgentPolicy never = WirePolicy();
  never.set_autonomous_after_s(0);
  ASSERT_TRUE(none.Accept(never, kNow - Days(60)).ok());
  EXPECT_THAT(*scrubber->MaybeScrub(pools_, kNow, kNow - Days(60)), IsEmpty());
  EXPECT_THAT(Scrubs(), IsEmpty());
}

TEST_F(AutonomousScrubberTest, ObeysTheLoadThresholdThroughItsReader) {
  auto scrubber = AutonomousScrubber::Open(
      {&zpool_, &policies_, "h1", [] { return std::optional<double>(12.0); }}, "");
  ASSERT_TRUE(scrubber.ok());
  EXPECT_THAT(*scrubber->MaybeScrub(pools_, kNow, kContact), IsEmpty());
}

TEST_F(AutonomousScrubberTest, APendingScrubSurvivesARestartUntilDelivered) {
  {
    AutonomousScrubber scrubber = Open();
    ASSERT_THAT(PoolsOf(*scrubber.MaybeScrub(pools_, kNow, kContact)), ElementsAre("tank"));
  }
  EXPECT_FALSE(std::filesystem::exists(dir_.File("agent_scrubs.json.tmp")));
  AutonomousScrubber reopened = Open();
  ASSERT_THAT(PoolsOf(reopened.Pending()), ElementsAre("tank"));
  EXPECT_EQ(reopened.Pending()[0].started_at(), Unix(kNow));

  // The next poll shows the scrub under way: it is not started again, and the cap holds.
  pools_[0] = Scanning(pools_[0], "scrub", kNow);
  auto started = reopened.MaybeScrub(pools_, kNow + absl::Minutes(1), kContact);
  ASSERT_TRUE(started.ok()) << started.status();
  EXPECT_THAT(*started, IsEmpty());
  EXPECT_THAT(Scrubs(), ElementsAre("zpool scrub tank"));
  ASSERT_TRUE(reopened.Pending()[0].has_last_scan());
  EXPECT_EQ(reopened.Pending()[0].last_scan().state(), "scanning");

  // Delivered: dropped, also from the file.
  ASSERT_TRUE(reopened.ConfirmDelivered(1).ok());
  EXPECT_THAT(reopened.Pending(), IsEmpty());
  EXPECT_THAT(Open().Pending(), IsEmpty());
}

TEST_F(AutonomousScrubberTest, KeepsTheOutcomeTheAgentSawUntilDelivered) {
  AutonomousScrubber scrubber = Open();
  ASSERT_THAT(PoolsOf(*scrubber.MaybeScrub(pools_, kNow, kContact)), ElementsAre("tank"));
  v1::Pool done = ClassPool("tank", "sata", kNow + absl::Seconds(2));
  done.mutable_scan()->set_bytes_repaired(4096);
  pools_[0] = done;
  ASSERT_TRUE(scrubber.MaybeScrub(pools_, kNow + absl::Hours(2), kContact).ok());
  AutonomousScrubber reopened = Open();
  ASSERT_EQ(reopened.Pending().size(), 1u);
  const v1::Scan& seen = reopened.Pending()[0].last_scan();
  EXPECT_EQ(seen.state(), "finished");
  EXPECT_EQ(seen.end_time(), Unix(kNow + absl::Seconds(2) + absl::Hours(1)));
  EXPECT_EQ(seen.bytes_repaired(), 4096u);
}

TEST_F(AutonomousScrubberTest, AFailedStartIsReportedAndNotRetriedAtOnce) {
  pools_[1] = ClassPool("bulk", "sas", kNow - Days(40));  // due, and older than tank
  AutonomousScrubber scrubber = Open();
  auto started = scrubber.MaybeScrub(pools_, kNow, kContact);
  ASSERT_TRUE(started.ok()) << started.status();
  ASSERT_THAT(PoolsOf(*started), ElementsAre("bulk"));
  EXPECT_THAT((*started)[0].error(), HasSubstr("out of cheese"));
  // A failed start holds no cap: tank may go next, bulk waits kRetryAfter.
  started = scrubber.MaybeScrub(pools_, kNow + absl::Minutes(1), kContact);
  EXPECT_THAT(PoolsOf(*started), ElementsAre("tank"));
  pools_[0] = Scanning(pools_[0], "scrub", kNow + absl::Minutes(1));
  pools_[0].mutable_scan()->set_state("finished");
  pools_[0].mutable_scan()->set_end_time(Unix(kNow + absl::Minutes(20)));
  started = scrubber.MaybeScrub(pools_, kNow + absl::Minutes(30), kContact);
  EXPECT_THAT(*started, IsEmpty());
  started = scrubber.MaybeScrub(pools_, kNow + absl::Minutes(61), kContact);
  EXPECT_THAT(PoolsOf(*started), ElementsAre("bulk"));
  EXPECT_THAT(Scrubs(), ElementsAre("zpool scrub bulk", "zpool scrub tank", "zpool scrub bulk"));
  EXPECT_THAT(PoolsOf(scrubber.Pending()), ElementsAre("bulk", "tank", "bulk"));
}

TEST_F(AutonomousScrubberTest, AStartNotYetVisibleCountsTowardTheCap) {
  pools_[1] = ClassPool("bulk", "sas", kNow - Days(40));
  runner_.Answer("zpool scrub bulk", "");
  AutonomousScrubber scrubber = Open();
  ASSERT_THAT(PoolsOf(*scrubber.MaybeScrub(pools_, kNow, kContact)), ElementsAre("bulk"));
  // The same pools again (read before the start): tank must wait for the cap.
  EXPECT_THAT(*scrubber.MaybeScrub(pools_, kNow + absl::Seconds(10), kContact), IsEmpty());
  EXPECT_THAT(Scrubs(), Not(Contains("zpool scrub tank")));
}

TEST_F(AutonomousScrubberTest, ACorruptFileIsNoPendingScrub) {
  dir_.Write("agent_scrubs.json", "{\"agent_scrubs\": [{\"pool\": \"tank\", \"star");
  EXPECT_THAT(Open().Pending(), IsEmpty());
}

TEST_F(AutonomousScrubberTest, AFileThatCannotBeWrittenIsAnError) {
  auto scrubber =
      AutonomousScrubber::Open({&zpool_, &policies_, "h1", nullptr}, dir_.File("missing"));
  ASSERT_TRUE(scrubber.ok());
  auto started = scrubber->MaybeScrub(pools_, kNow, kContact);
  EXPECT_EQ(started.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(PoolsOf(scrubber->Pending()), ElementsAre("tank")) << "kept in memory";
}

// The policy with SATA windows on weekday nights and `at_window_end`.
v1::AgentPolicy NightlyPolicy(const std::string& at_window_end) {
  v1::AgentPolicy policy = WirePolicy();
  policy.mutable_classes(0)->add_windows("Mon-Fri 01:00-05:00");
  policy.set_at_window_end(at_window_end);
  return policy;
}

TEST_F(AutonomousScrubberTest, PausesItsScrubAtTheWindowsEndAndResumesItWhenItOpens) {
  ASSERT_TRUE(policies_.Accept(NightlyPolicy("pause"), kContact).ok());
  const absl::Time night = kNow - absl::Hours(10);  // Wednesday 02:00
  AutonomousScrubber scrubber = Open();
  ASSERT_THAT(PoolsOf(*scrubber.MaybeScrub(pools_, night, kContact - Days(1))),
              ElementsAre("tank"));
  pools_[0] = Scanning(pools_[0], "scrub", night);
  // Still in the window: nothing to do.
  ASSERT_TRUE(scrubber.MaybeScrub(pools_, night + absl::Hours(2), kContact - Days(1)).ok());
  EXPECT_THAT(Scrubs(), ElementsAre("zpool scrub tank"));
  // 05:10: the window closed.
  ASSERT_TRUE(scrubber.MaybeScrub(pools_, night + absl::Minutes(190), kContact - Days(1)).ok());
  EXPECT_THAT(Scrubs(), ElementsAre("zpool scrub tank", "zpool scrub -p tank"));
  EXPECT_TRUE(scrubber.Pending()[0].paused_at_window_end());
  EXPECT_TRUE(Open().Pending()[0].paused_at_window_end()) << "kept on disk";
  // Paused, the window still closed: it stays paused, and the paused scrub holds no cap.
  pools_[0].mutable_scan()->set_state("paused");
  ASSERT_TRUE(scrubber.MaybeScrub(pools_, kNow, kContact - Days(1)).ok());
  EXPECT_EQ(Scrubs().size(), 2u);
  // Thursday 01:30: the window is open again: resumed, and nothing else starts beside it.
  pools_.push_back(ClassPool("more", "sata", kNow - Days(20)));
  runner_.Answer("zpool list -H", "tank\t1G\nbulk\t1G\nmore\t1G\n");
  ASSERT_TRUE(zpool_.Collect().ok());
  const absl::Time thursday = night + absl::Hours(23) + absl::Minutes(30);
  auto started = scrubber.MaybeScrub(pools_, thursday, kContact - Days(1));
  ASSERT_TRUE(started.ok()) << started.status();
  EXPECT_THAT(*started, IsEmpty());
  EXPECT_THAT(Scrubs(), ElementsAre("zpool scrub tank", "zpool scrub -p tank", "zpool scrub tank"));
  EXPECT_FALSE(scrubber.Pending()[0].paused_at_window_end());
}

TEST_F(AutonomousScrubberTest, StopsOrLeavesItsScrubAtTheWindowsEndAsThePolicySays) {
  const absl::Time night = kNow - absl::Hours(10);  // Wednesday 02:00
  for (const std::string action : {"stop", "continue"}) {
    ASSERT_TRUE(policies_.Accept(NightlyPolicy(action), kContact).ok());
    AutonomousScrubber scrubber =
        *AutonomousScrubber::Open({&zpool_, &policies_, "h1", nullptr}, "");
    ASSERT_THAT(PoolsOf(*scrubber.MaybeScrub(pools_, night, kContact - Days(1))),
                ElementsAre("tank"))
        << action;
    std::vector<v1::Pool> later = pools_;
    later[0] = Scanning(pools_[0], "scrub", night);
    ASSERT_TRUE(scrubber.MaybeScrub(later, kNow, kContact - Days(1)).ok());
    EXPECT_FALSE(scrubber.Pending()[0].paused_at_window_end());
  }
  EXPECT_THAT(Scrubs(), ElementsAre("zpool scrub tank", "zpool scrub -s tank", "zpool scrub tank"));
}

TEST_F(AutonomousScrubberTest, AZpoolThatCannotPauseLetsTheScrubRun) {
  FakeCommandRunner legacy;
  for (const char* cmd : {"list", "status", "scrub"}) {
    legacy.Answer(absl::StrCat("zpool ", cmd, " -?"), "", 2);
  }
  legacy.Answer("zpool list -H", "tank\t1G\n");
  legacy.Answer("zpool status -v", "");
  legacy.Answer("zpool scrub tank", "");
  ZpoolClient zpool(&legacy, "zpool", absl::Seconds(5));
  ASSERT_TRUE(zpool.Collect().ok());
  ASSERT_TRUE(policies_.Accept(NightlyPolicy("pause"), kContact).ok());
  auto scrubber = AutonomousScrubber::Open({&zpool, &policies_, "h1", nullptr}, "");
  ASSERT_TRUE(scrubber.ok());
  const absl::Time night = kNow - absl::Hours(10);
  ASSERT_THAT(PoolsOf(*scrubber->MaybeScrub({pools_[0]}, night, kContact - Days(1))),
              ElementsAre("tank"));
  ASSERT_TRUE(
      scrubber->MaybeScrub({Scanning(pools_[0], "scrub", night)}, kNow, kContact - Days(1)).ok());
  EXPECT_FALSE(scrubber->Pending()[0].paused_at_window_end());
  EXPECT_THAT(legacy.calls(), Not(Contains("zpool scrub -p tank")));
}

}  // namespace
}  // namespace zfleet::agent
