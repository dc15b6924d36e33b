// A condition that repeats is one event, not one per report: reports go through
// ReportProcessor, the tick runs on a fake clock, and EventQueries answers as the CLI and
// /metrics see it. Also the snapshots such reports leave: one per material change.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "controller/event_queries.h"
#include "controller/events/event_tick.h"
#include "controller/report_processor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/enum_names.h"
#include "tests/controller/controller_fixtures.h"
#include "tests/testing/pool_builders.h"

namespace zfleet::controller {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const absl::Time kCoalescingT0 = absl::FromUnixSeconds(1'700'006'400);

// tank: a mirror of /var/tmp/f1 and /var/tmp/f2, f2 with `f2_cksum` checksum errors.
v1::Pool Mirror(const std::string& state = "ONLINE", uint64_t f2_cksum = 0) {
  std::vector<v1::Vdev> leaves;
  for (const std::string name : {"f1", "f2"}) {
    v1::Vdev v = testing::WithErrors(testing::DiskLeaf(name), 0, 0, name == "f2" ? f2_cksum : 0);
    v.set_type("file");
    v.set_path("/var/tmp/" + name);
    v.mutable_disk()->set_class_("sata");
    leaves.push_back(v);
  }
  v1::Pool pool = testing::MirrorPool("tank", state, leaves);
  pool.mutable_errors()->set_count(0);
  return pool;
}

class EventCoalescingTest : public FleetServicesTest {
 protected:
  EventCoalescingTest() : FleetServicesTest(kCoalescingT0) {}

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenServices(":memory:"));
    events_ = std::make_unique<EventQueries>(store_.get(), &mu_, &config_, &clock_);
  }
  // `pool` reported by nas1, then the clock moves on by an agent's poll.
  void Poll(const v1::Pool& pool) {
    ReportPools("nas1", {pool});
    clock_.Advance(absl::Seconds(10));
  }
  void Tick() {
    absl::MutexLock lock(&mu_);
    absl::Status status = OnTick(*store_, config_, clock_.Now());
    ASSERT_TRUE(status.ok()) << status;
  }
  std::vector<v1::Event> Events() {
    auto response = events_->ListEvents(v1::ListEventsRequest());
    EXPECT_TRUE(response.ok()) << response.status();
    if (!response.ok()) return {};
    return {response->events().begin(), response->events().end()};
  }
  int PoolChanges() {
    v1::GetHistoryRequest request;
    request.set_host_id("nas1");
    request.set_pool("tank");
    auto history = events_->GetHistory(request);
    EXPECT_TRUE(history.ok()) << history.status();
    return history.ok() ? history->changes_size() : -1;
  }
  void Ack(int64_t id) {
    v1::AckEventsRequest ack;
    ack.add_ids(id);
    ack.set_by("oncall");
    ASSERT_TRUE(events_->AckEvents(ack).ok());
  }
  std::string Metrics() {
    auto metrics = events_->Metrics();
    EXPECT_TRUE(metrics.ok()) << metrics.status();
    return metrics.ok() ? *metrics : "";
  }

  std::unique_ptr<EventQueries> events_;
};

TEST_F(EventCoalescingTest, ACounterRisingOnEveryReportIsOneEventCountingEachRise) {
  Poll(Mirror());
  const absl::Time first_rise = clock_.Now();
  for (uint64_t cksum = 1; cksum <= 100; ++cksum) Poll(Mirror("ONLINE", cksum));

  const std::vector<v1::Event> events = Events();
  ASSERT_EQ(events.size(), 1u);
  const v1::Event& e = events[0];
  EXPECT_EQ(e.kind(), "device_errors");
  EXPECT_EQ(e.device(), "/var/tmp/f2");
  EXPECT_EQ(e.count(), 100u);
  EXPECT_EQ(e.time(), absl::ToUnixSeconds(first_rise));
  EXPECT_EQ(e.last_seen(), absl::ToUnixSeconds(clock_.Now() - absl::Seconds(10)));
  EXPECT_THAT(e.message(), HasSubstr("CKSUM 99 → 100"));
  // One snapshot when f2 got its first errors; the rises after it refresh that one.
  EXPECT_EQ(PoolChanges(), 2);
  auto pool = GetPool("nas1", "tank");
  ASSERT_TRUE(pool.ok()) << pool.status();
  EXPECT_EQ(pool->pool().pool().vdevs(0).children(1).checksum_errors(), 100u);

  const std::string metrics = Metrics();
  EXPECT_THAT(metrics, HasSubstr("zfleet_events{severity=\"warning\"} 1\n"));
  EXPECT_THAT(metrics, HasSubstr("zfleet_events_total{severity=\"warning\"} 100\n"));
  EXPECT_THAT(metrics, HasSubstr("zfleet_pool_device_errors_total{host=\"nas1\",pool=\"tank\"} "
                                 "100\n"));
  EXPECT_THAT(metrics, HasSubstr("kind=\"checksum\"} 100\n"));
}

TEST_F(EventCoalescingTest, AfterAnAcknowledgementTheNextRiseIsANewEvent) {
  Poll(Mirror());
  for (uint64_t cksum = 1; cksum <= 3; ++cksum) Poll(Mirror("ONLINE", cksum));
  ASSERT_EQ(Events().size(), 1u);
  const int64_t first = Events()[0].id();
  Ack(first);
  Poll(Mirror("ONLINE", 4));
  Poll(Mirror("ONLINE", 5));

  const std::vector<v1::Event> events = Events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_NE(events[0].id(), first);
  EXPECT_EQ(events[0].count(), 2u);
  EXPECT_FALSE(events[0].has_acknowledged_at());
  EXPECT_EQ(events[1].id(), first);
  EXPECT_EQ(events[1].count(), 3u);
  EXPECT_EQ(events[1].acknowledged_by(), "oncall");
}

TEST_F(EventCoalescingTest, AFlappingPoolIsOneEventPerStateAndEveryFlipASnapshot) {
  Poll(Mirror());
  for (int i = 0; i < 5; ++i) {
    Poll(Mirror("DEGRADED"));
    Poll(Mirror("ONLINE"));
  }
  const std::vector<v1::Event> events = Events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(SeverityName(events[0].severity()), "info");
  EXPECT_THAT(events[0].message(), HasSubstr("is ONLINE again"));
  EXPECT_EQ(events[0].count(), 5u);
  EXPECT_EQ(SeverityName(events[1].severity()), "warning");
  EXPECT_THAT(events[1].message(), HasSubstr("is DEGRADED"));
  EXPECT_EQ(events[1].count(), 5u);
  EXPECT_EQ(PoolChanges(), 11);  // a state change is always history
}

TEST_F(EventCoalescingTest, AHostDroppingOutAgainAndAgainIsTwoEvents) {
  for (int i = 0; i < 3; ++i) {
    ReportPools("nas1", {Mirror()});
    clock_.Advance(config_.MissingAfter() + absl::Seconds(1));
    Tick();
  }
  ReportPools("nas1", {Mirror()});
  const std::vector<v1::Event> events = Events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].kind(), "host_back");
  EXPECT_EQ(events[0].count(), 3u);
  EXPECT_EQ(events[1].kind(), "host_missing");
  EXPECT_EQ(events[1].count(), 3u);
  // Silent once more: one more occurrence, however many ticks find the same silence.
  clock_.Advance(config_.MissingAfter() + absl::Seconds(1));
  Tick();
  Tick();
  EXPECT_EQ(Events()[0].kind(), "host_missing");
  EXPECT_EQ(Events()[0].count(), 4u);
}

}  // namespace
}  // namespace zfleet::controller
