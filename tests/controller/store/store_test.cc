#include "controller/store/store.h"

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/status_macros.h"
#include "controller/store/schema.h"
#include "controller/store/sqlite.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "model/enum_names.h"
#include "tests/controller/store/store_fixtures.h"
#include "tests/testing/pool_builders.h"
#include "tests/testing/temp_dir.h"

namespace zfleet::controller {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::zfleet::testing::TempDir;

const absl::Time kStoreT0 = absl::FromUnixSeconds(1'700'000'000);

v1::HostInfo Info(const std::string& rack) {
  v1::HostInfo info;
  info.set_hostname("nas1.example");
  info.set_agent_version("0.1.0");
  info.set_zpool_generation("openzfs-2");
  (*info.mutable_labels())["rack"] = rack;
  (*info.mutable_labels())["site"] = "ams";
  info.set_load1(0.5);
  return info;
}

v1::Vdev Disk(const std::string& name, const std::string& serial) {
  v1::Vdev disk = testing::HealthyDisk(name, serial);
  disk.mutable_disk()->set_model("WDC WD40EFRX");
  return disk;
}

// tank: mirror-0 of sda and sdb.
v1::Pool Tank() {
  v1::Pool pool =
      testing::MirrorPool("tank", "ONLINE", {Disk("sda", "WD-AAA"), Disk("sdb", "WD-BBB")});
  pool.mutable_scan()->set_function("scrub");
  pool.mutable_scan()->set_state("finished");
  pool.mutable_scan()->set_errors(0);
  pool.mutable_errors()->set_text("No known data errors");
  pool.set_size_bytes(4'000'000'000'000ULL);
  pool.mutable_vdevs(0)->set_role("data");
  return pool;
}

v1::Pool NamedPool(const std::string& name) {
  v1::Pool pool = Tank();
  pool.set_name(name);
  return pool;
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenStore(":memory:", &store_));
    ASSERT_TRUE(store_->hosts().Upsert("nas1", "inst-1", Info("r1"), "", kStoreT0).ok());
  }

  std::unique_ptr<Store> store_;
};

// --- Opening ---

TEST(StoreOpenTest, FilePersistsAcrossReopenWithSchemaVersionAndWal) {
  TempDir dir;
  const std::string path = dir.File("zfleet.db");
  {
    absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(path);
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE((*store)->hosts().Upsert("nas1", "inst-1", Info("r1"), "", kStoreT0).ok());
    ASSERT_TRUE((*store)->pools().Record("nas1", Tank(), kStoreT0).ok());
  }
  absl::StatusOr<std::unique_ptr<Store>> reopened = Store::Open(path);
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  absl::StatusOr<std::optional<HostRecord>> host = (*reopened)->hosts().Get("nas1");
  ASSERT_TRUE(host.ok()) << host.status();
  ASSERT_TRUE(host->has_value());
  EXPECT_EQ((*host)->instance_id, "inst-1");
  EXPECT_EQ((*host)->first_seen, kStoreT0);
  EXPECT_EQ((*host)->pool_count, 1u);
  absl::StatusOr<std::optional<PoolRecord>> pool = (*reopened)->pools().Get("nas1", "tank");
  ASSERT_TRUE(pool.ok()) << pool.status();
  ASSERT_TRUE(pool->has_value());
  EXPECT_TRUE(MessageDifferencer::Equals((*pool)->pool, Tank()));

  absl::StatusOr<Database> raw = Database::Open(path);
  ASSERT_TRUE(raw.ok()) << raw.status();
  absl::StatusOr<int> version = SchemaVersion(*raw);
  ASSERT_TRUE(version.ok()) << version.status();
  EXPECT_EQ(*version, static_cast<int>(StoreMigrations().size()));
  EXPECT_EQ(*version, 11);
  absl::StatusOr<Statement> mode = raw->Prepare("PRAGMA journal_mode");
  ASSERT_TRUE(mode.ok()) << mode.status();
  ASSERT_TRUE(*mode->Step());
  EXPECT_EQ(mode->ColumnText(0), "wal");
}

// Version 4 turned the scheduler's pause from a run message into ScrubRun.pause; runs paused
// under version 3 keep their meaning.
TEST(StoreOpenTest, Version3PausedRunsMigrateToThePauseColumn) {
  TempDir dir;
  const std::string path = dir.File("v3.db");
  {
    absl::StatusOr<Database> db = DatabaseAtVersion(path, 3);
    ASSERT_TRUE(db.ok()) << db.status();
    ASSERT_TRUE(db->Exec(R"sql(
      INSERT INTO hosts (id, name, instance_id, first_seen, last_seen, info)
        VALUES (1, 'nas1', 'i', 1, 1, X'');
      INSERT INTO pools (id, host_id, name, first_seen, last_seen, changed_at)
        VALUES (1, 1, 'tank', 1, 1, 1);
      INSERT INTO scrub_runs (id, pool_id, triggered_by, state, requested_at, message) VALUES
        (1, 1, 'scheduled', 'running', 1, 'paused at window end'),
        (2, 1, 'manual', 'running', 2, 'paused'),
        (3, 1, 'scheduled', 'running', 3, ''),
        (4, 1, 'scheduled', 'canceled', 4, 'paused at window end');)sql")
                    .ok());
  }
  absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(path);
  ASSERT_TRUE(store.ok()) << store.status();
  absl::StatusOr<std::vector<v1::ScrubRun>> runs = (*store)->scrub_runs().List("nas1", "tank", 10);
  ASSERT_TRUE(runs.ok()) << runs.status();
  ASSERT_EQ(runs->size(), 4u);
  EXPECT_EQ((*runs)[3].pause(), v1::PAUSE_WINDOW_END);
  EXPECT_EQ((*runs)[3].message(), "paused at window end");
  EXPECT_EQ((*runs)[2].pause(), v1::PAUSE_OPERATOR);
  EXPECT_EQ((*runs)[1].pause(), v1::PAUSE_NONE);
  EXPECT_EQ((*runs)[0].pause(), v1::PAUSE_NONE);  // ended: not paused any more
  EXPECT_EQ((*runs)[0].state(), v1::RUN_CANCELED);
  EXPECT_EQ((*runs)[0].trigger(), v1::TRIGGER_SCHEDULED);
  EXPECT_EQ((*runs)[0].state_name(), "canceled");
  EXPECT_EQ((*runs)[0].trigger_name(), "scheduled");
}

// Version 7 added commands.expires_at: commands still pending from before it expire an hour
// after they were queued (a person's request), done ones get none.
TEST(StoreOpenTest, Version6PendingCommandsExpireAnHourAfterTheyWereQueued) {
  TempDir dir;
  const std::string path = dir.File("v6.db");
  {
    absl::StatusOr<Database> db = DatabaseAtVersion(path, 6);
    ASSERT_TRUE(db.ok()) << db.status();
    ASSERT_TRUE(db->Exec(R"sql(
      INSERT INTO hosts (id, name, instance_id, first_seen, last_seen, info)
        VALUES (1, 'nas1', 'i', 1, 1, X'');
      INSERT INTO commands (id, host_id, pool_name, kind, created_at, state) VALUES
        ('old', 1, 'tank', 1, 1800000000, 'pending'),
        ('done', 1, 'tank', 1, 1800000000, 'done');)sql")
                    .ok());
  }
  absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(path);
  ASSERT_TRUE(store.ok()) << store.status();
  absl::StatusOr<std::optional<CommandRecord>> old = (*store)->commands().Get("nas1", "old");
  ASSERT_TRUE(old.ok() && old->has_value()) << old.status();
  EXPECT_EQ((*old)->expires_at, absl::FromUnixSeconds(1'800'003'600));
  absl::StatusOr<std::optional<CommandRecord>> done = (*store)->commands().Get("nas1", "done");
  ASSERT_TRUE(done.ok() && done->has_value()) << done.status();
  EXPECT_FALSE((*done)->expires_at.has_value());
}

TEST(StoreOpenTest, NewerSchemaIsFailedPreconditionAndLeftAlone) {
  TempDir dir;
  const std::string path = dir.File("future.db");
  const int future = static_cast<int>(StoreMigrations().size()) + 1;
  {
    absl::StatusOr<Database> raw = Database::Open(path);
    ASSERT_TRUE(raw.ok()) << raw.status();
    ASSERT_TRUE(raw->Exec(absl::StrCat("CREATE TABLE t (x); PRAGMA user_version = ", future)).ok());
  }
  absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(path);
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(store.status().message(), HasSubstr(absl::StrCat("version ", future)));
  EXPECT_THAT(store.status().message(), HasSubstr(path));

  absl::StatusOr<Database> raw = Database::Open(path);
  ASSERT_TRUE(raw.ok()) << raw.status();
  EXPECT_EQ(*SchemaVersion(*raw), future);
}

TEST(StoreOpenTest, MissingDirectoryIsInternal) {
  TempDir dir;
  const std::string path = dir.File("no/such/dir/zfleet.db");
  absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(path);
  EXPECT_EQ(store.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(store.status().message(), HasSubstr(path));
}

TEST(StoreOpenTest, FileThatIsNotADatabaseIsInternal) {
  TempDir dir;
  const std::string path = dir.File("garbage.db");
  std::ofstream(path) << std::string(4096, 'x');
  absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(path);
  EXPECT_EQ(store.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(store.status().message(), HasSubstr("not a database"));
}

// --- Hosts ---

TEST_F(StoreTest, UpsertHostKeepsFirstSeenAndUpdatesTheRest) {
  ASSERT_TRUE(
      store_->hosts()
          .Upsert("nas1", "inst-2", Info("r9"), "zpool: timeout", kStoreT0 + absl::Seconds(30))
          .ok());
  absl::StatusOr<std::optional<HostRecord>> host = store_->hosts().Get("nas1");
  ASSERT_TRUE(host.ok()) << host.status();
  ASSERT_TRUE(host->has_value());
  EXPECT_EQ((*host)->host_id, "nas1");
  EXPECT_EQ((*host)->instance_id, "inst-2");
  EXPECT_EQ((*host)->first_seen, kStoreT0);
  EXPECT_EQ((*host)->last_seen, kStoreT0 + absl::Seconds(30));
  EXPECT_EQ((*host)->collect_error, "zpool: timeout");
  EXPECT_EQ((*host)->info.labels().at("rack"), "r9");
  EXPECT_EQ((*host)->info.hostname(), "nas1.example");
  EXPECT_DOUBLE_EQ((*host)->info.load1(), 0.5);
  EXPECT_EQ((*host)->pool_count, 0u);
}

TEST_F(StoreTest, ListHostsIsOrderedByNameWithPresentPoolCounts) {
  ASSERT_TRUE(store_->hosts().Upsert("alpha", "i", v1::HostInfo(), "", kStoreT0).ok());
  ASSERT_TRUE(store_->pools().Record("nas1", NamedPool("tank"), kStoreT0).ok());
  ASSERT_TRUE(store_->pools().Record("nas1", NamedPool("backup"), kStoreT0).ok());
  ASSERT_TRUE(store_->pools().MarkAbsent("nas1", {"tank"}).ok());

  absl::StatusOr<std::vector<HostRecord>> hosts = store_->hosts().List();
  ASSERT_TRUE(hosts.ok()) << hosts.status();
  ASSERT_EQ(hosts->size(), 2u);
  EXPECT_EQ((*hosts)[0].host_id, "alpha");
  EXPECT_EQ((*hosts)[0].pool_count, 0u);
  EXPECT_EQ((*hosts)[1].host_id, "nas1");
  EXPECT_EQ((*hosts)[1].pool_count, 1u);
}

TEST_F(StoreTest, GetUnknownHostIsNullopt) {
  absl::StatusOr<std::optional<HostRecord>> host = store_->hosts().Get("nope");
  ASSERT_TRUE(host.ok()) << host.status();
  EXPECT_FALSE(host->has_value());
}

// --- Pools ---

TEST_F(StoreTest, RecordPoolWritesASnapshotOnlyOnChange) {
  absl::StatusOr<PoolWrite> first = store_->pools().Record("nas1", Tank(), kStoreT0);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_TRUE(first->changed);
  EXPECT_FALSE(first->previous.has_value());

  const absl::Time t1 = kStoreT0 + absl::Minutes(1);
  absl::StatusOr<PoolWrite> same = store_->pools().Record("nas1", Tank(), t1);
  ASSERT_TRUE(same.ok()) << same.status();
  EXPECT_FALSE(same->changed);
  ASSERT_TRUE(same->previous.has_value());
  EXPECT_TRUE(MessageDifferencer::Equals(*same->previous, Tank()));

  absl::StatusOr<std::optional<PoolRecord>> record = store_->pools().Get("nas1", "tank");
  ASSERT_TRUE(record.ok()) << record.status();
  ASSERT_TRUE(record->has_value());
  EXPECT_EQ((*record)->host_id, "nas1");
  EXPECT_EQ((*record)->first_seen, kStoreT0);
  EXPECT_EQ((*record)->last_seen, t1);
  EXPECT_EQ((*record)->changed_at, kStoreT0);

  v1::Pool errors = Tank();
  errors.mutable_vdevs(0)->mutable_children(1)->set_checksum_errors(3);
  const absl::Time t2 = kStoreT0 + absl::Minutes(2);
  absl::StatusOr<PoolWrite> changed = store_->pools().Record("nas1", errors, t2);
  ASSERT_TRUE(changed.ok()) << changed.status();
  EXPECT_TRUE(changed->changed);
  ASSERT_TRUE(changed->previous.has_value());
  EXPECT_EQ(changed->previous->vdevs(0).children(1).checksum_errors(), 0u);

  record = store_->pools().Get("nas1", "tank");
  ASSERT_TRUE(record.ok()) << record.status();
  ASSERT_TRUE(record->has_value());
  EXPECT_EQ((*record)->pool.vdevs(0).children(1).checksum_errors(), 3u);
  EXPECT_EQ((*record)->first_seen, kStoreT0);
  EXPECT_EQ((*record)->last_seen, t2);
  EXPECT_EQ((*record)->changed_at, t2);
}

TEST_F(StoreTest, RecordPoolCountsPresenceOfAnOptionalFieldAsAChange) {
  v1::Pool unknown = Tank();
  unknown.mutable_scan()->clear_errors();  // "unknown" differs from 0
  ASSERT_TRUE(store_->pools().Record("nas1", Tank(), kStoreT0).ok());
  absl::StatusOr<PoolWrite> write = store_->pools().Record("nas1", unknown, kStoreT0);
  ASSERT_TRUE(write.ok()) << write.status();
  EXPECT_TRUE(write->changed);
}

TEST_F(StoreTest, RecordPoolForUnknownHostIsNotFound) {
  absl::StatusOr<PoolWrite> write = store_->pools().Record("ghost", Tank(), kStoreT0);
  EXPECT_EQ(write.status().code(), absl::StatusCode::kNotFound);
  absl::StatusOr<std::vector<PoolRecord>> pools = store_->pools().List();
  ASSERT_TRUE(pools.ok()) << pools.status();
  EXPECT_THAT(*pools, IsEmpty());
}

TEST_F(StoreTest, ListPoolsIsOrderedByHostThenName) {
  ASSERT_TRUE(store_->hosts().Upsert("alpha", "i", v1::HostInfo(), "", kStoreT0).ok());
  ASSERT_TRUE(store_->pools().Record("nas1", NamedPool("tank"), kStoreT0).ok());
  ASSERT_TRUE(store_->pools().Record("nas1", NamedPool("backup"), kStoreT0).ok());
  ASSERT_TRUE(store_->pools().Record("alpha", NamedPool("zroot"), kStoreT0).ok());
  absl::StatusOr<std::vector<PoolRecord>> pools = store_->pools().List();
  ASSERT_TRUE(pools.ok()) << pools.status();
  std::vector<std::string> names;
  for (const PoolRecord& p : *pools) names.push_back(p.host_id + "/" + p.pool.name());
  EXPECT_THAT(names, ElementsAre("alpha/zroot", "nas1/backup", "nas1/tank"));
}

TEST_F(StoreTest, MarkPoolsAbsentHidesPoolsUntilTheyAreReportedAgain) {
  ASSERT_TRUE(store_->pools().Record("nas1", NamedPool("tank"), kStoreT0).ok());
  ASSERT_TRUE(store_->pools().Record("nas1", NamedPool("backup"), kStoreT0).ok());
  ASSERT_TRUE(store_->pools().MarkAbsent("nas1", {"tank"}).ok());

  absl::StatusOr<std::vector<PoolRecord>> pools = store_->pools().List();
  ASSERT_TRUE(pools.ok()) << pools.status();
  ASSERT_EQ(pools->size(), 1u);
  EXPECT_EQ((*pools)[0].pool.name(), "tank");
  absl::StatusOr<std::optional<PoolRecord>> backup = store_->pools().Get("nas1", "backup");
  ASSERT_TRUE(backup.ok()) << backup.status();
  EXPECT_FALSE(backup->has_value());

  // The pool comes back (imported again) with its history: previous is the old snapshot.
  absl::StatusOr<PoolWrite> back =
      store_->pools().Record("nas1", NamedPool("backup"), kStoreT0 + absl::Hours(1));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_FALSE(back->changed);
  ASSERT_TRUE(back->previous.has_value());
  backup = store_->pools().Get("nas1", "backup");
  ASSERT_TRUE(backup.ok()) << backup.status();
  ASSERT_TRUE(backup->has_value());
  EXPECT_EQ((*backup)->first_seen, kStoreT0);
  EXPECT_EQ((*backup)->last_seen, kStoreT0 + absl::Hours(1));
}

TEST_F(StoreTest, MarkPoolsAbsentWithNoPresentPoolsHidesAllOfTheHost) {
  ASSERT_TRUE(store_->hosts().Upsert("other", "i", v1::HostInfo(), "", kStoreT0).ok());
  ASSERT_TRUE(store_->pools().Record("nas1", NamedPool("tank"), kStoreT0).ok());
  ASSERT_TRUE(store_->pools().Record("other", NamedPool("tank"), kStoreT0).ok());
  ASSERT_TRUE(store_->pools().MarkAbsent("nas1", {}).ok());
  absl::StatusOr<std::vector<PoolRecord>> pools = store_->pools().List();
  ASSERT_TRUE(pools.ok()) << pools.status();
  ASSERT_EQ(pools->size(), 1u);
  EXPECT_EQ((*pools)[0].host_id, "other");
}

TEST_F(StoreTest, GetPoolOfUnknownHostOrPoolIsNullopt) {
  ASSERT_TRUE(store_->pools().Record("nas1", Tank(), kStoreT0).ok());
  EXPECT_FALSE(store_->pools().Get("nas1", "nope")->has_value());
  EXPECT_FALSE(store_->pools().Get("ghost", "tank")->has_value());
}

// Vdev rows are only visible through SQL, so this test reads the file with a second
// connection (WAL lets it read while the store is open).
TEST(StoreVdevTest, VdevRowsFollowTheLatestSnapshot) {
  TempDir dir;
  const std::string path = dir.File("zfleet.db");
  absl::StatusOr<std::unique_ptr<Store>> opened = Store::Open(path);
  ASSERT_TRUE(opened.ok()) << opened.status();
  Store& store = **opened;
  ASSERT_TRUE(store.hosts().Upsert("nas1", "i", v1::HostInfo(), "", kStoreT0).ok());
  absl::StatusOr<Database> raw = Database::Open(path);
  ASSERT_TRUE(raw.ok()) << raw.status();

  struct Row {
    int64_t position;
    std::optional<int64_t> parent;
    std::string name, path, serial, model;
    std::optional<int64_t> cksum;
    int64_t updated_at;
    bool operator==(const Row&) const = default;
  };
  auto rows = [&]() {
    std::vector<Row> out;
    absl::StatusOr<Statement> stmt = raw->Prepare(
        "SELECT position, parent_position, name, path, ifnull(serial, '<null>'),"
        " ifnull(model, '<null>'), checksum_errors, updated_at FROM vdevs ORDER BY position");
    EXPECT_TRUE(stmt.ok()) << stmt.status();
    while (*stmt->Step()) {
      Row row{stmt->ColumnInt64(0),
              stmt->ColumnIsNull(1) ? std::nullopt : std::optional(stmt->ColumnInt64(1)),
              stmt->ColumnText(2),
              stmt->ColumnText(3),
              stmt->ColumnText(4),
              stmt->ColumnText(5),
              stmt->ColumnIsNull(6) ? std::nullopt : std::optional(stmt->ColumnInt64(6)),
              stmt->ColumnInt64(7)};
      out.push_back(row);
    }
    return out;
  };
  const int64_t t0 = absl::ToUnixSeconds(kStoreT0);

  ASSERT_TRUE(store.pools().Record("nas1", Tank(), kStoreT0).ok());
  EXPECT_THAT(rows(), ElementsAre(Row{0, std::nullopt, "mirror-0", "", "<null>", "<null>",
                                      std::nullopt, t0},
                                  Row{1, 0, "sda", "/dev/sda", "WD-AAA", "WDC WD40EFRX", 0, t0},
                                  Row{2, 0, "sdb", "/dev/sdb", "WD-BBB", "WDC WD40EFRX", 0, t0}));

  // Unchanged: rows untouched (updated_at stays).
  ASSERT_TRUE(store.pools().Record("nas1", Tank(), kStoreT0 + absl::Seconds(10)).ok());
  EXPECT_EQ(rows().size(), 3u);
  EXPECT_EQ(rows()[2].updated_at, t0);

  // sdb replaced by sdc with errors, and a log device added: the rows are the new tree.
  v1::Pool changed = Tank();
  *changed.mutable_vdevs(0)->mutable_children(1) = Disk("sdc", "WD-CCC");
  changed.mutable_vdevs(0)->mutable_children(1)->set_checksum_errors(7);
  v1::Vdev* log = changed.add_vdevs();
  *log = Disk("nvme0n1", "NV-1");
  log->set_role("log");
  const int64_t t1 = t0 + 20;
  ASSERT_TRUE(store.pools().Record("nas1", changed, absl::FromUnixSeconds(t1)).ok());
  EXPECT_THAT(
      rows(),
      ElementsAre(Row{0, std::nullopt, "mirror-0", "", "<null>", "<null>", std::nullopt, t1},
                  Row{1, 0, "sda", "/dev/sda", "WD-AAA", "WDC WD40EFRX", 0, t1},
                  Row{2, 0, "sdc", "/dev/sdc", "WD-CCC", "WDC WD40EFRX", 7, t1},
                  Row{3, std::nullopt, "nvme0n1", "/dev/nvme0n1", "NV-1", "WDC WD40EFRX", 0, t1}));

  absl::StatusOr<Statement> snapshots = raw->Prepare("SELECT count(*) FROM pool_snapshots");
  ASSERT_TRUE(snapshots.ok());
  ASSERT_TRUE(*snapshots->Step());
  EXPECT_EQ(snapshots->ColumnInt64(0), 2);  // the unchanged report wrote none
}

// --- Scrub runs ---

v1::ScrubRun ScrubRunFor(const std::string& pool, const std::string& state, int64_t requested_at) {
  v1::ScrubRun run;
  run.set_host_id("nas1");
  run.set_pool(pool);
  SetTrigger(run, v1::TRIGGER_SCHEDULED);
  SetRunState(run, *ParseRunState(state));
  run.set_requested_at(requested_at);
  return run;
}

TEST_F(StoreTest, ScrubRunsInsertUpdateAndListNewestFirst) {
  ASSERT_TRUE(store_->pools().Record("nas1", Tank(), kStoreT0).ok());
  absl::StatusOr<int64_t> first =
      store_->scrub_runs().Insert(ScrubRunFor("tank", "requested", 100));
  ASSERT_TRUE(first.ok()) << first.status();
  absl::StatusOr<int64_t> second =
      store_->scrub_runs().Insert(ScrubRunFor("tank", "requested", 200));
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_GT(*second, *first);

  v1::ScrubRun finished = ScrubRunFor("tank", "finished", 100);
  finished.set_id(*first);
  SetTrigger(finished, v1::TRIGGER_MANUAL);
  finished.set_started_at(110);
  finished.set_ended_at(500);
  finished.set_bytes_scanned(UINT64_MAX);  // survives SQLite's signed integers
  finished.set_bytes_repaired(0);
  finished.set_errors(0);
  finished.set_message("scrub repaired 0B");
  ASSERT_TRUE(store_->scrub_runs().Update(finished).ok());

  absl::StatusOr<std::vector<v1::ScrubRun>> runs = store_->scrub_runs().List("nas1", "tank", 10);
  ASSERT_TRUE(runs.ok()) << runs.status();
  ASSERT_EQ(runs->size(), 2u);
  EXPECT_EQ((*runs)[0].id(), *second);
  EXPECT_EQ((*runs)[0].host_id(), "nas1");
  EXPECT_EQ((*runs)[0].pool(), "tank");
  EXPECT_EQ((*runs)[0].state(), v1::RUN_REQUESTED);
  EXPECT_FALSE((*runs)[0].has_started_at());
  EXPECT_FALSE((*runs)[0].has_bytes_scanned());
  EXPECT_FALSE((*runs)[0].has_errors());
  EXPECT_TRUE(MessageDifferencer::Equals((*runs)[1], finished)) << (*runs)[1].DebugString();

  runs = store_->scrub_runs().List("nas1", "tank", 1);
  ASSERT_TRUE(runs.ok()) << runs.status();
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_EQ((*runs)[0].id(), *second);
  EXPECT_THAT(*store_->scrub_runs().List("nas1", "tank", 0), IsEmpty());
  EXPECT_THAT(*store_->scrub_runs().List("nas1", "other", 10), IsEmpty());
}

TEST_F(StoreTest, ScrubRunErrors) {
  EXPECT_EQ(store_->scrub_runs().Insert(ScrubRunFor("tank", "requested", 1)).status().code(),
            absl::StatusCode::kNotFound);  // pool never reported
  v1::ScrubRun missing = ScrubRunFor("tank", "finished", 1);
  missing.set_id(12345);
  EXPECT_EQ(store_->scrub_runs().Update(missing).code(), absl::StatusCode::kNotFound);
}

TEST_F(StoreTest, OpenScrubRunsAreRequestedOrRunningOldestFirst) {
  ASSERT_TRUE(store_->pools().Record("nas1", NamedPool("tank"), kStoreT0).ok());
  ASSERT_TRUE(store_->pools().Record("nas1", NamedPool("backup"), kStoreT0).ok());
  ASSERT_TRUE(store_->hosts().Upsert("other", "i", v1::HostInfo(), "", kStoreT0).ok());
  ASSERT_TRUE(store_->pools().Record("other", NamedPool("tank"), kStoreT0).ok());

  absl::StatusOr<int64_t> running = store_->scrub_runs().Insert(ScrubRunFor("tank", "running", 1));
  ASSERT_TRUE(store_->scrub_runs().Insert(ScrubRunFor("tank", "finished", 2)).ok());
  absl::StatusOr<int64_t> requested =
      store_->scrub_runs().Insert(ScrubRunFor("backup", "requested", 3));
  ASSERT_TRUE(store_->scrub_runs().Insert(ScrubRunFor("backup", "canceled", 4)).ok());
  v1::ScrubRun elsewhere = ScrubRunFor("tank", "running", 5);
  elsewhere.set_host_id("other");
  ASSERT_TRUE(store_->scrub_runs().Insert(elsewhere).ok());
  ASSERT_TRUE(running.ok() && requested.ok());

  absl::StatusOr<std::vector<v1::ScrubRun>> open = store_->scrub_runs().Open("nas1");
  ASSERT_TRUE(open.ok()) << open.status();
  ASSERT_EQ(open->size(), 2u);
  EXPECT_EQ((*open)[0].id(), *running);
  EXPECT_EQ((*open)[0].pool(), "tank");
  EXPECT_EQ((*open)[1].id(), *requested);
  EXPECT_EQ((*open)[1].pool(), "backup");
}

TEST_F(StoreTest, ScrubRunsStartedNearATime) {
  ASSERT_TRUE(store_->pools().Record("nas1", NamedPool("tank"), kStoreT0).ok());
  ASSERT_TRUE(store_->pools().Record("nas1", NamedPool("backup"), kStoreT0).ok());
  std::vector<int64_t> ids;
  for (int64_t started : {1000, 1059, 1061, 2000}) {
    v1::ScrubRun run = ScrubRunFor("tank", "finished", started);
    run.set_started_at(started);
    absl::StatusOr<int64_t> id = store_->scrub_runs().Insert(run);
    ASSERT_TRUE(id.ok()) << id.status();
    ids.push_back(*id);
  }
  ASSERT_TRUE(store_->scrub_runs().Insert(ScrubRunFor("tank", "requested", 1000)).ok());
  v1::ScrubRun other_pool = ScrubRunFor("backup", "finished", 1000);
  other_pool.set_started_at(1000);
  ASSERT_TRUE(store_->scrub_runs().Insert(other_pool).ok());

  absl::StatusOr<std::vector<v1::ScrubRun>> near =
      store_->scrub_runs().StartedNear("nas1", "tank", 1000, 60);
  ASSERT_TRUE(near.ok()) << near.status();
  std::vector<int64_t> found;
  for (const v1::ScrubRun& run : *near) found.push_back(run.id());
  EXPECT_THAT(found, ElementsAre(ids[0], ids[1]));  // not 1061, the unstarted one, backup's
  EXPECT_THAT(*store_->scrub_runs().StartedNear("other", "tank", 1000, 60), IsEmpty());
}

TEST_F(StoreTest, ScrubStatesOfOneHost) {
  ASSERT_TRUE(store_->pools().Record("nas1", NamedPool("tank"), kStoreT0).ok());
  ASSERT_TRUE(store_->pools().Record("nas1", NamedPool("backup"), kStoreT0 + absl::Hours(1)).ok());
  ASSERT_TRUE(store_->hosts().Upsert("other", "i", v1::HostInfo(), "", kStoreT0).ok());
  ASSERT_TRUE(store_->pools().Record("other", NamedPool("tank"), kStoreT0).ok());
  v1::ScrubRun done = ScrubRunFor("tank", "finished", 100);
  done.set_started_at(110);
  done.set_ended_at(500);
  ASSERT_TRUE(store_->scrub_runs().Insert(done).ok());

  absl::StatusOr<std::vector<PoolScrubState>> states =
      store_->pools().ListScrubStatesOfHost("nas1");
  ASSERT_TRUE(states.ok()) << states.status();
  ASSERT_EQ(states->size(), 2u);
  EXPECT_EQ((*states)[0].pool, "backup");
  EXPECT_EQ((*states)[0].first_seen, kStoreT0 + absl::Hours(1));
  EXPECT_FALSE((*states)[0].last_finished.has_value());
  EXPECT_EQ((*states)[1].pool, "tank");
  ASSERT_TRUE((*states)[1].last_finished.has_value());
  EXPECT_EQ((*states)[1].last_finished->started_at(), 110);
  EXPECT_THAT(*store_->pools().ListScrubStatesOfHost("nobody"), IsEmpty());
  EXPECT_EQ(store_->pools().ListScrubStates()->size(), 3u);
}

// --- Commands ---

CommandRecord Command(const std::string& id, absl::Time created_at, int64_t run = 0) {
  CommandRecord command;
  command.id = id;
  command.host_id = "nas1";
  command.pool = "tank";
  command.kind = v1::SCRUB_START;
  command.scrub_run_id = run;
  command.created_at = created_at;
  return command;
}

v1::CommandAck Ack(const std::string& id, bool ok, const std::string& error = "") {
  v1::CommandAck ack;
  ack.set_id(id);
  ack.set_ok(ok);
  ack.set_error(error);
  return ack;
}

// What the report path does with an ack (ingest/report_effects): find the command of that
// host, apply the ack, store the outcome when it changed; then read the command back.
absl::StatusOr<std::optional<CommandRecord>> AckAndReread(CommandTable& commands,
                                                          const std::string& host,
                                                          const v1::CommandAck& ack,
                                                          absl::Time now) {
  ASSIGN_OR_RETURN(std::optional<CommandRecord> command, commands.Get(host, ack.id()));
  if (!command.has_value()) return command;
  const CommandRecord acked = ApplyCommandAck(*command, ack, now);
  if (acked.state != command->state) RETURN_IF_ERROR(commands.SetOutcome(acked));
  return commands.Get(host, ack.id());
}

TEST_F(StoreTest, CommandsPendingThenAckedDoneOrFailed) {
  ASSERT_TRUE(store_->pools().Record("nas1", Tank(), kStoreT0).ok());
  absl::StatusOr<int64_t> run = store_->scrub_runs().Insert(ScrubRunFor("tank", "requested", 1));
  ASSERT_TRUE(run.ok()) << run.status();
  // Same second: insertion order decides.
  ASSERT_TRUE(store_->commands().Insert(Command("c1", kStoreT0, *run)).ok());
  CommandRecord stop = Command("c2", kStoreT0);
  stop.kind = v1::SCRUB_STOP;
  ASSERT_TRUE(store_->commands().Insert(stop).ok());

  absl::StatusOr<std::vector<CommandRecord>> pending = store_->commands().Pending("nas1", kStoreT0);
  ASSERT_TRUE(pending.ok()) << pending.status();
  ASSERT_EQ(pending->size(), 2u);
  EXPECT_EQ((*pending)[0].id, "c1");
  EXPECT_EQ((*pending)[0].host_id, "nas1");
  EXPECT_EQ((*pending)[0].pool, "tank");
  EXPECT_EQ((*pending)[0].kind, v1::SCRUB_START);
  EXPECT_EQ((*pending)[0].scrub_run_id, *run);
  EXPECT_EQ((*pending)[0].created_at, kStoreT0);
  EXPECT_EQ((*pending)[0].state, CommandState::kPending);
  EXPECT_FALSE((*pending)[0].acked_at.has_value());
  EXPECT_EQ((*pending)[1].id, "c2");
  EXPECT_EQ((*pending)[1].kind, v1::SCRUB_STOP);
  EXPECT_EQ((*pending)[1].scrub_run_id, 0);

  const absl::Time t1 = kStoreT0 + absl::Seconds(5);
  absl::StatusOr<std::optional<CommandRecord>> done =
      AckAndReread(store_->commands(), "nas1", Ack("c1", true), t1);
  ASSERT_TRUE(done.ok()) << done.status();
  ASSERT_TRUE(done->has_value());
  EXPECT_EQ((*done)->state, CommandState::kDone);
  EXPECT_EQ((*done)->error, "");
  EXPECT_EQ((*done)->acked_at, t1);

  absl::StatusOr<std::optional<CommandRecord>> failed =
      AckAndReread(store_->commands(), "nas1", Ack("c2", false, "no such pool"), t1);
  ASSERT_TRUE(failed.ok()) << failed.status();
  ASSERT_TRUE(failed->has_value());
  EXPECT_EQ((*failed)->state, CommandState::kFailed);
  EXPECT_EQ((*failed)->error, "no such pool");
  EXPECT_EQ((*failed)->kind, v1::SCRUB_STOP);

  pending = store_->commands().Pending("nas1", kStoreT0);
  ASSERT_TRUE(pending.ok()) << pending.status();
  EXPECT_THAT(*pending, IsEmpty());
}

TEST_F(StoreTest, RepeatedAckIsANoOp) {
  ASSERT_TRUE(store_->commands().Insert(Command("c1", kStoreT0)).ok());
  ASSERT_TRUE(
      AckAndReread(store_->commands(), "nas1", Ack("c1", true), kStoreT0 + absl::Seconds(1)).ok());
  absl::StatusOr<std::optional<CommandRecord>> again = AckAndReread(
      store_->commands(), "nas1", Ack("c1", false, "late"), kStoreT0 + absl::Seconds(9));
  ASSERT_TRUE(again.ok()) << again.status();
  ASSERT_TRUE(again->has_value());
  EXPECT_EQ((*again)->state, CommandState::kDone);
  EXPECT_EQ((*again)->error, "");
  EXPECT_EQ((*again)->acked_at, kStoreT0 + absl::Seconds(1));
}

TEST_F(StoreTest, AckOfUnknownCommandOrOtherHostsCommandIsNullopt) {
  ASSERT_TRUE(store_->hosts().Upsert("other", "i", v1::HostInfo(), "", kStoreT0).ok());
  ASSERT_TRUE(store_->commands().Insert(Command("c1", kStoreT0)).ok());
  absl::StatusOr<std::optional<CommandRecord>> unknown =
      AckAndReread(store_->commands(), "nas1", Ack("nope", true), kStoreT0);
  ASSERT_TRUE(unknown.ok()) << unknown.status();
  EXPECT_FALSE(unknown->has_value());
  absl::StatusOr<std::optional<CommandRecord>> foreign =
      AckAndReread(store_->commands(), "other", Ack("c1", true), kStoreT0);
  ASSERT_TRUE(foreign.ok()) << foreign.status();
  EXPECT_FALSE(foreign->has_value());
  EXPECT_EQ(store_->commands().Pending("nas1", kStoreT0)->size(), 1u);  // still pending
}

TEST_F(StoreTest, InsertCommandErrors) {
  CommandRecord ghost = Command("c1", kStoreT0);
  ghost.host_id = "ghost";
  EXPECT_EQ(store_->commands().Insert(ghost).code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(store_->commands().Insert(Command("c1", kStoreT0)).ok());
  absl::Status duplicate = store_->commands().Insert(Command("c1", kStoreT0));
  EXPECT_EQ(duplicate.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(duplicate.message(), HasSubstr("c1"));
}

TEST_F(StoreTest, ExpiredCommandsAreNotPendingAndAreListedForTheSweep) {
  CommandRecord expiring = Command("c1", kStoreT0);
  expiring.expires_at = kStoreT0 + absl::Hours(1);
  ASSERT_TRUE(store_->commands().Insert(expiring).ok());
  ASSERT_TRUE(store_->commands().Insert(Command("c2", kStoreT0)).ok());  // never expires

  absl::StatusOr<std::optional<CommandRecord>> read = store_->commands().Get("nas1", "c1");
  ASSERT_TRUE(read.ok() && read->has_value()) << read.status();
  EXPECT_EQ((*read)->expires_at, kStoreT0 + absl::Hours(1));
  read = store_->commands().Get("nas1", "c2");
  ASSERT_TRUE(read.ok() && read->has_value()) << read.status();
  EXPECT_FALSE((*read)->expires_at.has_value());

  auto ids = [](const absl::StatusOr<std::vector<CommandRecord>>& commands) {
    std::vector<std::string> out;
    EXPECT_TRUE(commands.ok()) << commands.status();
    if (commands.ok()) {
      for (const CommandRecord& c : *commands) out.push_back(c.id);
    }
    return out;
  };
  // Up to its expiry it is handed out; a second later it is not, and the sweep sees it.
  EXPECT_THAT(ids(store_->commands().Pending("nas1", kStoreT0 + absl::Hours(1))),
              ElementsAre("c1", "c2"));
  EXPECT_THAT(ids(store_->commands().ExpiredBefore(kStoreT0 + absl::Hours(1))), IsEmpty());
  const absl::Time later = kStoreT0 + absl::Hours(1) + absl::Seconds(1);
  EXPECT_THAT(ids(store_->commands().Pending("nas1", later)), ElementsAre("c2"));
  EXPECT_THAT(ids(store_->commands().ExpiredBefore(later)), ElementsAre("c1"));

  // Once failed it is neither.
  CommandRecord failed = expiring;
  failed.state = CommandState::kFailed;
  failed.error = "expired";
  failed.acked_at = later;
  ASSERT_TRUE(store_->commands().SetOutcome(failed).ok());
  EXPECT_THAT(ids(store_->commands().ExpiredBefore(later)), IsEmpty());
}

// --- Transactions ---

TEST_F(StoreTest, RunInTransactionRollsBackEverythingOnError) {
  absl::Status status = store_->RunInTransaction([&]() -> absl::Status {
    if (absl::Status s = store_->hosts().Upsert("nas2", "i", v1::HostInfo(), "", kStoreT0);
        !s.ok()) {
      return s;
    }
    if (absl::Status s = store_->pools().Record("nas1", Tank(), kStoreT0).status(); !s.ok())
      return s;
    if (absl::Status s = store_->commands().Insert(Command("c1", kStoreT0)); !s.ok()) return s;
    return absl::AbortedError("report rejected");
  });
  EXPECT_EQ(status, absl::AbortedError("report rejected"));
  EXPECT_FALSE(store_->hosts().Get("nas2")->has_value());
  EXPECT_THAT(*store_->pools().List(), IsEmpty());
  EXPECT_THAT(*store_->commands().Pending("nas1", kStoreT0), IsEmpty());
  // The connection is usable afterwards, outside any transaction.
  EXPECT_TRUE(store_->pools().Record("nas1", Tank(), kStoreT0).ok());
  EXPECT_EQ(store_->pools().List()->size(), 1u);
}

TEST_F(StoreTest, RunInTransactionCommitsAndAFailedStepUndoesOnlyItself) {
  absl::Status status = store_->RunInTransaction([&]() -> absl::Status {
    if (absl::Status s = store_->pools().Record("nas1", Tank(), kStoreT0).status(); !s.ok())
      return s;
    // Fails halfway (unknown host); the caller chooses to carry on.
    EXPECT_EQ(store_->pools().Record("ghost", Tank(), kStoreT0).status().code(),
              absl::StatusCode::kNotFound);
    return store_->hosts().Upsert("nas2", "i", v1::HostInfo(), "", kStoreT0);
  });
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(store_->pools().List()->size(), 1u);
  EXPECT_TRUE(store_->hosts().Get("nas2")->has_value());
}

TEST_F(StoreTest, NestedRunInTransactionIsRefused) {
  absl::Status inner;
  absl::Status outer = store_->RunInTransaction([&]() -> absl::Status {
    inner = store_->RunInTransaction([] { return absl::OkStatus(); });
    return absl::OkStatus();
  });
  EXPECT_TRUE(outer.ok()) << outer;
  EXPECT_EQ(inner.code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace zfleet::controller
