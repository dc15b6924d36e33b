#include "agent/command_journal.h"

#include <sys/stat.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace zfleet::agent {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::zfleet::testing::ReadFile;
using ::zfleet::testing::TempDir;

v1::CommandAck Ack(const std::string& id, bool ok = true, const std::string& error = "") {
  v1::CommandAck ack;
  ack.set_id(id);
  ack.set_ok(ok);
  ack.set_error(error);
  ack.set_executed_at(1'800'000'000);
  return ack;
}

std::vector<std::string> PendingIds(const CommandJournal& journal) {
  std::vector<std::string> ids;
  for (const auto& ack : journal.PendingAcks()) ids.push_back(ack.id());
  return ids;
}

std::vector<std::string> Lines(const std::string& path) {
  return absl::StrSplit(ReadFile(path), '\n', absl::SkipEmpty());
}

CommandJournal MustOpen(const std::string& dir) {
  absl::StatusOr<CommandJournal> journal = CommandJournal::Open(dir);
  EXPECT_TRUE(journal.ok()) << journal.status();
  return journal.ok() ? *std::move(journal) : *CommandJournal::Open("");
}

TEST(CommandJournalTest, InMemoryRemembersAndQueuesAcks) {
  CommandJournal journal = MustOpen("");
  EXPECT_EQ(journal.Find("c1"), nullptr);
  ASSERT_TRUE(journal.Record(Ack("c1")).ok());
  ASSERT_TRUE(journal.Record(Ack("c2", false, "no such pool")).ok());

  const v1::CommandAck* c1 = journal.Find("c1");
  ASSERT_NE(c1, nullptr);
  EXPECT_TRUE(c1->ok());
  const v1::CommandAck* c2 = journal.Find("c2");
  ASSERT_NE(c2, nullptr);
  EXPECT_FALSE(c2->ok());
  EXPECT_EQ(c2->error(), "no such pool");
  EXPECT_EQ(journal.Find("c3"), nullptr);
  EXPECT_THAT(PendingIds(journal), ElementsAre("c1", "c2"));
}

TEST(CommandJournalTest, ConfirmDeliveredDropsTheFirstN) {
  struct Case {
    size_t confirm;
    std::vector<std::string> want;
  };
  const Case cases[] = {
      {0, {"a", "b", "c"}},
      {1, {"b", "c"}},
      {2, {"c"}},
      {3, {}},
      {10, {}},  // more than pending: all gone, no crash
  };
  for (const Case& c : cases) {
    CommandJournal journal = MustOpen("");
    for (const char* id : {"a", "b", "c"}) ASSERT_TRUE(journal.Record(Ack(id)).ok());
    journal.ConfirmDelivered(c.confirm);
    EXPECT_EQ(PendingIds(journal), c.want) << c.confirm;
    // Delivered or not, executed commands stay known.
    EXPECT_NE(journal.Find("a"), nullptr);
  }
}

TEST(CommandJournalTest, AcksRecordedDuringAReportStayPending) {
  // Report carries a; while it is in flight, b is executed; the reply confirms only a.
  CommandJournal journal = MustOpen("");
  ASSERT_TRUE(journal.Record(Ack("a")).ok());
  const size_t in_flight = journal.PendingAcks().size();
  ASSERT_TRUE(journal.Record(Ack("b")).ok());
  journal.ConfirmDelivered(in_flight);
  EXPECT_THAT(PendingIds(journal), ElementsAre("b"));
}

TEST(CommandJournalTest, ReAckIsPendingAgainButKeepsTheFirstResult) {
  CommandJournal journal = MustOpen("");
  ASSERT_TRUE(journal.Record(Ack("a", false, "busy")).ok());
  journal.ConfirmDelivered(1);
  ASSERT_TRUE(journal.Record(*journal.Find("a")).ok());
  EXPECT_THAT(PendingIds(journal), ElementsAre("a"));
  EXPECT_EQ(journal.PendingAcks()[0].error(), "busy");
  EXPECT_EQ(journal.Find("a")->error(), "busy");
}

TEST(CommandJournalTest, FileSurvivesReopenWithErrorText) {
  TempDir dir;
  {
    CommandJournal journal = MustOpen(dir.path());
    ASSERT_TRUE(journal.Record(Ack("ok-1")).ok());
    ASSERT_TRUE(journal.Record(Ack("bad-1", false, "cannot scrub tank:\tpool is busy\nretry")).ok());
  }
  CommandJournal reopened = MustOpen(dir.path());
  const v1::CommandAck* ok = reopened.Find("ok-1");
  ASSERT_NE(ok, nullptr);
  EXPECT_TRUE(ok->ok());
  EXPECT_EQ(ok->error(), "");
  const v1::CommandAck* bad = reopened.Find("bad-1");
  ASSERT_NE(bad, nullptr);
  EXPECT_FALSE(bad->ok());
  // Tabs survive; a newline would split the line, so it becomes a blank.
  EXPECT_EQ(bad->error(), "cannot scrub tank:\tpool is busy retry");
  EXPECT_EQ(reopened.Find("never"), nullptr);
  // What was pending before the restart is not resent: only the journal of execution is kept.
  EXPECT_THAT(reopened.PendingAcks(), IsEmpty());
}

TEST(CommandJournalTest, RepeatedRecordWritesOneLine) {
  TempDir dir;
  CommandJournal journal = MustOpen(dir.path());
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(journal.Record(Ack("same")).ok());
  ASSERT_TRUE(journal.Record(Ack("other", false, "x")).ok());
  EXPECT_THAT(Lines(dir.File("commands.journal")), ElementsAre("same\tok", "other\terror\tx"));
  EXPECT_EQ(journal.PendingAcks().size(), 4u);  // each repeat is answered again

  // After a restart a repeat is still recognised and not journaled again.
  CommandJournal reopened = MustOpen(dir.path());
  ASSERT_NE(reopened.Find("same"), nullptr);
  ASSERT_TRUE(reopened.Record(*reopened.Find("same")).ok());
  EXPECT_EQ(Lines(dir.File("commands.journal")).size(), 2u);
}

TEST(CommandJournalTest, MalformedLinesAreSkipped) {
  TempDir dir;
  dir.Write("commands.journal", "a\tok\n\nno-tab\n\tok\nb\terror\tbusy\n");
  CommandJournal journal = MustOpen(dir.path());
  ASSERT_NE(journal.Find("a"), nullptr);
  ASSERT_NE(journal.Find("b"), nullptr);
  EXPECT_EQ(journal.Find("b")->error(), "busy");
  EXPECT_EQ(journal.Find("no-tab"), nullptr);
  EXPECT_EQ(journal.Find(""), nullptr);
}

// A crash while appending leaves the last line without its newline. That line must be
// ignored (the command may run again, which zpool scrub tolerates) rather than read as a
// command that failed, which would be acked as failed and never run.
TEST(CommandJournalTest, TornLastLineIsIgnored) {
  struct Case {
    std::string torn;
  };
  const Case cases[] = {{"c"}, {"cmd-7"}, {"cmd-7\t"}, {"cmd-7\to"}, {"cmd-7\terr"},
                        {"cmd-7\terror\tcannot op"}};
  for (const Case& c : cases) {
    TempDir dir;
    dir.Write("commands.journal", "cmd-6\tok\n" + c.torn);
    CommandJournal journal = MustOpen(dir.path());
    EXPECT_NE(journal.Find("cmd-6"), nullptr) << c.torn;
    const v1::CommandAck* torn = journal.Find("cmd-7");
    EXPECT_EQ(torn, nullptr) << "torn line \"" << c.torn << "\" was read as a "
                             << (torn->ok() ? "succeeded" : "failed") << " command";
  }
}

TEST(CommandJournalTest, AppendAfterATornLineStartsOnAFreshLine) {
  TempDir dir;
  dir.Write("commands.journal", "cmd-6\tok\ncmd-7\to");
  {
    CommandJournal journal = MustOpen(dir.path());
    ASSERT_TRUE(journal.Record(Ack("cmd-8")).ok());
  }
  CommandJournal reopened = MustOpen(dir.path());
  EXPECT_NE(reopened.Find("cmd-8"), nullptr) << ReadFile(dir.File("commands.journal"));
}

TEST(CommandJournalTest, UnusableStateDirIsAnError) {
  TempDir dir;
  EXPECT_FALSE(CommandJournal::Open(dir.File("does-not-exist")).ok());
  dir.Write("a-file", "");
  EXPECT_FALSE(CommandJournal::Open(dir.File("a-file")).ok());  // not a directory
}

TEST(CommandJournalTest, BoundedToTheLastThousandCommands) {
  TempDir dir;
  CommandJournal journal = MustOpen(dir.path());
  for (int i = 1; i <= 1001; ++i) {
    ASSERT_TRUE(journal.Record(Ack(absl::StrCat("c", i))).ok()) << i;
  }
  journal.ConfirmDelivered(journal.PendingAcks().size());
  // In memory: the oldest is forgotten.
  EXPECT_EQ(journal.Find("c1"), nullptr);
  EXPECT_NE(journal.Find("c2"), nullptr);
  EXPECT_NE(journal.Find("c1001"), nullptr);
  // On disk: rewritten to the remembered 1000, oldest first, no temporary left behind.
  const std::vector<std::string> lines = Lines(dir.File("commands.journal"));
  ASSERT_EQ(lines.size(), 1000u);
  EXPECT_EQ(lines.front(), "c2\tok");
  EXPECT_EQ(lines.back(), "c1001\tok");
  EXPECT_EQ(ReadFile(dir.File("commands.journal.tmp")), "");
  struct stat st;
  EXPECT_NE(stat(dir.File("commands.journal.tmp").c_str(), &st), 0);

  // Appends continue after the rewrite and survive a reopen.
  ASSERT_TRUE(journal.Record(Ack("c1002", false, "x")).ok());
  CommandJournal reopened = MustOpen(dir.path());
  // 1001 lines on disk again: the reload keeps the newest 1000.
  EXPECT_EQ(reopened.Find("c2"), nullptr);
  ASSERT_NE(reopened.Find("c3"), nullptr);
  EXPECT_TRUE(reopened.Find("c3")->ok());
  ASSERT_NE(reopened.Find("c1002"), nullptr);
  EXPECT_EQ(reopened.Find("c1002")->error(), "x");
}

// The bound must hold for the file, not per process: an agent restarted every few hundred
// commands must not grow the journal without limit.
TEST(CommandJournalTest, FileStaysBoundedAcrossRestarts) {
  TempDir dir;
  int next = 1;
  for (int restart = 0; restart < 4; ++restart) {
    CommandJournal journal = MustOpen(dir.path());
    for (int i = 0; i < 700; ++i) {
      ASSERT_TRUE(journal.Record(Ack(absl::StrCat("c", next++))).ok());
    }
  }
  // At most the remembered 1000 plus one rewrite period of appends.
  EXPECT_LE(Lines(dir.File("commands.journal")).size(), 2000u);
  CommandJournal last = MustOpen(dir.path());
  EXPECT_NE(last.Find(absl::StrCat("c", next - 1)), nullptr);
  EXPECT_EQ(last.Find("c1"), nullptr);
}

}  // namespace
}  // namespace zfleet::agent
