#include "agent/command_journal.h"

#include <sys/stat.h>

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace zfleet::agent {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::zfleet::testing::ReadFile;
using ::zfleet::testing::TempDir;

const absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);

v1::Command Command(const std::string& id, const std::string& pool = "tank",
                    v1::CommandKind kind = v1::SCRUB_START) {
  v1::Command command;
  command.set_id(id);
  command.set_kind(kind);
  command.set_pool(pool);
  return command;
}

v1::CommandAck Ack(const std::string& id, bool ok = true, const std::string& error = "",
                   absl::Time at = kT0) {
  v1::CommandAck ack;
  ack.set_id(id);
  ack.set_ok(ok);
  ack.set_error(error);
  ack.set_executed_at(absl::ToUnixSeconds(at));
  return ack;
}

// Begins and finishes `id` as a command that ran at `at` with the given result.
void RunCommand(CommandJournal& journal, const std::string& id, bool ok = true,
         const std::string& error = "", absl::Time at = kT0) {
  ASSERT_TRUE(journal.Begin(Command(id), at).ok()) << id;
  ASSERT_TRUE(journal.Finish(Ack(id, ok, error, at)).ok()) << id;
}

std::vector<std::string> PendingIds(const CommandJournal& journal) {
  std::vector<std::string> ids;
  for (const auto& ack : journal.PendingAcks()) ids.push_back(ack.id());
  return ids;
}

std::vector<std::string> Lines(const std::string& path) {
  return absl::StrSplit(ReadFile(path), '\n', absl::SkipEmpty());
}

CommandJournal MustOpen(const TempDir& dir) {
  absl::StatusOr<CommandJournal> journal = CommandJournal::Open(dir.path());
  EXPECT_TRUE(journal.ok()) << journal.status();
  return journal.ok() ? *std::move(journal) : CommandJournal::InMemory();
}

TEST(CommandJournalTest, OpenWithoutADirectoryIsInvalidArgument) {
  absl::StatusOr<CommandJournal> journal = CommandJournal::Open("");
  EXPECT_EQ(journal.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(journal.status().message(), "a state directory is required");
}

TEST(CommandJournalTest, UnusableStateDirIsAnError) {
  TempDir dir;
  EXPECT_EQ(CommandJournal::Open(dir.File("does-not-exist")).status().code(),
            absl::StatusCode::kFailedPrecondition);
  dir.Write("a-file", "");
  EXPECT_EQ(CommandJournal::Open(dir.File("a-file")).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(CommandJournalTest, InMemoryRemembersAndQueuesAcks) {
  CommandJournal journal = CommandJournal::InMemory();
  EXPECT_EQ(journal.Find("c1"), std::nullopt);
  RunCommand(journal, "c1");
  RunCommand(journal, "c2", false, "no such pool");

  std::optional<v1::CommandAck> c1 = journal.Find("c1");
  ASSERT_TRUE(c1.has_value());
  EXPECT_TRUE(c1->ok());
  std::optional<v1::CommandAck> c2 = journal.Find("c2");
  ASSERT_TRUE(c2.has_value());
  EXPECT_FALSE(c2->ok());
  EXPECT_EQ(c2->error(), "no such pool");
  EXPECT_EQ(journal.Find("c3"), std::nullopt);
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
    CommandJournal journal = CommandJournal::InMemory();
    for (const char* id : {"a", "b", "c"}) RunCommand(journal, id);
    journal.ConfirmDelivered(c.confirm);
    EXPECT_EQ(PendingIds(journal), c.want) << c.confirm;
    // Delivered or not, executed commands stay known.
    EXPECT_NE(journal.Find("a"), std::nullopt);
  }
}

TEST(CommandJournalTest, AcksRecordedDuringAReportStayPending) {
  // Report carries a; while it is in flight, b is executed; the reply confirms only a.
  CommandJournal journal = CommandJournal::InMemory();
  RunCommand(journal, "a");
  const size_t in_flight = journal.PendingAcks().size();
  RunCommand(journal, "b");
  journal.ConfirmDelivered(in_flight);
  EXPECT_THAT(PendingIds(journal), ElementsAre("b"));
}

TEST(CommandJournalTest, AnswerQueuesARepeatOnceWithTheFirstResult) {
  CommandJournal journal = CommandJournal::InMemory();
  RunCommand(journal, "a", false, "busy");
  journal.ConfirmDelivered(1);
  journal.Answer(*journal.Find("a"));
  journal.Answer(*journal.Find("a"));  // already queued: not twice
  EXPECT_THAT(PendingIds(journal), ElementsAre("a"));
  EXPECT_EQ(journal.PendingAcks()[0].error(), "busy");
}

TEST(CommandJournalTest, BegunAndFinishedSurviveReopenWithTheirTimes) {
  TempDir dir;
  const absl::Time ran_at = kT0 + absl::Minutes(3);
  {
    CommandJournal journal = MustOpen(dir);
    RunCommand(journal, "ok-1", true, "", ran_at);
    RunCommand(journal, "bad-1", false, "cannot scrub tank:\tpool is busy\nretry", ran_at);
    v1::CommandAck expired = Ack("late-1", false, "expired at X before it ran", ran_at);
    expired.set_expired(true);
    ASSERT_TRUE(journal.Finish(expired).ok());  // refused: finished without a begin
  }
  CommandJournal reopened = MustOpen(dir);
  std::optional<v1::CommandAck> ok = reopened.Find("ok-1");
  ASSERT_TRUE(ok.has_value());
  EXPECT_TRUE(ok->ok());
  EXPECT_EQ(ok->error(), "");
  // The original time, not 0: the controller dates the run by it.
  EXPECT_EQ(ok->executed_at(), absl::ToUnixSeconds(ran_at));
  std::optional<v1::CommandAck> bad = reopened.Find("bad-1");
  ASSERT_TRUE(bad.has_value());
  EXPECT_FALSE(bad->ok());
  EXPECT_FALSE(bad->expired());
  // Tabs survive; a newline would split the record, so it becomes a blank.
  EXPECT_EQ(bad->error(), "cannot scrub tank:\tpool is busy retry");
  EXPECT_EQ(bad->executed_at(), absl::ToUnixSeconds(ran_at));
  std::optional<v1::CommandAck> late = reopened.Find("late-1");
  ASSERT_TRUE(late.has_value());
  EXPECT_TRUE(late->expired());
  EXPECT_FALSE(late->ok());
  EXPECT_EQ(late->error(), "expired at X before it ran");
  EXPECT_EQ(reopened.Find("never"), std::nullopt);
  // Finished acks are not resent on their own: the controller repeats what it did not hear.
  EXPECT_THAT(reopened.PendingAcks(), IsEmpty());
}

TEST(CommandJournalTest, FileIsVersionedAndReadable) {
  TempDir dir;
  {
    CommandJournal journal = MustOpen(dir);
    ASSERT_TRUE(journal.Begin(Command("c1", "tank", v1::SCRUB_STOP), kT0).ok());
    ASSERT_TRUE(journal.Finish(Ack("c1", false, "no scrub")).ok());
  }
  EXPECT_THAT(Lines(dir.File("commands.journal")),
              ElementsAre("zfleet-command-journal 2", "begun\tc1\tSCRUB_STOP\ttank\t1800000000",
                          "finished\tc1\terror\t1800000000\tno scrub"));
}

// The agent was killed while the command ran (between begun and finished): after a restart
// the command is never run again, and the controller hears that it was interrupted.
TEST(CommandJournalTest, BegunButUnfinishedIsAnsweredAsInterruptedAfterRestart) {
  TempDir dir;
  const absl::Time began = kT0 + absl::Seconds(42);
  {
    CommandJournal journal = MustOpen(dir);
    ASSERT_TRUE(journal.Begin(Command("c9"), began).ok());
  }
  CommandJournal reopened = MustOpen(dir);
  std::optional<v1::CommandAck> ack = reopened.Find("c9");
  ASSERT_TRUE(ack.has_value());
  EXPECT_FALSE(ack->ok());
  EXPECT_FALSE(ack->expired());
  EXPECT_EQ(ack->error(), "the agent stopped while running it; not retried");
  EXPECT_EQ(ack->executed_at(), absl::ToUnixSeconds(began));
  // Queued at once: the controller learns it without having to repeat the command.
  ASSERT_EQ(reopened.PendingAcks().size(), 1u);
  EXPECT_EQ(reopened.PendingAcks()[0].DebugString(), ack->DebugString());

  // It is now finished on disk: a second restart answers the same and queues nothing.
  CommandJournal again = MustOpen(dir);
  ASSERT_TRUE(again.Find("c9").has_value());
  EXPECT_EQ(again.Find("c9")->error(), kInterruptedError);
  EXPECT_EQ(again.Find("c9")->executed_at(), absl::ToUnixSeconds(began));
  EXPECT_THAT(again.PendingAcks(), IsEmpty());
}

TEST(CommandJournalTest, RepeatedRecordsAreNotWrittenAgain) {
  TempDir dir;
  CommandJournal journal = MustOpen(dir);
  RunCommand(journal, "same");
  for (int i = 0; i < 3; ++i) journal.Answer(*journal.Find("same"));
  EXPECT_EQ(Lines(dir.File("commands.journal")).size(), 3u);  // header, begun, finished
}

// A crash while appending leaves the last record without its newline: it is dropped. A torn
// begun record means the command had not started (it runs only after the record is synced);
// a torn finished record leaves the command begun, so it is answered as interrupted and
// never run twice.
TEST(CommandJournalTest, TornLastRecordIsDropped) {
  const std::string head = "zfleet-command-journal 2\nbegun\tc6\tSCRUB_START\ttank\t1800000000\n"
                           "finished\tc6\tok\t1800000000\n";
  struct Case {
    std::string tail;
    bool c7_known;
    bool c7_interrupted;
  };
  const Case cases[] = {
      {"b", false, false},
      {"begun\tc7", false, false},
      {"begun\tc7\tSCRUB_START\ttank\t18000", false, false},
      {"begun\tc7\tSCRUB_START\ttank\t1800000001\nfin", true, true},
      {"begun\tc7\tSCRUB_START\ttank\t1800000001\nfinished\tc7\tok\t18000", true, true},
  };
  for (const Case& c : cases) {
    TempDir dir;
    dir.Write("commands.journal", head + c.tail);
    CommandJournal journal = MustOpen(dir);
    ASSERT_TRUE(journal.Find("c6").has_value()) << c.tail;
    EXPECT_TRUE(journal.Find("c6")->ok()) << c.tail;
    std::optional<v1::CommandAck> c7 = journal.Find("c7");
    EXPECT_EQ(c7.has_value(), c.c7_known) << c.tail;
    if (c7.has_value()) {
      EXPECT_EQ(c7->error() == kInterruptedError, c.c7_interrupted) << c.tail;
      EXPECT_EQ(c7->executed_at(), 1'800'000'001) << c.tail;
    }
    // The torn bytes are gone: what follows starts on a fresh line and reads back.
    EXPECT_TRUE(absl::EndsWith(ReadFile(dir.File("commands.journal")), "\n")) << c.tail;
    RunCommand(journal, "c8");
    CommandJournal reopened = MustOpen(dir);
    EXPECT_NE(reopened.Find("c8"), std::nullopt) << c.tail << "\n"
                                                 << ReadFile(dir.File("commands.journal"));
  }
}

TEST(CommandJournalTest, MalformedRecordsAreSkipped) {
  TempDir dir;
  dir.Write("commands.journal",
            "zfleet-command-journal 2\n"
            "begun\ta\tSCRUB_START\ttank\t1800000000\nfinished\ta\tok\t1800000000\n"
            "\nno-tab\nbegun\t\tSCRUB_START\ttank\t1\nbegun\tb\tSCRUB_START\ttank\tsoon\n"
            "finished\tc\tmaybe\t1\nfinished\td\tok\tlater\n");
  CommandJournal journal = MustOpen(dir);
  ASSERT_TRUE(journal.Find("a").has_value());
  EXPECT_TRUE(journal.Find("a")->ok());
  for (const char* id : {"b", "c", "d", "no-tab", ""}) {
    EXPECT_EQ(journal.Find(id), std::nullopt) << id;
  }
}

// Journals written before format 2 hold "ID\tok" / "ID\terror\tMSG", one line per command
// that ran, with no time: read as finished at an unknown time (executed_at 0, which the
// controller dates by the ack's arrival), and rewritten in format 2.
TEST(CommandJournalTest, FormatOneIsReadAndRewritten) {
  TempDir dir;
  dir.Write("commands.journal", "a\tok\n\nno-tab\n\tok\nb\terror\tbusy\tnow\ncmd-7\to");
  {
    CommandJournal journal = MustOpen(dir);
    ASSERT_TRUE(journal.Find("a").has_value());
    EXPECT_TRUE(journal.Find("a")->ok());
    EXPECT_EQ(journal.Find("a")->executed_at(), 0);
    ASSERT_TRUE(journal.Find("b").has_value());
    EXPECT_FALSE(journal.Find("b")->ok());
    EXPECT_EQ(journal.Find("b")->error(), "busy\tnow");
    EXPECT_EQ(journal.Find("no-tab"), std::nullopt);
    EXPECT_EQ(journal.Find("cmd-7"), std::nullopt);  // torn
    EXPECT_THAT(journal.PendingAcks(), IsEmpty());
  }
  EXPECT_THAT(Lines(dir.File("commands.journal")),
              ElementsAre("zfleet-command-journal 2", "finished\ta\tok\t0",
                          "finished\tb\terror\t0\tbusy\tnow"));
  CommandJournal reopened = MustOpen(dir);
  ASSERT_TRUE(reopened.Find("b").has_value());
  EXPECT_EQ(reopened.Find("b")->error(), "busy\tnow");
}

TEST(CommandJournalTest, NewerFormatIsRefusedNotMisread) {
  TempDir dir;
  dir.Write("commands.journal", "zfleet-command-journal 3\nsomething\tnew\n");
  absl::StatusOr<CommandJournal> journal = CommandJournal::Open(dir.path());
  EXPECT_EQ(journal.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(journal.status().message(), HasSubstr("commands.journal"));
  EXPECT_EQ(ReadFile(dir.File("commands.journal")), "zfleet-command-journal 3\nsomething\tnew\n");
}

TEST(CommandJournalTest, BeginRefusesIdsThatWouldBreakARecord) {
  TempDir dir;
  CommandJournal journal = MustOpen(dir);
  for (const char* id : {"", "a\tb", "a\nb"}) {
    EXPECT_EQ(journal.Begin(Command(id), kT0).code(), absl::StatusCode::kInvalidArgument) << id;
    EXPECT_EQ(journal.Find(id), std::nullopt);
  }
  EXPECT_EQ(Lines(dir.File("commands.journal")).size(), 1u);
}

TEST(CommandJournalTest, BeginThatCannotWriteRemembersNothing) {
  TempDir dir;
  CommandJournal journal = MustOpen(dir);
  // The journal's path is now a directory: appending to it fails.
  ASSERT_EQ(std::remove(dir.File("commands.journal").c_str()), 0);
  ASSERT_EQ(mkdir(dir.File("commands.journal").c_str(), 0700), 0);
  EXPECT_EQ(journal.Begin(Command("c1"), kT0).code(), absl::StatusCode::kInternal);
  EXPECT_EQ(journal.Find("c1"), std::nullopt);
}

TEST(CommandJournalTest, BoundedToTheLastThousandCommands) {
  TempDir dir;
  CommandJournal journal = MustOpen(dir);
  for (int i = 1; i <= 1001; ++i) RunCommand(journal, absl::StrCat("c", i));
  journal.ConfirmDelivered(journal.PendingAcks().size());
  // In memory: the oldest is forgotten.
  EXPECT_EQ(journal.Find("c1"), std::nullopt);
  EXPECT_NE(journal.Find("c2"), std::nullopt);
  EXPECT_NE(journal.Find("c1001"), std::nullopt);

  // On disk after a reopen: the newest 1000 (the oldest of the file is forgotten on load).
  CommandJournal reopened = MustOpen(dir);
  EXPECT_EQ(reopened.Find("c1"), std::nullopt);
  ASSERT_NE(reopened.Find("c2"), std::nullopt);
  EXPECT_TRUE(reopened.Find("c2")->ok());
  EXPECT_NE(reopened.Find("c1001"), std::nullopt);
}

// The bound holds for the file, not per process: an agent restarted every few hundred
// commands must not grow the journal without limit.
TEST(CommandJournalTest, FileStaysBoundedAcrossRestarts) {
  TempDir dir;
  int next = 1;
  for (int restart = 0; restart < 4; ++restart) {
    CommandJournal journal = MustOpen(dir);
    for (int i = 0; i < 700; ++i) RunCommand(journal, absl::StrCat("c", next++));
  }
  // A rewrite keeps two records per remembered command; at most as many again are appended
  // before the next one. No temporary is left behind.
  const size_t lines = Lines(dir.File("commands.journal")).size();
  EXPECT_LE(lines, 4001u);
  EXPECT_LT(lines, 2u * 2800u);  // less than everything ever written
  struct stat st;
  EXPECT_NE(stat(dir.File("commands.journal.tmp").c_str(), &st), 0);
  CommandJournal last = MustOpen(dir);
  EXPECT_NE(last.Find(absl::StrCat("c", next - 1)), std::nullopt);
  EXPECT_EQ(last.Find("c1"), std::nullopt);
}

}  // namespace
}  // namespace zfleet::agent
