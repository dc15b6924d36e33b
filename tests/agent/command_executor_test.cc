#include "agent/command_executor.h"

#include <filesystem>
#include <optional>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "agent/command_journal.h"
#include "agent/host/command_runner.h"
#include "agent/zpool/zpool_client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace zfleet::agent {
namespace {

using ::testing::HasSubstr;
using ::zfleet::testing::ReadFile;
using ::zfleet::testing::TempDir;

const absl::Time kExecutorT0 = absl::FromUnixSeconds(1'800'000'000);  // 2027-01-15T08:00:00Z

v1::Command Start(const std::string& id, const std::string& pool = "tank", int64_t expires_at = 0) {
  v1::Command command;
  command.set_id(id);
  command.set_kind(v1::SCRUB_START);
  command.set_pool(pool);
  command.set_expires_at(expires_at);
  return command;
}

// The executor over the fake zpool script (tests/testing/fake_zpool.sh) and a journal in
// the test's directory, which a test may reopen as a restarted agent would.
class CommandExecutorTest : public ::testing::Test {
 protected:
  CommandExecutorTest()
      : zpool_path_(
            zfleet::testing::InstallFakeZpool(dir_, "fake_host/list.txt", "fake_host/healthy.txt")),
        zpool_(&runner_, zpool_path_, absl::Seconds(10)) {
    std::filesystem::create_directory(dir_.File("state"));
    OpenJournal();
    // Commands act only on pools the agent discovered.
    EXPECT_TRUE(zpool_.Collect().ok());
  }

  void OpenJournal() {
    absl::StatusOr<CommandJournal> journal = CommandJournal::Open(dir_.File("state"));
    ASSERT_TRUE(journal.ok()) << journal.status();
    journal_.emplace(*std::move(journal));
  }

  void Execute(const v1::Command& command, absl::Time now) {
    CommandExecutor(&zpool_, &*journal_).Execute(command, now);
  }

  // `zpool scrub` runs, the probe of its usage (`scrub -?`) left out.
  int ScrubCalls() const {
    int n = 0;
    for (absl::string_view line : absl::StrSplit(ReadFile(dir_.File("calls.log")), '\n')) {
      n += absl::StartsWith(line, "scrub ") && line != "scrub -?";
    }
    return n;
  }

  // The last queued ack; fails the test when none is queued.
  v1::CommandAck LastAck() const {
    EXPECT_FALSE(journal_->PendingAcks().empty());
    return journal_->PendingAcks().empty() ? v1::CommandAck() : journal_->PendingAcks().back();
  }

  TempDir dir_;
  const std::string zpool_path_;
  SubprocessRunner runner_;
  ZpoolClient zpool_;
  std::optional<CommandJournal> journal_;
};

TEST_F(CommandExecutorTest, RunsANewCommandOnceAndAcksWhenItRan) {
  Execute(Start("c1"), kExecutorT0);
  EXPECT_EQ(ScrubCalls(), 1);
  const v1::CommandAck ack = LastAck();
  EXPECT_EQ(ack.id(), "c1");
  EXPECT_TRUE(ack.ok()) << ack.error();
  EXPECT_FALSE(ack.expired());
  EXPECT_EQ(ack.executed_at(), absl::ToUnixSeconds(kExecutorT0));
}

TEST_F(CommandExecutorTest, RepeatedCommandIsAnsweredFromTheJournalNotRunAgain) {
  Execute(Start("c1"), kExecutorT0);
  journal_->ConfirmDelivered(1);
  Execute(Start("c1"), kExecutorT0 + absl::Minutes(5));
  EXPECT_EQ(ScrubCalls(), 1);
  EXPECT_EQ(LastAck().executed_at(), absl::ToUnixSeconds(kExecutorT0));

  // The same after a restart: the journal on disk answers, with the original time.
  OpenJournal();
  Execute(Start("c1"), kExecutorT0 + absl::Minutes(10));
  EXPECT_EQ(ScrubCalls(), 1);
  const v1::CommandAck ack = LastAck();
  EXPECT_TRUE(ack.ok());
  EXPECT_EQ(ack.executed_at(), absl::ToUnixSeconds(kExecutorT0));
}

TEST_F(CommandExecutorTest, ExpiredCommandIsNotRunAndSaysWhen) {
  const int64_t expires_at = absl::ToUnixSeconds(kExecutorT0);
  Execute(Start("late", "tank", expires_at), kExecutorT0 + absl::Seconds(1));
  EXPECT_EQ(ScrubCalls(), 0);
  const v1::CommandAck ack = LastAck();
  EXPECT_FALSE(ack.ok());
  EXPECT_TRUE(ack.expired());
  EXPECT_EQ(ack.error(), "expired at 2027-01-15T08:00:00Z before it ran");
  EXPECT_EQ(ack.executed_at(), expires_at + 1);

  // Repeated, even after a restart: still refused, the same answer, never run.
  OpenJournal();
  Execute(Start("late", "tank", expires_at), kExecutorT0 + absl::Hours(1));
  EXPECT_EQ(ScrubCalls(), 0);
  EXPECT_EQ(LastAck().DebugString(), ack.DebugString());
}

TEST_F(CommandExecutorTest, CommandRunsUpToItsExpiryAndWithoutOne) {
  Execute(Start("at-expiry", "tank", absl::ToUnixSeconds(kExecutorT0)), kExecutorT0);
  EXPECT_TRUE(LastAck().ok()) << LastAck().error();
  Execute(Start("never-expires", "fast", 0), kExecutorT0 + absl::Hours(24 * 365));
  EXPECT_TRUE(LastAck().ok()) << LastAck().error();
  EXPECT_EQ(ScrubCalls(), 2);
}

TEST_F(CommandExecutorTest, ZpoolFailureIsRecordedAndNotRetried) {
  dir_.Write("fail.txt", "cannot scrub tank: pool I/O is currently suspended");
  Execute(Start("c1"), kExecutorT0);
  EXPECT_EQ(ScrubCalls(), 1);
  const v1::CommandAck ack = LastAck();
  EXPECT_FALSE(ack.ok());
  EXPECT_FALSE(ack.expired());
  EXPECT_THAT(ack.error(), HasSubstr("currently suspended"));
  EXPECT_EQ(ack.executed_at(), absl::ToUnixSeconds(kExecutorT0));

  OpenJournal();
  Execute(Start("c1"), kExecutorT0 + absl::Minutes(1));
  EXPECT_EQ(ScrubCalls(), 1);
  EXPECT_THAT(LastAck().error(), HasSubstr("currently suspended"));
}

TEST_F(CommandExecutorTest, CommandBegunBeforeACrashIsNeverRunAgain) {
  const absl::Time began = kExecutorT0 - absl::Minutes(2);
  ASSERT_TRUE(journal_->Begin(Start("c1"), began).ok());  // then the agent was killed
  OpenJournal();
  Execute(Start("c1"), kExecutorT0);
  EXPECT_EQ(ScrubCalls(), 0);
  const v1::CommandAck ack = LastAck();
  EXPECT_FALSE(ack.ok());
  EXPECT_EQ(ack.error(), kInterruptedError);
  EXPECT_EQ(ack.executed_at(), absl::ToUnixSeconds(began));
}

TEST_F(CommandExecutorTest, CommandThatCannotBeJournaledDoesNotRun) {
  Execute(Start("bad\tid"), kExecutorT0);
  EXPECT_EQ(ScrubCalls(), 0);
  const v1::CommandAck ack = LastAck();
  EXPECT_FALSE(ack.ok());
  EXPECT_THAT(ack.error(), HasSubstr("not run: cannot journal it"));
}

}  // namespace
}  // namespace zfleet::agent
