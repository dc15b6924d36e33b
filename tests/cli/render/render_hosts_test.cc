// `zfleet hosts` output.
#include "cli/render/render_hosts.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/render/render_fixtures.h"

namespace zfleet::cli {
namespace {

using fixtures::Host;
using fixtures::kPlain;
using ::testing::HasSubstr;
using Json = nlohmann::ordered_json;

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

}  // namespace
}  // namespace zfleet::cli
