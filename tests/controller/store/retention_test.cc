// The store's growth, bounded: events coalescing by condition, counter refreshes in place of
// snapshots, counter samples kept apart while they rise, and each table's retention rule
// with its batches (events, counter samples, commands, scrub runs, audit).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "controller/store/sqlite.h"
#include "controller/store/store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/enum_names.h"
#include "tests/controller/store/store_fixtures.h"
#include "tests/testing/temp_dir.h"

namespace zfleet::controller {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

// Midnight UTC.
const absl::Time kRetentionDay0 = absl::FromUnixSeconds(1'700'006'400);

// A counter sample: minutes after kRetentionDay0, checksum errors.
using Sample = std::pair<int64_t, int64_t>;

v1::Event Event(const std::string& severity, absl::Time t, const std::string& message = "") {
  v1::Event e;
  e.set_time(absl::ToUnixSeconds(t));
  SetSeverity(e, ParseSeverity(severity).value_or(v1::SEVERITY_UNSPECIFIED));
  e.set_host_id("nas1");
  e.set_pool("tank");
  e.set_kind("device_errors");
  e.set_message(message.empty() ? severity : message);
  return e;
}

class StoreGrowthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.File("zfleet.db");
    ASSERT_NO_FATAL_FAILURE(OpenStore(path_, &store_));
    ASSERT_TRUE(store_->hosts().Upsert("nas1", "i", v1::HostInfo(), "", kRetentionDay0).ok());
    Record(TwoDiskTank(0, "ONLINE"), kRetentionDay0);
  }
  void Record(const v1::Pool& pool, absl::Time t) {
    auto write = store_->pools().Record("nas1", pool, t);
    ASSERT_TRUE(write.ok()) << write.status();
  }
  std::optional<RaisedEvent> Raise(const v1::Event& e, const std::string& key,
                                   const std::string& condition) {
    auto raised = store_->events().Insert(NewEvent{e, key, condition});
    EXPECT_TRUE(raised.ok()) << raised.status();
    return raised.ok() ? *raised : std::nullopt;
  }
  // One column of every row of a query, read on a second connection.
  std::vector<int64_t> Column(const std::string& sql) {
    absl::StatusOr<Database> db = Database::Open(path_);
    EXPECT_TRUE(db.ok());
    absl::StatusOr<Statement> stmt = db->Prepare(sql);
    EXPECT_TRUE(stmt.ok()) << stmt.status();
    std::vector<int64_t> out;
    while (stmt.ok() && *stmt->Step()) out.push_back(stmt->ColumnInt64(0));
    return out;
  }
  int64_t Count(const std::string& table) { return Column("SELECT COUNT(*) FROM " + table).at(0); }
  // sdb's counter samples.
  std::vector<Sample> SdbSamples() {
    absl::StatusOr<Database> db = Database::Open(path_);
    EXPECT_TRUE(db.ok());
    absl::StatusOr<Statement> stmt = db->Prepare(
        "SELECT time, checksum_errors FROM vdev_counters WHERE vdev = 'sdb' ORDER BY id");
    EXPECT_TRUE(stmt.ok());
    std::vector<Sample> out;
    while (*stmt->Step()) {
      out.emplace_back((stmt->ColumnInt64(0) - absl::ToUnixSeconds(kRetentionDay0)) / 60,
                       stmt->ColumnInt64(1));
    }
    return out;
  }
  int64_t Total(const std::string& severity) {
    auto counts = store_->events().Count();
    EXPECT_TRUE(counts.ok()) << counts.status();
    for (const EventCount& c : *counts) {
      if (c.severity == severity) return c.total;
    }
    return 0;
  }

  testing::TempDir dir_;
  std::string path_;
  std::unique_ptr<Store> store_;
};

TEST_F(StoreGrowthTest, RepeatsOfAnOpenConditionCoalesceUntilAcknowledged) {
  auto first = Raise(Event("warning", kRetentionDay0, "CKSUM 0 → 1"), "k1", "device_errors:sdb");
  ASSERT_TRUE(first.has_value());
  EXPECT_FALSE(first->repeat);
  auto second = Raise(Event("warning", kRetentionDay0 + absl::Minutes(5), "CKSUM 1 → 2"), "k2",
                      "device_errors:sdb");
  ASSERT_TRUE(second.has_value());
  EXPECT_TRUE(second->repeat);
  EXPECT_EQ(second->id, first->id);
  // The same change found again is still stored once.
  EXPECT_FALSE(Raise(Event("warning", kRetentionDay0 + absl::Minutes(6)), "k2", "device_errors:sdb")
                   .has_value());
  // Another condition, and an event without one, are events of their own.
  auto other =
      Raise(Event("warning", kRetentionDay0 + absl::Minutes(7)), "k3", "device_errors:sda");
  auto plain = Raise(Event("info", kRetentionDay0 + absl::Minutes(8)), "k4", "");
  ASSERT_TRUE(other.has_value() && plain.has_value());
  EXPECT_NE(other->id, first->id);

  auto events = store_->events().List(EventFilter());
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->size(), 3u);
  const v1::Event& sdb = (*events)[2];  // last seen newest first
  EXPECT_EQ(sdb.id(), first->id);
  EXPECT_EQ(sdb.count(), 2u);
  EXPECT_EQ(sdb.time(), absl::ToUnixSeconds(kRetentionDay0));
  EXPECT_EQ(sdb.last_seen(), absl::ToUnixSeconds(kRetentionDay0 + absl::Minutes(5)));
  EXPECT_EQ(sdb.message(), "CKSUM 1 → 2");
  EXPECT_EQ((*events)[0].count(), 1u);
  EXPECT_EQ((*events)[0].last_seen(), (*events)[0].time());

  // Listing since a time goes by the latest occurrence.
  EventFilter recent;
  recent.since = kRetentionDay0 + absl::Minutes(4);
  EXPECT_EQ(store_->events().List(recent)->size(), 3u);

  // Acknowledged: the next occurrence opens a new event; the old one keeps its count.
  ASSERT_TRUE(store_->events().Ack({first->id}, "alice", kRetentionDay0 + absl::Minutes(10)).ok());
  auto after_ack = Raise(Event("warning", kRetentionDay0 + absl::Minutes(11), "CKSUM 2 → 3"), "k5",
                         "device_errors:sdb");
  ASSERT_TRUE(after_ack.has_value());
  EXPECT_FALSE(after_ack->repeat);
  EXPECT_NE(after_ack->id, first->id);
  // The counter of raised events counts occurrences, repeats included.
  EXPECT_EQ(Total("warning"), 4);
  EXPECT_EQ(Total("info"), 1);
}

TEST_F(StoreGrowthTest, ARepeatMayRaiseTheSeverityNeverLowerIt) {
  auto first = Raise(Event("critical", kRetentionDay0), "a", "cond");
  auto repeat = Raise(Event("warning", kRetentionDay0 + absl::Minutes(1)), "b", "cond");
  ASSERT_TRUE(first.has_value() && repeat.has_value());
  auto events = store_->events().List(EventFilter());
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].severity(), v1::SEVERITY_CRITICAL);
  Raise(Event("warning", kRetentionDay0 + absl::Minutes(2)), "c", "rising");
  Raise(Event("critical", kRetentionDay0 + absl::Minutes(3)), "d", "rising");
  events = store_->events().List(EventFilter());
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].severity(), v1::SEVERITY_CRITICAL);
  EXPECT_EQ((*events)[0].count(), 2u);
}

TEST_F(StoreGrowthTest, RisingCountersRefreshTheSnapshotAndAreSampledApart) {
  ASSERT_EQ(Count("pool_snapshots"), 1);
  // sdb's first errors are a change of the pool's health: a snapshot of their own.
  Record(TwoDiskTank(1, "ONLINE"), kRetentionDay0 + absl::Minutes(1));
  EXPECT_EQ(Count("pool_snapshots"), 2);
  // Then one more error a minute for an hour: the latest snapshot refreshed in place.
  for (int m = 2; m <= 61; ++m) Record(TwoDiskTank(m, "ONLINE"), kRetentionDay0 + absl::Minutes(m));
  EXPECT_EQ(Count("pool_snapshots"), 2);
  auto stored = store_->pools().Get("nas1", "tank");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->pool.vdevs(0).children(1).checksum_errors(), 61u);
  // The narrow tables the status, metrics and triage read follow the refresh.
  EXPECT_THAT(Column("SELECT checksum_errors FROM vdevs WHERE name = 'sdb'"), ElementsAre(61));
  EXPECT_THAT(Column("SELECT device_errors FROM snapshot_facts ORDER BY snapshot_id"),
              ElementsAre(0, 61));
  EXPECT_THAT(Column("SELECT leaf_errors FROM pool_status"), ElementsAre(61));
  // Samples stay ten minutes apart while the counter keeps rising; the first error keeps
  // its own time, and the newest sample is the latest count.
  EXPECT_THAT(SdbSamples(),
              ElementsAre(Sample{0, 0}, Sample{1, 1}, Sample{11, 11}, Sample{21, 21},
                          Sample{31, 31}, Sample{41, 41}, Sample{51, 51}, Sample{61, 61}));
  // A reset (zpool clear) is a snapshot and a sample of its own, and so are errors again.
  Record(TwoDiskTank(0, "ONLINE"), kRetentionDay0 + absl::Minutes(62));
  Record(TwoDiskTank(1, "ONLINE"), kRetentionDay0 + absl::Minutes(63));
  Record(TwoDiskTank(2, "ONLINE"), kRetentionDay0 + absl::Minutes(64));
  EXPECT_EQ(Count("pool_snapshots"), 4);
  auto tail = SdbSamples();
  ASSERT_GE(tail.size(), 3u);
  EXPECT_THAT(std::vector<Sample>(tail.end() - 3, tail.end()),
              ElementsAre(Sample{62, 0}, Sample{63, 1}, Sample{64, 2}));
  // A state change is a snapshot, whatever the counters do.
  Record(TwoDiskTank(3, "DEGRADED"), kRetentionDay0 + absl::Minutes(65));
  EXPECT_EQ(Count("pool_snapshots"), 5);
}

TEST_F(StoreGrowthTest, PlanKeepsCounterLevelsMaterial) {
  const v1::Pool clean = TwoDiskTank(0, "ONLINE");
  const v1::Pool three = TwoDiskTank(3, "ONLINE");
  const v1::Pool four = TwoDiskTank(4, "ONLINE");
  auto plan = PlanPoolWrite(&clean, false, three);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->snapshot, PoolWritePlan::Snapshot::kNew);
  plan = PlanPoolWrite(&three, false, four);
  EXPECT_EQ(plan->snapshot, PoolWritePlan::Snapshot::kRefresh);
  EXPECT_TRUE(plan->counters_changed);
  EXPECT_TRUE(plan->write_status);
  plan = PlanPoolWrite(&four, false, clean);
  EXPECT_EQ(plan->snapshot, PoolWritePlan::Snapshot::kNew);
  v1::Pool bigger = four;
  bigger.set_allocated_bytes(1 << 20);
  plan = PlanPoolWrite(&four, false, bigger);
  EXPECT_EQ(plan->snapshot, PoolWritePlan::Snapshot::kRefresh);
  EXPECT_FALSE(plan->counters_changed);
  plan = PlanPoolWrite(&four, false, four);
  EXPECT_EQ(plan->snapshot, PoolWritePlan::Snapshot::kTouch);
  EXPECT_FALSE(plan->counters_changed);
}

TEST_F(StoreGrowthTest, EventRetentionByAgeAcknowledgementAndSeverityInBatches) {
  const absl::Time old = kRetentionDay0;
  const absl::Time now = kRetentionDay0 + absl::Hours(24 * 100);
  auto acked = Raise(Event("warning", old), "acked", "");
  Raise(Event("info", old), "info", "");
  auto open = Raise(Event("critical", old), "open", "");
  // Repeated until recently: its last occurrence keeps it.
  auto repeated = Raise(Event("warning", old), "rep1", "c");
  Raise(Event("warning", now - absl::Hours(24)), "rep2", "c");
  auto recent = Raise(Event("info", now - absl::Hours(24)), "recent", "");
  ASSERT_TRUE(store_->events().Ack({acked->id}, "alice", old + absl::Hours(1)).ok());
  ASSERT_TRUE(store_->events().Ack({repeated->id}, "alice", now - absl::Hours(1)).ok());
  const int64_t warnings_before = Total("warning");

  // Acknowledged or info and last seen 90 days ago: deleted; an open critical stays.
  EventRetention rule{now - absl::Hours(24 * 90), now - absl::Hours(24 * 365), 1};
  EXPECT_EQ(*store_->events().DeleteOld(rule), 1);  // one batch
  EXPECT_EQ(*store_->events().DeleteOld(rule), 1);
  EXPECT_EQ(*store_->events().DeleteOld(rule), 0);
  std::vector<int64_t> left;
  for (const v1::Event& e : *store_->events().List(EventFilter())) left.push_back(e.id());
  EXPECT_THAT(left, UnorderedElementsAre(open->id, repeated->id, recent->id));
  // Deleted events keep counting among those raised.
  EXPECT_EQ(Total("warning"), warnings_before);
  EXPECT_EQ(Total("info"), 2);

  // Past the age for any event, even an open one goes.
  rule.any_before = now - absl::Hours(24 * 50);
  rule.limit = 100;
  EXPECT_EQ(*store_->events().DeleteOld(rule), 1);
  EXPECT_EQ(store_->events().List(EventFilter())->size(), 2u);
  EXPECT_EQ(Total("critical"), 1);
  EXPECT_EQ(Count("events"), 2);
}

TEST_F(StoreGrowthTest, ForgettingAHostKeepsItsEventsCounted) {
  Raise(Event("warning", kRetentionDay0), "a", "c");
  Raise(Event("warning", kRetentionDay0 + absl::Minutes(1)), "b", "c");
  ASSERT_TRUE(store_->ForgetHost("nas1").ok());
  EXPECT_EQ(Count("events"), 0);
  EXPECT_EQ(Total("warning"), 2);
}

TEST_F(StoreGrowthTest, CommandRetentionKeepsPendingOnes) {
  const absl::Time now = kRetentionDay0 + absl::Hours(24 * 40);
  auto command = [&](const std::string& id, CommandState state, absl::Time at) {
    CommandRecord c;
    c.id = id;
    c.host_id = "nas1";
    c.pool = "tank";
    c.kind = v1::SCRUB_START;
    c.created_at = at;
    c.state = state;
    if (state != CommandState::kPending) c.acked_at = at + absl::Minutes(1);
    ASSERT_TRUE(store_->commands().Insert(c).ok());
  };
  command("old-done", CommandState::kDone, kRetentionDay0);
  command("old-failed", CommandState::kFailed, kRetentionDay0 + absl::Hours(1));
  command("old-pending", CommandState::kPending, kRetentionDay0);
  command("new-done", CommandState::kDone, now - absl::Hours(1));
  EXPECT_EQ(*store_->commands().DeleteEnded(now - absl::Hours(24 * 30), 1), 1);
  EXPECT_EQ(*store_->commands().DeleteEnded(now - absl::Hours(24 * 30), 10), 1);
  EXPECT_EQ(*store_->commands().DeleteEnded(now - absl::Hours(24 * 30), 10), 0);
  EXPECT_TRUE(store_->commands().Get("nas1", "old-pending")->has_value());
  EXPECT_TRUE(store_->commands().Get("nas1", "new-done")->has_value());
  EXPECT_FALSE(store_->commands().Get("nas1", "old-done")->has_value());
}

TEST_F(StoreGrowthTest, ScrubRunRetentionKeepsEachPoolsLatestRuns) {
  v1::Pool other = TwoDiskTank(0, "ONLINE");
  other.set_name("other");
  Record(other, kRetentionDay0);
  auto run = [&](const std::string& pool, v1::ScrubRunState state, int day) {
    v1::ScrubRun r;
    r.set_host_id("nas1");
    r.set_pool(pool);
    SetTrigger(r, v1::TRIGGER_SCHEDULED);
    SetRunState(r, state);
    r.set_requested_at(absl::ToUnixSeconds(kRetentionDay0 + absl::Hours(24 * day)));
    if (state != v1::RUN_RUNNING && state != v1::RUN_REQUESTED) {
      r.set_ended_at(r.requested_at() + 3600);
    }
    auto id = store_->scrub_runs().Insert(r);
    EXPECT_TRUE(id.ok()) << id.status();
    return id.ok() ? *id : 0;
  };
  run("tank", v1::RUN_FINISHED, 0);
  const int64_t t2 = run("tank", v1::RUN_FINISHED, 7);  // tank's latest finished
  run("tank", v1::RUN_CANCELED, 14);
  const int64_t t4 = run("tank", v1::RUN_FAILED, 21);   // tank's latest ended
  const int64_t t5 = run("tank", v1::RUN_RUNNING, 28);  // tank's newest
  // other: a run a command still names, then two finished ones (the second its latest of
  // every kind).
  const int64_t named = run("other", v1::RUN_CANCELED, 0);
  run("other", v1::RUN_FINISHED, 0);
  const int64_t o3 = run("other", v1::RUN_FINISHED, 1);
  CommandRecord stop;
  stop.id = "stop-1";
  stop.host_id = "nas1";
  stop.pool = "other";
  stop.kind = v1::SCRUB_STOP;
  stop.scrub_run_id = named;
  stop.created_at = kRetentionDay0;
  ASSERT_TRUE(store_->commands().Insert(stop).ok());

  // Within the age, nothing goes.
  EXPECT_EQ(*store_->scrub_runs().DeleteEnded(kRetentionDay0, 100), 0);
  const absl::Time cut = kRetentionDay0 + absl::Hours(24 * 400);
  EXPECT_EQ(*store_->scrub_runs().DeleteEnded(cut, 1), 1);
  EXPECT_EQ(*store_->scrub_runs().DeleteEnded(cut, 100), 2);
  EXPECT_EQ(*store_->scrub_runs().DeleteEnded(cut, 100), 0);
  EXPECT_THAT(Column("SELECT id FROM scrub_runs ORDER BY id"), ElementsAre(t2, t4, t5, named, o3));
}

TEST_F(StoreGrowthTest, AuditRetentionOldestFirstInBatches) {
  for (int day : {0, 1, 2, 300}) {
    v1::AuditEntry entry;
    entry.set_time(absl::ToUnixSeconds(kRetentionDay0 + absl::Hours(24 * day)));
    entry.set_who("alice");
    entry.set_action("ack");
    ASSERT_TRUE(store_->audit().Append(entry).ok());
  }
  const absl::Time cut = kRetentionDay0 + absl::Hours(24 * 100);
  EXPECT_EQ(*store_->audit().DeleteBefore(cut, 2), 2);
  EXPECT_EQ(*store_->audit().DeleteBefore(cut, 2), 1);
  EXPECT_EQ(*store_->audit().DeleteBefore(cut, 2), 0);
  auto left = store_->audit().List(absl::InfinitePast(), 10);
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ((*left)[0].time(), absl::ToUnixSeconds(kRetentionDay0 + absl::Hours(24 * 300)));
}

TEST_F(StoreGrowthTest, CounterThinningKeepsFirstLastAndResetsOfEachDay) {
  // Day 1: sdb's errors rise every 20 minutes (rows that stay), are cleared, rise again.
  const absl::Time day1 = kRetentionDay0 + absl::Hours(24);
  std::vector<int> counts = {1, 2, 3, 4, 5, 0, 1, 2, 3};
  for (size_t i = 0; i < counts.size(); ++i) {
    Record(TwoDiskTank(counts[i], "ONLINE"), day1 + absl::Minutes(20 * static_cast<int>(i)));
  }
  // Day 2: more rises, left alone by a thinning of day 1.
  Record(TwoDiskTank(4, "ONLINE"), day1 + absl::Hours(24));
  Record(TwoDiskTank(5, "ONLINE"), day1 + absl::Hours(25));
  const auto before = SdbSamples();
  ASSERT_EQ(before.size(), 12u);  // the baseline of day 0, 9 of day 1, 2 of day 2

  EXPECT_EQ(*store_->history().ThinCounters(day1 + absl::Hours(5), 1), 1);
  EXPECT_EQ(*store_->history().ThinCounters(day1, 100), 3);
  EXPECT_EQ(*store_->history().ThinCounters(day1, 100), 0);  // a day thins once
  // Kept of day 1: its first (1), the rows around the reset (5, 0), the errors beginning
  // again (1) and its last (3).
  EXPECT_THAT(SdbSamples(),
              ElementsAre(Sample{0, 0}, Sample{24 * 60, 1}, Sample{24 * 60 + 80, 5},
                          Sample{24 * 60 + 100, 0}, Sample{24 * 60 + 120, 1},
                          Sample{24 * 60 + 160, 3}, Sample{48 * 60, 4}, Sample{49 * 60, 5}));
  // sda's single baseline row on day 0 is alone in its day: kept.
  EXPECT_EQ(*store_->history().ThinCounters(kRetentionDay0, 100), 0);

  EXPECT_EQ(**store_->history().FirstCounterTime(absl::UnixEpoch()), kRetentionDay0);
  EXPECT_EQ(**store_->history().FirstCounterTime(kRetentionDay0 + absl::Seconds(1)), day1);
  EXPECT_FALSE(store_->history().FirstCounterTime(day1 + absl::Hours(26))->has_value());
}

}  // namespace
}  // namespace zfleet::controller
