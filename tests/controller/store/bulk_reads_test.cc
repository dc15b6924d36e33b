// The scheduler tick's fleet-wide reads (ScrubRunTable::OpenAll and FinishedAmongNewest,
// CommandTable::PendingAll): each says for the whole fleet in one query what the per-host
// or per-pool query says for one.
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "controller/store/store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/enum_names.h"
#include "tests/controller/store/store_fixtures.h"
#include "tests/testing/pool_builders.h"

namespace zfleet::controller {
namespace {

using ::testing::ElementsAre;

const absl::Time kBulkT0 = absl::FromUnixSeconds(1'700'100'000);

class BulkReadsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenStore(":memory:", &store_));
    for (const std::string host : {"nas1", "nas2"}) {
      ASSERT_TRUE(store_->hosts().Upsert(host, "inst-1", v1::HostInfo(), "", kBulkT0).ok());
      for (const std::string pool : {"tank", "backup"}) {
        v1::Pool p = TwoDiskTank(0, "ONLINE");
        p.set_name(pool);
        ASSERT_TRUE(store_->pools().Record(host, p, kBulkT0).ok());
      }
    }
  }

  // Inserts a run of host/pool in `state`; returns its id (0 on failure, which fails the test).
  int64_t AddRun(const std::string& host, const std::string& pool, v1::ScrubRunState state) {
    v1::ScrubRun run;
    run.set_host_id(host);
    run.set_pool(pool);
    SetTrigger(run, v1::TRIGGER_SCHEDULED);
    SetRunState(run, state);
    run.set_requested_at(absl::ToUnixSeconds(kBulkT0));
    absl::StatusOr<int64_t> id = store_->scrub_runs().Insert(run);
    EXPECT_TRUE(id.ok()) << id.status();
    return id.ok() ? *id : 0;
  }

  std::unique_ptr<Store> store_;
};

std::vector<int64_t> Ids(const std::vector<v1::ScrubRun>& runs) {
  std::vector<int64_t> ids;
  for (const v1::ScrubRun& run : runs) ids.push_back(run.id());
  return ids;
}

TEST_F(BulkReadsTest, OpenAllIsOpenOfEveryHost) {
  const int64_t a = AddRun("nas1", "tank", v1::RUN_RUNNING);
  AddRun("nas1", "backup", v1::RUN_FINISHED);
  const int64_t b = AddRun("nas2", "backup", v1::RUN_REQUESTED);
  absl::StatusOr<std::vector<v1::ScrubRun>> all = store_->scrub_runs().OpenAll();
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_THAT(Ids(*all), ElementsAre(a, b));
  EXPECT_EQ((*all)[1].host_id(), "nas2");
  EXPECT_EQ((*all)[1].pool(), "backup");
}

TEST_F(BulkReadsTest, FinishedAmongNewestCountsRunsOfAnyStateThenKeepsTheFinished) {
  const int64_t old_finished = AddRun("nas1", "tank", v1::RUN_FINISHED);
  const int64_t finished = AddRun("nas1", "tank", v1::RUN_FINISHED);
  AddRun("nas1", "tank", v1::RUN_CANCELED);
  const int64_t other = AddRun("nas2", "tank", v1::RUN_FINISHED);
  // The two newest of nas1/tank are the canceled run and `finished`: `old_finished` is
  // beyond them, as it is beyond List(nas1, tank, 2).
  absl::StatusOr<std::vector<v1::ScrubRun>> runs = store_->scrub_runs().FinishedAmongNewest(2);
  ASSERT_TRUE(runs.ok()) << runs.status();
  EXPECT_THAT(Ids(*runs), ElementsAre(finished, other));
  runs = store_->scrub_runs().FinishedAmongNewest(3);
  ASSERT_TRUE(runs.ok()) << runs.status();
  EXPECT_THAT(Ids(*runs), ElementsAre(finished, old_finished, other));  // newest first per pool
  runs = store_->scrub_runs().FinishedAmongNewest(0);
  ASSERT_TRUE(runs.ok()) << runs.status();
  EXPECT_TRUE(runs->empty());
}

TEST_F(BulkReadsTest, PendingAllIsPendingOfEveryHost) {
  auto command = [](const std::string& id, const std::string& host, absl::Time expires) {
    CommandRecord c;
    c.id = id;
    c.host_id = host;
    c.pool = "tank";
    c.kind = v1::SCRUB_START;
    c.created_at = kBulkT0;
    c.expires_at = expires;
    return c;
  };
  ASSERT_TRUE(store_->commands().Insert(command("c1", "nas2", kBulkT0 + absl::Hours(1))).ok());
  ASSERT_TRUE(store_->commands().Insert(command("c2", "nas1", kBulkT0 + absl::Hours(1))).ok());
  ASSERT_TRUE(store_->commands().Insert(command("c3", "nas1", kBulkT0 - absl::Hours(1))).ok());
  absl::StatusOr<std::vector<CommandRecord>> pending = store_->commands().PendingAll(kBulkT0);
  ASSERT_TRUE(pending.ok()) << pending.status();
  std::vector<std::string> ids;
  for (const CommandRecord& c : *pending) ids.push_back(c.id);
  EXPECT_THAT(ids, ElementsAre("c2", "c1"));  // by host (nas1 first), expired c3 left out
}

}  // namespace
}  // namespace zfleet::controller
