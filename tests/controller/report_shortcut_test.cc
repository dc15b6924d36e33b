// Reports that change nothing, answered from memory once the shortcut is on: what they
// answer, what waits, what reaches the store and when, and every way back to the store.
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "controller/report_processor.h"
#include "gtest/gtest.h"
#include "tests/controller/controller_fixtures.h"
#include "tests/testing/pool_builders.h"

namespace zfleet::controller {
namespace {

const absl::Time kShortcutT0 = absl::FromUnixSeconds(1'800'000'000);

v1::ReportRequest Seen(uint64_t sequence, absl::Time at, const std::string& state = "ONLINE") {
  v1::Pool pool;
  pool.set_name("tank");
  pool.set_state(state);
  *pool.add_vdevs() = testing::DiskLeaf("sda");
  v1::ReportRequest r = PoolsReport("nas1", {pool});
  r.set_stream_id("s1");
  r.set_sequence(sequence);
  r.set_observed_at(absl::ToUnixSeconds(at));
  r.set_report_time(absl::ToUnixSeconds(at));
  r.mutable_host()->set_load1(0.1 * static_cast<double>(sequence));  // moves on every report
  return r;
}

class ReportShortcutTest : public FleetServicesTest {
 protected:
  ReportShortcutTest() : FleetServicesTest(kShortcutT0) {}
  void SetUp() override {
    OpenServices(":memory:");
    processor_->set_shortcut(true);
  }

  // Reports sequence 1 and 2 (the host's first report, then one that changes nothing),
  // one second apart; the clock is then at kShortcutT0 + 2 s.
  void Establish() {
    for (uint64_t seq : {1, 2}) {
      clock_.Advance(absl::Seconds(1));
      EXPECT_EQ(MustProcess(Seen(seq, clock_.Now())).outcome(), v1::REPORT_APPLIED);
    }
    ASSERT_EQ(processor_->path_metrics().shortcut_hosts, 1);
  }

  std::optional<HostStream> StoredStream() {
    absl::StatusOr<std::optional<HostStream>> stream = store_->hosts().GetStream("nas1");
    EXPECT_TRUE(stream.ok()) << stream.status();
    return stream.ok() ? *stream : std::nullopt;
  }

  absl::Time StoredLastSeen() {
    absl::StatusOr<std::optional<HostRecord>> host = store_->hosts().Get("nas1");
    EXPECT_TRUE(host.ok() && host->has_value());
    return host.ok() && host->has_value() ? (*host)->last_seen : absl::InfinitePast();
  }
};

TEST_F(ReportShortcutTest, UnchangedReportIsAnsweredFromMemoryAndWrittenLater) {
  ASSERT_NO_FATAL_FAILURE(Establish());
  const absl::Time second = clock_.Now();
  // The first report is new, the second had to be compared with the store: both stored.
  EXPECT_EQ(StoredLastSeen(), second);
  EXPECT_EQ(processor_->path_metrics().touches_waiting, 0);

  clock_.Advance(absl::Seconds(30));
  v1::ReportResponse answered = MustProcess(Seen(3, clock_.Now()));
  EXPECT_EQ(answered.outcome(), v1::REPORT_APPLIED);
  EXPECT_TRUE(answered.has_policy());
  EXPECT_EQ(answered.next_report_interval_s(), 30u);
  EXPECT_EQ(processor_->path_metrics().touches_waiting, 1);
  EXPECT_EQ(StoredLastSeen(), second) << "answered from memory, not written yet";
  EXPECT_EQ(StoredStream()->last_sequence, 2u);

  ASSERT_TRUE(processor_->WriteTouches().ok());
  EXPECT_EQ(processor_->path_metrics().touches_waiting, 0);
  EXPECT_EQ(StoredLastSeen(), clock_.Now());
  EXPECT_EQ(StoredStream()->last_sequence, 3u);
  absl::StatusOr<std::optional<HostRecord>> host = store_->hosts().Get("nas1");
  ASSERT_TRUE(host.ok() && host->has_value());
  EXPECT_DOUBLE_EQ((*host)->info.load1(), 0.3) << "the load of the last report";
  absl::StatusOr<v1::GetPoolResponse> pool = GetPool("nas1", "tank");
  ASSERT_TRUE(pool.ok()) << pool.status();
  EXPECT_EQ(pool->pool().last_seen(), absl::ToUnixSeconds(clock_.Now()));
  EXPECT_EQ(processor_->path_metrics().shortcut_hosts, 1) << "the flush is no change to the host";
}

TEST_F(ReportShortcutTest, OffByDefaultEveryReportIsWrittenWhenAnswered) {
  processor_->set_shortcut(false);
  for (uint64_t seq : {1, 2, 3}) {
    clock_.Advance(absl::Seconds(30));
    MustProcess(Seen(seq, clock_.Now()));
    EXPECT_EQ(StoredLastSeen(), clock_.Now());
  }
  EXPECT_EQ(processor_->path_metrics().shortcut_hosts, 0);
  EXPECT_EQ(processor_->path_metrics().touches_waiting, 0);
}

TEST_F(ReportShortcutTest, AnotherWriterToTheHostSendsItsNextReportToTheStore) {
  ASSERT_NO_FATAL_FAILURE(Establish());
  absl::StatusOr<v1::RequestScrubResponse> asked = RequestScrub("nas1", "tank", v1::START);
  ASSERT_TRUE(asked.ok()) << asked.status();
  clock_.Advance(absl::Seconds(30));
  v1::ReportResponse response = MustProcess(Seen(3, clock_.Now()));
  ASSERT_EQ(response.commands_size(), 1) << "the command a memory answer would have missed";
  EXPECT_EQ(response.commands(0).id(), asked->command_id());
  // A reply with commands is not remembered: the next one asks the store again.
  EXPECT_EQ(processor_->path_metrics().shortcut_hosts, 0);
  clock_.Advance(absl::Seconds(30));
  EXPECT_EQ(MustProcess(Seen(4, clock_.Now())).commands_size(), 1);
}

TEST_F(ReportShortcutTest, ChangedReportWritesTheWaitingTouchFirst) {
  ASSERT_NO_FATAL_FAILURE(Establish());
  clock_.Advance(absl::Seconds(30));
  MustProcess(Seen(3, clock_.Now()));
  ASSERT_EQ(processor_->path_metrics().touches_waiting, 1);

  clock_.Advance(absl::Seconds(30));
  v1::ReportRequest degraded = Seen(4, clock_.Now(), "DEGRADED");
  EXPECT_EQ(MustProcess(degraded).outcome(), v1::REPORT_APPLIED);
  EXPECT_EQ(processor_->path_metrics().touches_waiting, 0);
  EXPECT_EQ(processor_->path_metrics().shortcut_hosts, 0);
  EXPECT_EQ(StoredStream()->last_sequence, 4u);
  absl::StatusOr<v1::GetPoolResponse> pool = GetPool("nas1", "tank");
  ASSERT_TRUE(pool.ok()) << pool.status();
  EXPECT_EQ(pool->pool().pool().state(), "DEGRADED");
  // Sequence 3 was answered from memory: sent again, it is known.
  EXPECT_EQ(MustProcess(Seen(3, clock_.Now())).outcome(), v1::REPORT_DUPLICATE);
}

TEST_F(ReportShortcutTest, ResentReportAnsweredFromMemoryIsADuplicate) {
  ASSERT_NO_FATAL_FAILURE(Establish());
  clock_.Advance(absl::Seconds(30));
  const v1::ReportRequest third = Seen(3, clock_.Now());
  EXPECT_EQ(MustProcess(third).outcome(), v1::REPORT_APPLIED);
  // Its answer was lost: the agent sends it again. The store is a touch behind; the
  // store path sees the waiting touch, and keeps it.
  EXPECT_EQ(MustProcess(third).outcome(), v1::REPORT_DUPLICATE);
  ASSERT_TRUE(processor_->WriteTouches().ok());
  EXPECT_EQ(StoredStream()->last_sequence, 3u);
}

TEST_F(ReportShortcutTest, LostTouchesCostOnlyLastSeen) {
  ASSERT_NO_FATAL_FAILURE(Establish());
  clock_.Advance(absl::Seconds(30));
  MustProcess(Seen(3, clock_.Now()));
  // A crash: the processor and its waiting touch are gone; the store has sequence 2.
  processor_ = std::make_unique<ReportProcessor>(store_.get(), &mu_, &config_, &clock_);
  processor_->set_shortcut(true);
  clock_.Advance(absl::Seconds(30));
  EXPECT_EQ(MustProcess(Seen(4, clock_.Now())).outcome(), v1::REPORT_APPLIED);
  EXPECT_EQ(StoredStream()->last_sequence, 4u);
  EXPECT_EQ(StoredLastSeen(), clock_.Now());
}

TEST_F(ReportShortcutTest, ReportsThatAskTheStoreAreNeverAnsweredFromMemory) {
  ASSERT_NO_FATAL_FAILURE(Establish());
  uint64_t seq = 3;
  // Whether the next report, changed by `change`, was answered from memory.
  auto from_memory = [&](const std::function<void(v1::ReportRequest&)>& change) {
    EXPECT_TRUE(processor_->WriteTouches().ok());
    clock_.Advance(absl::Seconds(30));
    v1::ReportRequest r = Seen(seq++, clock_.Now());
    change(r);
    MustProcess(r);
    return processor_->path_metrics().touches_waiting == 1;
  };
  auto same = [](v1::ReportRequest&) {};
  EXPECT_TRUE(from_memory(same));
  EXPECT_FALSE(from_memory([](v1::ReportRequest& r) { r.set_backlog(2); }));
  EXPECT_FALSE(from_memory(same)) << "the store path forgot the host: learned again";
  EXPECT_TRUE(from_memory(same));
  EXPECT_FALSE(from_memory([](v1::ReportRequest& r) { r.add_acks()->set_id("c-unknown"); }));
  EXPECT_FALSE(from_memory(same));
  EXPECT_TRUE(from_memory(same));
  auto restarted = [](v1::ReportRequest& r) { r.set_instance_id("inst-2"); };
  EXPECT_FALSE(from_memory(restarted)) << "a new agent process";
  EXPECT_TRUE(from_memory(restarted));
  EXPECT_FALSE(from_memory([&](v1::ReportRequest& r) {
    restarted(r);
    r.set_sequence(1);
  })) << "behind its stream";
  EXPECT_FALSE(from_memory([](v1::ReportRequest& r) {
    r.set_instance_id("inst-2");
    r.mutable_pools(0)->mutable_vdevs(0)->set_read_errors(1);
  }));
}

TEST_F(ReportShortcutTest, ForgottenHostReportsAsANewHost) {
  ASSERT_NO_FATAL_FAILURE(Establish());
  ASSERT_TRUE(store_->ForgetHost("nas1").ok());
  clock_.Advance(absl::Seconds(30));
  EXPECT_EQ(MustProcess(Seen(3, clock_.Now())).outcome(), v1::REPORT_APPLIED);
  EXPECT_EQ(processor_->path_metrics().touches_waiting, 0);
  absl::StatusOr<v1::GetPoolResponse> pool = GetPool("nas1", "tank");
  ASSERT_TRUE(pool.ok()) << pool.status();
  EXPECT_EQ(StoredStream()->last_sequence, 3u);
}

TEST_F(ReportShortcutTest, MissingHostThatReportsAgainIsClearedByTheStore) {
  ASSERT_NO_FATAL_FAILURE(Establish());
  ASSERT_TRUE(store_->hosts().SetMissing("nas1", clock_.Now()).ok());
  clock_.Advance(absl::Seconds(30));
  MustProcess(Seen(3, clock_.Now()));
  absl::StatusOr<std::optional<HostLiveness>> liveness = store_->hosts().GetLiveness("nas1");
  ASSERT_TRUE(liveness.ok() && liveness->has_value());
  EXPECT_FALSE((*liveness)->missing_since.has_value());
}

}  // namespace
}  // namespace zfleet::controller
