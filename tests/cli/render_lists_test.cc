// `zfleet hosts`, `zfleet pools` and `zfleet scrub` output.
#include <string>

#include "cli/render_hosts.h"
#include "cli/render_pools.h"
#include "cli/render_scrub.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/fleet_fixtures.h"

namespace zfleet::cli {
namespace {

using fixtures::HealthyPool;
using fixtures::Host;
using fixtures::kNow;
using fixtures::Summary;
using ::testing::HasSubstr;
using ::testing::Not;
using Json = nlohmann::ordered_json;

const RenderOptions kPlain{.color = false, .now = fixtures::Now()};

TEST(RenderHostsTest, TableSortedWithErrorColumnOnlyWhenNeeded) {
  v1::ListHostsResponse hosts;
  *hosts.add_hosts() = Host("storage-2", /*reporting=*/false, 3);
  *hosts.add_hosts() = Host("h1");
  EXPECT_EQ(RenderHostsText(hosts, kPlain),
            "HOST       REPORTING  LAST-SEEN  POOLS  ZPOOL-GENERATION  AGENT  INSTANCE\n"
            "h1         yes        12s ago        1  openzfs-2         0.1.0  inst-h1\n"
            "storage-2  no         3h0m ago       3  openzfs-2         0.1.0  inst-storage-2\n");

  hosts.mutable_hosts(0)->set_collect_error("modprobe: FATAL: Module zfs not found");
  EXPECT_THAT(RenderHostsText(hosts, kPlain),
              HasSubstr("inst-storage-2  modprobe: FATAL: Module zfs not found\n"));
  EXPECT_THAT(RenderHostsText(hosts, kPlain), HasSubstr("INSTANCE        ERROR\n"));
}

TEST(RenderHostsTest, EmptyFleet) {
  EXPECT_EQ(RenderHostsText(v1::ListHostsResponse(), kPlain), "no hosts\n");
  EXPECT_EQ(RenderHostsJson(v1::ListHostsResponse()).dump(), R"({"hosts":[]})");
}

TEST(RenderHostsTest, JsonShapeWithNulls) {
  v1::ListHostsResponse hosts;
  v1::HostSummary h = Host("h1");
  (*h.mutable_info()->mutable_labels())["rack"] = "r7";
  (*h.mutable_info()->mutable_labels())["dc"] = "fra";
  h.mutable_info()->set_load1(0.5);
  *hosts.add_hosts() = h;
  v1::HostSummary bare;
  bare.set_host_id("h0");
  *hosts.add_hosts() = bare;

  const Json doc = Json::parse(RenderHostsJson(hosts).dump());
  ASSERT_EQ(doc["hosts"].size(), 2u);
  EXPECT_EQ(doc["hosts"][1], Json::parse(R"({
    "host": "h1", "instance_id": "inst-h1", "reporting": true,
    "first_seen": "2026-11-20T10:00:00Z", "last_seen": "2026-11-21T09:59:48Z",
    "pool_count": 1, "hostname": "h1.example.net", "agent_version": "0.1.0",
    "zpool_path": null, "zpool_generation": "openzfs-2",
    "labels": {"dc": "fra", "rack": "r7"}, "load1": 0.5, "collect_error": null})"));
  const Json& b = doc["hosts"][0];
  EXPECT_EQ(b["host"], "h0");
  for (const char* key : {"instance_id", "first_seen", "last_seen", "hostname", "agent_version",
                          "zpool_generation", "load1", "collect_error"}) {
    EXPECT_TRUE(b[key].is_null()) << key;
  }
  EXPECT_EQ(b["labels"], Json::object());
}

TEST(RenderPoolsTest, TableWithSizesRightAligned) {
  v1::ListPoolsResponse pools;
  v1::PoolSummary tank = Summary("h1", HealthyPool("tank"));
  tank.mutable_last_scrub()->set_id(7);
  tank.mutable_last_scrub()->set_state("running");
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
  tank.mutable_last_scrub()->set_trigger("scheduled");
  tank.mutable_last_scrub()->set_state("finished");
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

TEST(RenderScrubTest, TextPerAction) {
  const PoolRef ref{"h1", "tank"};
  v1::RequestScrubResponse response;
  response.set_command_id("abc");
  response.set_scrub_run_id(12);
  EXPECT_EQ(RenderScrubText(ref, v1::START, response),
            "scrub requested on h1/tank (run 12, command abc)\n");
  response.set_scrub_run_id(0);
  EXPECT_EQ(RenderScrubText(ref, v1::STOP, response), "stop requested on h1/tank (command abc)\n");
  EXPECT_EQ(RenderScrubText(ref, v1::PAUSE, v1::RequestScrubResponse()),
            "pause requested on h1/tank\n");
  EXPECT_EQ(RenderScrubText(ref, v1::START, v1::RequestScrubResponse(), /*now=*/true),
            "scrub requested on h1/tank now, bypassing caps and windows\n");
}

TEST(RenderScrubTest, JsonShape) {
  const PoolRef ref{"h1", "tank"};
  v1::RequestScrubResponse response;
  response.set_command_id("abc");
  response.set_scrub_run_id(12);
  EXPECT_EQ(RenderScrubJson(ref, v1::START, response).dump(),
            R"({"host":"h1","pool":"tank","action":"start","now":false,"command_id":"abc",)"
            R"("scrub_run_id":12})");
  EXPECT_EQ(RenderScrubJson(ref, v1::STOP, v1::RequestScrubResponse()).dump(),
            R"({"host":"h1","pool":"tank","action":"stop","now":false,"command_id":null,)"
            R"("scrub_run_id":null})");
  EXPECT_EQ(RenderScrubJson(ref, v1::START, response, /*now=*/true)["now"], true);
  EXPECT_EQ(RenderScrubJson(ref, v1::PAUSE, response)["action"], "pause");
}

}  // namespace
}  // namespace zfleet::cli
