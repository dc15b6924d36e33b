// The tick's retention pass (retention.h): when it runs, that each table is trimmed by its
// age, and that a backlog is worked off a bounded batch per tick.
#include "controller/events/retention.h"

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "controller/store/store.h"
#include "gtest/gtest.h"
#include "model/enum_names.h"
#include "tests/controller/store/store_fixtures.h"

namespace zfleet::controller {
namespace {

// Midnight UTC.
const absl::Time kDay0 = absl::FromUnixSeconds(1'700'006'400);
constexpr absl::Duration kDay = absl::Hours(24);

class RetentionPassTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenStore(":memory:", &store_));
    ASSERT_TRUE(store_->hosts().Upsert("nas1", "i", v1::HostInfo(), "", kDay0).ok());
    ASSERT_TRUE(store_->pools().Record("nas1", TwoDiskTank(0, "ONLINE"), kDay0).ok());
    policy_.batch = 2;
  }
  // `n` acknowledged events at `t`.
  void OldEvents(int n, absl::Time t) {
    for (int i = 0; i < n; ++i) {
      v1::Event e;
      e.set_time(absl::ToUnixSeconds(t));
      SetSeverity(e, v1::SEVERITY_INFO);
      e.set_host_id("nas1");
      e.set_kind("host_back");
      auto raised = store_->events().Insert(NewEvent{e, absl::StrCat("k", next_key_++), ""});
      ASSERT_TRUE(raised.ok() && raised->has_value()) << raised.status();
    }
  }
  RetentionPass Pass(absl::Time now) {
    auto pass = TrimStore(*store_, policy_, now);
    EXPECT_TRUE(pass.ok()) << pass.status();
    return pass.ok() ? *pass : RetentionPass();
  }
  size_t EventsLeft() { return store_->events().List(EventFilter())->size(); }

  std::unique_ptr<Store> store_;
  RetentionPolicy policy_;
  int next_key_ = 0;
};

TEST_F(RetentionPassTest, ABacklogGoesABatchPerTickThenHourly) {
  OldEvents(5, kDay0);
  const absl::Time now = kDay0 + 200 * kDay;
  RetentionPass pass = Pass(now);
  EXPECT_TRUE(pass.ran);
  EXPECT_EQ(pass.events, 2);
  EXPECT_TRUE(pass.more);
  EXPECT_EQ(EventsLeft(), 3u);
  // Work left: the next tick runs at once.
  pass = Pass(now + absl::Seconds(30));
  EXPECT_EQ(pass.events, 2);
  pass = Pass(now + absl::Seconds(60));
  EXPECT_EQ(pass.events, 1);
  EXPECT_FALSE(pass.more);
  EXPECT_EQ(EventsLeft(), 0u);
  // Nothing left: the next pass waits an hour.
  OldEvents(1, kDay0);
  EXPECT_FALSE(Pass(now + absl::Minutes(30)).ran);
  EXPECT_EQ(EventsLeft(), 1u);
  pass = Pass(now + absl::Minutes(61));
  EXPECT_TRUE(pass.ran);
  EXPECT_EQ(pass.events, 1);
}

TEST_F(RetentionPassTest, EachTableByItsOwnAge) {
  OldEvents(1, kDay0);
  CommandRecord done;
  done.id = "c1";
  done.host_id = "nas1";
  done.pool = "tank";
  done.kind = v1::SCRUB_START;
  done.created_at = kDay0;
  done.state = CommandState::kDone;
  done.acked_at = kDay0;
  ASSERT_TRUE(store_->commands().Insert(done).ok());
  v1::AuditEntry entry;
  entry.set_time(absl::ToUnixSeconds(kDay0));
  ASSERT_TRUE(store_->audit().Append(entry).ok());

  // 40 days on: commands (30 d) go; events (90 d) and the audit (730 d) stay.
  RetentionPass pass = Pass(kDay0 + 40 * kDay);
  EXPECT_EQ(pass.commands, 1);
  EXPECT_EQ(pass.events, 0);
  EXPECT_EQ(pass.audit, 0);
  pass = Pass(kDay0 + 100 * kDay);
  EXPECT_EQ(pass.events, 1);
  EXPECT_EQ(pass.audit, 0);
  pass = Pass(kDay0 + 800 * kDay);
  EXPECT_EQ(pass.audit, 1);
}

TEST_F(RetentionPassTest, CounterSamplesAreThinnedADayAtATime) {
  // Three days of a counter that rises by one every 20 minutes: 72 samples a day.
  for (int i = 1; i <= 3 * 72; ++i) {
    ASSERT_TRUE(store_->pools()
                    .Record("nas1", TwoDiskTank(i, "ONLINE"), kDay0 + absl::Minutes(20 * i))
                    .ok());
  }
  policy_.batch = 1000;
  policy_.counters = 30 * kDay;
  const absl::Time now = kDay0 + 40 * kDay;
  // Day 0: all but the baseline, the first errors and the day's last sample go.
  RetentionPass pass = Pass(now);
  EXPECT_EQ(pass.counters, 72 - 3);
  EXPECT_TRUE(pass.more);
  pass = Pass(now);
  EXPECT_EQ(pass.counters, 72 - 2);
  pass = Pass(now);
  EXPECT_EQ(pass.counters, 70);
  // Day 3 holds only the last sample: nothing to thin, and no more work.
  pass = Pass(now);
  EXPECT_EQ(pass.counters, 0);
  pass = Pass(now);
  EXPECT_FALSE(pass.more);
  auto history = store_->history().GetDiskHistory("nas1", "tank", 1000);
  ASSERT_TRUE(history.ok());
  // Per day the first and the last: days 0 (baseline, first error, last), 1, 2, and 3.
  EXPECT_EQ(history->at("sdb").size(), 3u + 2u + 2u + 1u);
  EXPECT_EQ(history->at("sdb").back().checksum_errors(), 216u);
}

}  // namespace
}  // namespace zfleet::controller
