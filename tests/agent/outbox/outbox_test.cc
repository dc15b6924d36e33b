#include "agent/outbox/outbox.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace zfleet::agent {
namespace {

using ::testing::ElementsAre;
using ::zfleet::testing::ReadFile;
using ::zfleet::testing::TempDir;

v1::ReportRequest Observation(const std::string& pool_state, int64_t observed_at,
                              uint64_t cksum = 0) {
  v1::ReportRequest r;
  r.set_observed_at(observed_at);
  r.set_pools_valid(true);
  v1::Pool& pool = *r.add_pools();
  pool.set_name("tank");
  pool.set_state(pool_state);
  v1::Vdev& leaf = *pool.add_vdevs();
  leaf.set_name("sda");
  leaf.set_state(pool_state == "DEGRADED" ? "FAULTED" : "ONLINE");
  leaf.set_checksum_errors(cksum);
  return r;
}

// The observed_at of every observation in the outbox, oldest first; empties it.
std::vector<int64_t> Drain(Outbox& box) {
  std::vector<int64_t> out;
  while (auto front = box.Front()) {
    out.push_back(front->observed_at());
    EXPECT_TRUE(box.PopFront().ok());
  }
  return out;
}

TEST(OutboxTest, NumbersObservationsInOrderAndHandsThemOutOldestFirst) {
  TempDir dir;
  auto box = Outbox::Open(dir.path());
  ASSERT_TRUE(box.ok()) << box.status();
  ASSERT_TRUE((*box)->Append(Observation("ONLINE", 100), true).ok());
  ASSERT_TRUE((*box)->Append(Observation("DEGRADED", 110), true).ok());
  EXPECT_EQ((*box)->size(), 2u);
  auto front = (*box)->Front();
  ASSERT_TRUE(front.has_value());
  EXPECT_EQ(front->sequence(), 1u);
  EXPECT_EQ(front->stream_id(), (*box)->stream_id());
  EXPECT_EQ(front->observed_at(), 100);
  ASSERT_TRUE((*box)->PopFront().ok());
  EXPECT_EQ((*box)->Front()->sequence(), 2u);
  EXPECT_EQ((*box)->Front()->pools(0).state(), "DEGRADED");
}

TEST(OutboxTest, WhatWasNotAnsweredSurvivesARestartAndTheSequenceGoesOn) {
  TempDir dir;
  std::string stream;
  {
    auto box = Outbox::Open(dir.path());
    ASSERT_TRUE(box.ok());
    stream = (*box)->stream_id();
    EXPECT_EQ(stream.size(), 16u);
    for (int64_t t : {100, 110, 120}) ASSERT_TRUE((*box)->Append(Observation("ONLINE", t), true).ok());
    ASSERT_TRUE((*box)->PopFront().ok());  // 100 answered
  }
  auto box = Outbox::Open(dir.path());
  ASSERT_TRUE(box.ok());
  EXPECT_EQ((*box)->stream_id(), stream);
  EXPECT_EQ((*box)->last_sequence(), 3u);
  EXPECT_EQ((*box)->Front()->sequence(), 2u);
  EXPECT_THAT(Drain(**box), ElementsAre(110, 120));

  // Everything answered: a restart still continues the sequence, never reuses a number.
  auto again = Outbox::Open(dir.path());
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE((*again)->empty());
  ASSERT_TRUE((*again)->Append(Observation("ONLINE", 130), true).ok());
  EXPECT_EQ((*again)->Front()->sequence(), 4u);
}

TEST(OutboxTest, ATornTailIsCutOffAndTheWholeObservationsBeforeItKept) {
  TempDir dir;
  {
    auto box = Outbox::Open(dir.path());
    ASSERT_TRUE(box.ok());
    for (int64_t t : {100, 110, 120}) ASSERT_TRUE((*box)->Append(Observation("ONLINE", t), true).ok());
  }
  const std::string log = dir.File("outbox.log");
  const auto size = std::filesystem::file_size(log);
  std::filesystem::resize_file(log, size - 5);  // a crash in the middle of the last append
  auto box = Outbox::Open(dir.path());
  ASSERT_TRUE(box.ok()) << box.status();
  EXPECT_THAT(Drain(**box), ElementsAre(100, 110));
  // The file was repaired: a new append after it reads back whole.
  ASSERT_TRUE((*box)->Append(Observation("ONLINE", 130), true).ok());
  auto reread = Outbox::Open(dir.path());
  ASSERT_TRUE(reread.ok());
  EXPECT_THAT(Drain(**reread), ElementsAre(130));
}

TEST(OutboxTest, ACorruptRecordEndsWhatIsReadWithoutFailing) {
  TempDir dir;
  {
    auto box = Outbox::Open(dir.path());
    ASSERT_TRUE(box.ok());
    for (int64_t t : {100, 110}) ASSERT_TRUE((*box)->Append(Observation("ONLINE", t), true).ok());
  }
  std::string content = ReadFile(dir.File("outbox.log"));
  content[content.size() - 3] ^= 0x55;  // a flipped byte in the second record
  dir.Write("outbox.log", content);
  auto box = Outbox::Open(dir.path());
  ASSERT_TRUE(box.ok()) << box.status();
  EXPECT_THAT(Drain(**box), ElementsAre(100));
}

TEST(OutboxTest, OverItsBoundItDropsTheOldestProgressSamplesAndKeepsStateChanges) {
  TempDir dir;
  OutboxLimits limits;
  limits.max_entries = 4;
  {
    auto box = Outbox::Open(dir.path(), limits);
    ASSERT_TRUE(box.ok());
    Outbox& b = **box;
    ASSERT_TRUE(b.Append(Observation("ONLINE", 100), true).ok());
    ASSERT_TRUE(b.Append(Observation("ONLINE", 110, 1), false).ok());
    ASSERT_TRUE(b.Append(Observation("ONLINE", 120, 2), false).ok());
    ASSERT_TRUE(b.Append(Observation("DEGRADED", 130, 2), true).ok());
    ASSERT_TRUE(b.Append(Observation("DEGRADED", 140, 3), false).ok());  // fifth: 110 goes
    ASSERT_TRUE(b.Append(Observation("DEGRADED", 150, 4), false).ok());  // sixth: 120 goes
    EXPECT_EQ(b.stats().dropped_samples, 2u);
    EXPECT_EQ(b.stats().dropped_state_changes, 0u);
    EXPECT_EQ(b.size(), 4u);
  }
  auto box = Outbox::Open(dir.path(), limits);  // the drops were recorded
  ASSERT_TRUE(box.ok());
  EXPECT_THAT(Drain(**box), ElementsAre(100, 130, 140, 150));
}

TEST(OutboxTest, StateChangesGoOnlyPastTwiceTheBoundAndTheNewestAlwaysStays) {
  OutboxLimits limits;
  limits.max_entries = 2;
  auto box = Outbox::InMemory("s", limits);
  for (int64_t t = 100; t < 106; ++t) {
    ASSERT_TRUE(box->Append(Observation(t % 2 ? "DEGRADED" : "ONLINE", t), true).ok());
  }
  EXPECT_EQ(box->size(), 4u);  // twice the bound
  EXPECT_EQ(box->stats().dropped_state_changes, 2u);
  EXPECT_THAT(Drain(*box), ElementsAre(102, 103, 104, 105));
}

TEST(OutboxTest, ByteBoundCountsToo) {
  OutboxLimits limits;
  limits.max_bytes = 3 * Observation("ONLINE", 100).ByteSizeLong() + 30;  // stream id, sequence
  auto box = Outbox::InMemory("s", limits);
  ASSERT_TRUE(box->Append(Observation("ONLINE", 100), true).ok());
  for (int64_t t = 101; t < 110; ++t) ASSERT_TRUE(box->Append(Observation("ONLINE", t, t), false).ok());
  EXPECT_LE(box->stats().bytes, limits.max_bytes);
  EXPECT_GT(box->stats().dropped_samples, 0u);
  EXPECT_EQ(box->Front()->observed_at(), 100);  // the state change stayed
}

TEST(OutboxTest, AnsweredObservationsAreCompactedAway) {
  TempDir dir;
  auto box = Outbox::Open(dir.path());
  ASSERT_TRUE(box.ok());
  v1::ReportRequest big = Observation("ONLINE", 100);
  for (int i = 0; i < 2000; ++i) big.mutable_pools(0)->add_unparsed(std::string(60, 'x'));
  for (int i = 0; i < 80; ++i) {  // ~10 MiB written, all of it answered
    big.set_observed_at(100 + i);
    ASSERT_TRUE((*box)->Append(big, true).ok());
    ASSERT_TRUE((*box)->PopFront().ok());
  }
  EXPECT_LT(std::filesystem::file_size(dir.File("outbox.log")), size_t{9} << 20);
  auto reread = Outbox::Open(dir.path());
  ASSERT_TRUE(reread.ok());
  EXPECT_TRUE((*reread)->empty());
  EXPECT_EQ((*reread)->last_sequence(), 80u);
}

TEST(OutboxTest, AnUnwritableDirectoryIsOneClearError) {
  if (geteuid() == 0) {
    // root writes anywhere; a path below a regular file fails for everyone.
    TempDir dir;
    dir.Write("file", "x");
    auto box = Outbox::Open(dir.File("file"));
    ASSERT_FALSE(box.ok());
    EXPECT_THAT(std::string(box.status().message()), ::testing::HasSubstr("file"));
    return;
  }
  TempDir dir;
  chmod(dir.path().c_str(), 0500);
  auto box = Outbox::Open(dir.path());
  chmod(dir.path().c_str(), 0700);
  ASSERT_FALSE(box.ok());
  EXPECT_THAT(std::string(box.status().message()), ::testing::HasSubstr(dir.path()));
}

TEST(ObservationStateKeyTest, CountersAndProgressAreSamplesStatesAreNot) {
  const v1::ReportRequest base = Observation("ONLINE", 100, 0);
  EXPECT_EQ(ObservationStateKey(base), ObservationStateKey(Observation("ONLINE", 200, 7)));
  EXPECT_NE(ObservationStateKey(base), ObservationStateKey(Observation("DEGRADED", 100, 0)));
  v1::ReportRequest scanning = base;
  scanning.mutable_pools(0)->mutable_scan()->set_function("scrub");
  scanning.mutable_pools(0)->mutable_scan()->set_state("scanning");
  scanning.mutable_pools(0)->mutable_scan()->set_percent_done(10);
  v1::ReportRequest further = scanning;
  further.mutable_pools(0)->mutable_scan()->set_percent_done(50);
  EXPECT_NE(ObservationStateKey(base), ObservationStateKey(scanning));
  EXPECT_EQ(ObservationStateKey(scanning), ObservationStateKey(further));
  v1::ReportRequest stuck = base;
  stuck.mutable_zpool()->set_not_answering_since(90);
  EXPECT_NE(ObservationStateKey(base), ObservationStateKey(stuck));
}

}  // namespace
}  // namespace zfleet::agent
