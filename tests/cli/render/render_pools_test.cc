// `zfleet pools` output.
#include "cli/render/render_pools.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/enum_names.h"
#include "tests/cli/render/render_fixtures.h"

namespace zfleet::cli {
namespace {

using fixtures::HealthyPool;
using fixtures::kNow;
using fixtures::kPlain;
using fixtures::Summary;
using Json = nlohmann::ordered_json;

TEST(RenderPoolsTest, TableWithSizesRightAligned) {
  v1::ListPoolsResponse pools;
  v1::PoolSummary tank = Summary("h1", HealthyPool("tank"));
  tank.mutable_last_scrub()->set_id(7);
  SetRunState(*tank.mutable_last_scrub(), v1::RUN_RUNNING);
  tank.mutable_last_scrub()->set_requested_at(kNow - 3600);
  tank.mutable_last_scrub()->set_started_at(kNow - 3590);
  *pools.add_pools() = tank;
  v1::Pool small = HealthyPool("scratch");
  small.set_size_bytes(uint64_t{41} << 19);  // 20.5M
  small.set_allocated_bytes(512);
  small.set_capacity_percent(0);
  *pools.add_pools() = Summary("h1", small);
  v1::Pool unknown;
  unknown.set_name("new");
  unknown.set_state("ONLINE");
  *pools.add_pools() = Summary("h0", unknown);

  EXPECT_EQ(RenderPoolsText(pools, kPlain),
            "HOST  POOL     STATE    SIZE  ALLOC  CAP  SCAN                             "
            "LAST-SCRUB\n"
            "h0    new      ONLINE      -      -    -  none                             -\n"
            "h1    scratch  ONLINE  20.5M   512B   0%  scrub finished 2026-11-21 09:48  "
            "2026-11-21 09:48\n"
            "h1    tank     ONLINE     1T   400G  39%  scrub finished 2026-11-21 09:48  "
            "2026-11-21 09:00 running\n");
}

TEST(RenderPoolsTest, JsonShapeWithNulls) {
  v1::ListPoolsResponse pools;
  v1::PoolSummary tank = Summary("h1", HealthyPool("tank"));
  tank.mutable_last_scrub()->set_id(7);
  tank.mutable_last_scrub()->set_host_id("h1");
  tank.mutable_last_scrub()->set_pool("tank");
  SetTrigger(*tank.mutable_last_scrub(), v1::TRIGGER_SCHEDULED);
  SetRunState(*tank.mutable_last_scrub(), v1::RUN_FINISHED);
  tank.mutable_last_scrub()->set_requested_at(kNow - 3600);
  *pools.add_pools() = tank;
  v1::Pool unknown;
  unknown.set_name("new");
  *pools.add_pools() = Summary("h2", unknown, /*reporting=*/false);

  const Json doc = Json::parse(RenderPoolsJson(pools).dump());
  ASSERT_EQ(doc["pools"].size(), 2u);
  const Json& t = doc["pools"][0];
  std::vector<std::string> keys;
  for (auto it = t.begin(); it != t.end(); ++it) keys.push_back(it.key());
  EXPECT_THAT(keys,
              ::testing::ElementsAre("host", "pool", "state", "size_bytes", "allocated_bytes",
                                     "free_bytes", "capacity_percent", "fragmentation_percent",
                                     "scan", "last_scrub", "last_seen", "host_reporting"));
  EXPECT_EQ(t["size_bytes"], uint64_t{1} << 40);
  EXPECT_EQ(t["capacity_percent"], 39);
  EXPECT_EQ(t["last_scrub"]["id"], 7);
  EXPECT_EQ(t["last_scrub"]["trigger"], "scheduled");
  EXPECT_EQ(t["last_scrub"]["requested_at"], "2026-11-21T09:00:00Z");
  EXPECT_TRUE(t["last_scrub"]["ended_at"].is_null());

  const Json& n = doc["pools"][1];
  for (const char* key : {"size_bytes", "allocated_bytes", "free_bytes", "capacity_percent",
                          "fragmentation_percent", "last_scrub"}) {
    EXPECT_TRUE(n[key].is_null()) << key;
  }
  EXPECT_FALSE(n["host_reporting"].get<bool>());
}

}  // namespace
}  // namespace zfleet::cli
