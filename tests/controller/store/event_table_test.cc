// Store, schema version 2: migration of a version-1 file, events, acknowledgements, host
// liveness, scan progress, scrub concerns and the fleet-state reads. History and retention
// are in history_table_test.cc.
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "controller/store/sqlite.h"
#include "controller/store/store.h"
#include "controller/store/schema.h"
#include "gmock/gmock.h"
#include "model/enum_names.h"
#include "gtest/gtest.h"
#include "tests/controller/store/store_fixtures.h"
#include "tests/testing/temp_dir.h"

namespace zfleet::controller {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

const absl::Time kT0 = absl::FromUnixSeconds(1'700'000'000);

v1::Pool Tank(const std::string& state = "ONLINE", uint64_t cksum = 0) {
  v1::Pool pool = TwoDiskTank(cksum, state);
  pool.mutable_errors()->set_count(0);
  return pool;
}

v1::Event Event(const std::string& host, const std::string& severity, absl::Time t,
                const std::string& pool = "tank") {
  v1::Event e;
  e.set_time(absl::ToUnixSeconds(t));
  SetSeverity(e, ParseSeverity(severity).value_or(v1::SEVERITY_UNSPECIFIED));
  e.set_host_id(host);
  e.set_pool(pool);
  e.set_kind("pool_state");
  e.set_message(severity + " at " + absl::FormatTime(t));
  return e;
}

class StoreV2Test : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenStore(":memory:", &store_));
    for (const char* host : {"nas1", "nas2"}) {
      ASSERT_TRUE(store_->hosts().Upsert(host, "i", v1::HostInfo(), "", kT0).ok());
      ASSERT_TRUE(store_->pools().Record(host, Tank(), kT0).ok());
    }
  }
  int64_t Insert(const v1::Event& e, const std::string& key) {
    auto raised = store_->events().Insert(NewEvent{e, key, ""});
    EXPECT_TRUE(raised.ok()) << raised.status();
    return raised.ok() && raised->has_value() ? (*raised)->id : -1;
  }
  std::unique_ptr<Store> store_;
};

TEST(StoreMigrationTest, Version1FileMigratesAndKeepsItsData) {
  testing::TempDir dir;
  const std::string path = dir.File("v1.db");
  {
    absl::StatusOr<Database> db = DatabaseAtVersion(path, 1);
    ASSERT_TRUE(db.ok()) << db.status();
    ASSERT_EQ(*SchemaVersion(*db), 1);
    std::string pool_bytes;
    ASSERT_TRUE(Tank("DEGRADED").SerializeToString(&pool_bytes));
    ASSERT_TRUE(db->Exec(R"sql(
      INSERT INTO hosts (id, name, instance_id, first_seen, last_seen, info)
        VALUES (1, 'old', 'i', 1700000000, 1700000000, X'');
      INSERT INTO pools (id, host_id, name, first_seen, last_seen, changed_at)
        VALUES (1, 1, 'tank', 1700000000, 1700000000, 1700000000);)sql")
                    .ok());
    absl::StatusOr<Statement> snap = db->Prepare(R"sql(
      INSERT INTO pool_snapshots (id, pool_id, taken_at, state, scan_function, scan_state, pool)
      VALUES (1, 1, 1700000000, 'DEGRADED', '', '', ?1))sql");
    ASSERT_TRUE(snap.ok());
    snap->BindBlob(1, pool_bytes);
    ASSERT_TRUE(snap->Run().ok());
    ASSERT_TRUE(db->Exec("UPDATE pools SET last_snapshot_id = 1").ok());
  }
  auto store = Store::Open(path);
  ASSERT_TRUE(store.ok()) << store.status();
  {
    absl::StatusOr<Database> db = Database::Open(path);
    ASSERT_TRUE(db.ok());
    EXPECT_EQ(*SchemaVersion(*db), static_cast<int>(StoreMigrations().size()));
  }
  auto pool = (*store)->pools().Get("old", "tank");
  ASSERT_TRUE(pool.ok() && pool->has_value());
  EXPECT_EQ((*pool)->pool.state(), "DEGRADED");
  // A snapshot without the version-2 summary is included in triage to be safe.
  auto attention = (*store)->pools().ListNeedingAttention();
  ASSERT_TRUE(attention.ok()) << attention.status();
  ASSERT_EQ(attention->size(), 1u);
  // New rows work on the migrated file: events, and a changed snapshot with counters.
  v1::Event e = Event("old", "warning", kT0);
  ASSERT_TRUE((*store)->events().Insert(NewEvent{e, "k", ""}).ok());
  ASSERT_TRUE((*store)->pools().Record("old", Tank("ONLINE", 3), kT0 + absl::Hours(1)).ok());
  auto changes = (*store)->history().ListPoolChanges("old", "tank", 10);
  ASSERT_TRUE(changes.ok()) << changes.status();
  ASSERT_EQ(changes->size(), 2u);
  EXPECT_EQ((*changes)[0].summary(), "state DEGRADED → ONLINE; sdb CKSUM 0 → 3");
  EXPECT_EQ((*changes)[1].summary(), "first seen DEGRADED");
}

TEST_F(StoreV2Test, InsertEventIsOncePerDedupKey) {
  const int64_t id = Insert(Event("nas1", "warning", kT0), "pool_state:nas1/tank:1");
  EXPECT_GT(id, 0);
  auto again =
      store_->events().Insert(NewEvent{Event("nas1", "warning", kT0 + absl::Hours(1)),
                                           "pool_state:nas1/tank:1", ""});
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_FALSE(again->has_value());
  auto all = store_->events().List(EventFilter());
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].id(), id);
  EXPECT_EQ((*all)[0].time(), absl::ToUnixSeconds(kT0));
}

TEST_F(StoreV2Test, InsertEventRefusesBadInput) {
  auto insert = [&](const v1::Event& e, const std::string& key) {
    return store_->events().Insert(NewEvent{e, key, ""}).status().code();
  };
  EXPECT_EQ(insert(Event("ghost", "info", kT0), "k"), absl::StatusCode::kNotFound);
  EXPECT_EQ(insert(Event("nas1", "urgent", kT0), "k"), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(insert(Event("nas1", "info", kT0), ""), absl::StatusCode::kInvalidArgument);
}

TEST_F(StoreV2Test, ListEventsFiltersNewestFirst) {
  const int64_t a = Insert(Event("nas1", "info", kT0), "a");
  const int64_t b = Insert(Event("nas1", "warning", kT0 + absl::Hours(1)), "b");
  const int64_t c = Insert(Event("nas2", "critical", kT0 + absl::Hours(2)), "c");
  const int64_t d = Insert(Event("nas1", "critical", kT0 + absl::Hours(3), "other"), "d");
  auto ids = [&](const EventFilter& f) {
    std::vector<int64_t> out;
    absl::StatusOr<std::vector<v1::Event>> events = store_->events().List(f);
    EXPECT_TRUE(events.ok()) << events.status();
    for (const v1::Event& e : *events) out.push_back(e.id());
    return out;
  };
  EventFilter f;
  EXPECT_THAT(ids(f), ElementsAre(d, c, b, a));
  f.min_severity = v1::SEVERITY_WARNING;
  EXPECT_THAT(ids(f), ElementsAre(d, c, b));
  f.min_severity = v1::SEVERITY_CRITICAL;
  EXPECT_THAT(ids(f), ElementsAre(d, c));
  f = EventFilter();
  f.since = kT0 + absl::Hours(1);
  EXPECT_THAT(ids(f), ElementsAre(d, c, b));
  f = EventFilter();
  f.host_id = "nas1";
  EXPECT_THAT(ids(f), ElementsAre(d, b, a));
  f.pool = "tank";
  EXPECT_THAT(ids(f), ElementsAre(b, a));
  f = EventFilter();
  f.limit = 2;
  EXPECT_THAT(ids(f), ElementsAre(d, c));
  f.limit = 0;
  EXPECT_THAT(ids(f), IsEmpty());
  ASSERT_TRUE(store_->events().Ack({c}, "alice", kT0).ok());
  f = EventFilter();
  f.unacknowledged_only = true;
  EXPECT_THAT(ids(f), ElementsAre(d, b, a));
}

TEST_F(StoreV2Test, AckKeepsTheFirstAcknowledgementAndListsUnknownIds) {
  const int64_t a = Insert(Event("nas1", "warning", kT0), "a");
  const int64_t b = Insert(Event("nas1", "critical", kT0), "b");
  auto first = store_->events().Ack({a}, "alice", kT0 + absl::Minutes(5));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_THAT(first->acknowledged, ElementsAre(a));
  auto second = store_->events().Ack({a, b, 999}, "bob", kT0 + absl::Minutes(9));
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_THAT(second->acknowledged, ElementsAre(a, b));
  EXPECT_THAT(second->unknown, ElementsAre(999));
  auto events = store_->events().List(EventFilter());
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[1].id(), a);
  EXPECT_EQ((*events)[1].acknowledged_by(), "alice");
  EXPECT_EQ((*events)[1].acknowledged_at(), absl::ToUnixSeconds(kT0 + absl::Minutes(5)));
  EXPECT_EQ((*events)[0].acknowledged_by(), "bob");

  auto counts = store_->events().Count();
  ASSERT_TRUE(counts.ok());
  ASSERT_EQ(counts->size(), 2u);
  EXPECT_EQ((*counts)[0].severity, "critical");
  EXPECT_EQ((*counts)[0].total, 1);
  EXPECT_EQ((*counts)[0].unacknowledged, 0);
}

TEST_F(StoreV2Test, HostMissingFlag) {
  ASSERT_TRUE(store_->hosts().SetMissing("nas1", kT0).ok());
  auto hosts = store_->hosts().ListLiveness();
  ASSERT_TRUE(hosts.ok());
  ASSERT_EQ(hosts->size(), 2u);
  EXPECT_EQ((*hosts)[0].missing_since, kT0);
  EXPECT_FALSE((*hosts)[1].missing_since.has_value());
  // A report does not clear the flag by itself: host_back does (ingest/report_effects).
  ASSERT_TRUE(store_->hosts().Upsert("nas1", "i2", v1::HostInfo(), "", kT0 + absl::Hours(1)).ok());
  auto one = store_->hosts().GetLiveness("nas1");
  ASSERT_TRUE(one.ok() && one->has_value());
  EXPECT_EQ((*one)->missing_since, kT0);
  EXPECT_EQ((*one)->last_seen, kT0 + absl::Hours(1));
  ASSERT_TRUE(store_->hosts().SetMissing("nas1", std::nullopt).ok());
  EXPECT_FALSE((*store_->hosts().GetLiveness("nas1"))->missing_since.has_value());
  EXPECT_EQ(store_->hosts().SetMissing("ghost", kT0).code(), absl::StatusCode::kNotFound);
  EXPECT_FALSE(store_->hosts().GetLiveness("ghost")->has_value());
}

TEST_F(StoreV2Test, ScanProgressRoundTrip) {
  ScanProgress p;
  p.function = "scrub";
  p.start_time = 1'699'990'000;
  p.progress = 123456;
  p.percent_done = 12.5;
  p.progressed_at = kT0;
  ASSERT_TRUE(store_->scan_watch().SetProgress("nas1", "tank", p).ok());
  auto got = store_->scan_watch().GetProgress("nas1", "tank");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->start_time, p.start_time);
  EXPECT_DOUBLE_EQ((*got)->progress, 123456);
  EXPECT_EQ((*got)->percent_done, 12.5);
  EXPECT_EQ((*got)->progressed_at, kT0);
  p.paused = true;
  ASSERT_TRUE(store_->scan_watch().SetProgress("nas1", "tank", p).ok());
  auto all = store_->scan_watch().ListProgress();
  ASSERT_EQ(all->size(), 1u);
  EXPECT_TRUE((*all)[0].progress.paused);
  ASSERT_TRUE(store_->scan_watch().SetProgress("nas1", "tank", std::nullopt).ok());
  EXPECT_FALSE(store_->scan_watch().GetProgress("nas1", "tank")->has_value());
  EXPECT_EQ(store_->scan_watch().SetProgress("nas1", "nope", p).code(), absl::StatusCode::kNotFound);
}

TEST_F(StoreV2Test, ScrubConcernsAreReplacedPerKind) {
  ScrubConcern overdue{ScrubConcern::Kind::kOverdue, "nas1", "tank", kT0, "last scrub x"};
  ScrubConcern stalled{ScrubConcern::Kind::kStalled, "nas2", "tank", kT0, "no progress"};
  ASSERT_TRUE(store_->scan_watch().ReplaceConcerns(ScrubConcern::Kind::kOverdue, {overdue}).ok());
  ASSERT_TRUE(store_->scan_watch().ReplaceConcerns(ScrubConcern::Kind::kStalled, {stalled}).ok());
  auto all = store_->scan_watch().ListConcerns();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].detail, "last scrub x");
  EXPECT_EQ((*all)[1].kind, ScrubConcern::Kind::kStalled);
  ASSERT_TRUE(store_->scan_watch().ReplaceConcerns(ScrubConcern::Kind::kOverdue, {}).ok());
  EXPECT_EQ(store_->scan_watch().ListConcerns()->size(), 1u);
  ASSERT_TRUE(store_->scan_watch().ClearConcern("nas2", "tank", ScrubConcern::Kind::kStalled).ok());
  EXPECT_THAT(*store_->scan_watch().ListConcerns(), IsEmpty());
  EXPECT_EQ(store_->scan_watch().ReplaceConcerns(ScrubConcern::Kind::kOverdue, {stalled}).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(StoreV2Test, FleetStateReads) {
  ASSERT_TRUE(store_->pools().Record("nas2", Tank("ONLINE", 4), kT0 + absl::Minutes(1)).ok());
  auto attention = store_->pools().ListNeedingAttention();
  ASSERT_TRUE(attention.ok()) << attention.status();
  ASSERT_EQ(attention->size(), 1u);
  EXPECT_EQ((*attention)[0].host_id, "nas2");

  v1::ScrubRun run;
  run.set_host_id("nas1");
  run.set_pool("tank");
  SetTrigger(run, v1::TRIGGER_SCHEDULED);
  SetRunState(run, v1::RUN_FINISHED);
  run.set_requested_at(100);
  run.set_ended_at(200);
  run.set_bytes_repaired(5);
  ASSERT_TRUE(store_->scrub_runs().Insert(run).ok());
  SetRunState(run, v1::RUN_CANCELED);
  run.set_ended_at(300);
  ASSERT_TRUE(store_->scrub_runs().Insert(run).ok());
  auto status = store_->pools().ListScrubStates();
  ASSERT_TRUE(status.ok()) << status.status();
  ASSERT_EQ(status->size(), 2u);
  const PoolScrubState& nas1 = (*status)[0];
  ASSERT_TRUE(nas1.last_ended.has_value() && nas1.last_finished.has_value());
  EXPECT_EQ(nas1.last_ended->state(), v1::RUN_CANCELED);
  EXPECT_EQ(nas1.last_finished->ended_at(), 200);
  EXPECT_FALSE((*status)[1].last_ended.has_value());

  EXPECT_EQ(nas1.device_errors, 0u);
  EXPECT_EQ((*status)[1].device_errors, 4u);

  auto leaves = store_->pools().ListDevicesWithErrors();
  ASSERT_TRUE(leaves.ok()) << leaves.status();
  ASSERT_EQ(leaves->size(), 1u);
  EXPECT_EQ((*leaves)[0].host_id, "nas2");
  EXPECT_EQ((*leaves)[0].path, "/dev/sdb");
  EXPECT_EQ((*leaves)[0].checksum_errors, 4u);
  EXPECT_EQ((*leaves)[0].read_errors, 0u);
}

TEST_F(StoreV2Test, InteriorVdevCountersAreNotDevices) {
  v1::Pool pool = Tank();
  pool.mutable_vdevs(0)->set_checksum_errors(9);  // mirror-0
  ASSERT_TRUE(store_->pools().Record("nas1", pool, kT0 + absl::Minutes(1)).ok());
  EXPECT_THAT(*store_->pools().ListDevicesWithErrors(), IsEmpty());
}

TEST_F(StoreV2Test, HostsNeedingAttentionByStackFlagOrSilence) {
  // Hosts whose flag was never set are included to be safe.
  auto unknown = store_->hosts().ListNeedingAttention(kT0);
  ASSERT_TRUE(unknown.ok()) << unknown.status();
  EXPECT_EQ(unknown->size(), 2u);
  ASSERT_TRUE(store_->hosts().SetStackAttention("nas1", false).ok());
  ASSERT_TRUE(store_->hosts().SetStackAttention("nas2", false).ok());
  EXPECT_THAT(*store_->hosts().ListNeedingAttention(kT0), IsEmpty());
  EXPECT_EQ(store_->hosts().ListNeedingAttention(kT0 + absl::Seconds(1))->size(), 2u);
  ASSERT_TRUE(store_->hosts().SetStackAttention("nas2", true).ok());
  auto flagged = store_->hosts().ListNeedingAttention(kT0);
  ASSERT_EQ(flagged->size(), 1u);
  EXPECT_EQ((*flagged)[0].host_id, "nas2");
  EXPECT_EQ((*flagged)[0].pool_count, 1u);
  EXPECT_EQ((*store_->hosts().GetLiveness("nas2"))->stack_attention, true);
  EXPECT_EQ(store_->hosts().SetStackAttention("ghost", true).code(), absl::StatusCode::kNotFound);
}

TEST_F(StoreV2Test, ControllerValues) {
  EXPECT_FALSE(store_->state().Get("x")->has_value());
  ASSERT_TRUE(store_->state().Set("x", 5).ok());
  ASSERT_TRUE(store_->state().Set("x", 6).ok());
  EXPECT_EQ(**store_->state().Get("x"), 6);
}

}  // namespace
}  // namespace zfleet::controller
