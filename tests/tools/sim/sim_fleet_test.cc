#include "tools/sim/sim_fleet.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace zfleet::controller {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

TEST(SimFleetTest, ParsesTheDocumentedExample) {
  auto fleet = ParseSimFleet(R"(
{"hosts": [{"name": "h0001", "labels": {"rack": "r01"}, "load": 1.0,
            "pools": [{"name": "tank", "class": "sata", "size_bytes": 8e12,
                       "scan_bytes_per_s": 400e6, "last_scrub_age_days": 3},
                      {"name": "bulk", "class": "sas", "size_bytes": 16e12,
                       "scan_bytes_per_s": 500e6, "last_scrub_age_days": null,
                       "state": "DEGRADED"}]},
           {"name": "h0002", "can_pause": false}]})",
                             "fleet.json");
  ASSERT_TRUE(fleet.ok()) << fleet.status();
  ASSERT_EQ(fleet->hosts.size(), 2u);
  EXPECT_EQ(fleet->PoolCount(), 2u);
  const SimHost& h = fleet->hosts[0];
  EXPECT_EQ(h.name, "h0001");
  EXPECT_THAT(h.labels, ElementsAre(Pair("rack", "r01")));
  EXPECT_EQ(h.load, 1.0);
  EXPECT_TRUE(h.can_pause);
  EXPECT_EQ(h.pools[0].disk_class, DiskClass::kSata);
  EXPECT_EQ(h.pools[0].size_bytes, 8e12);
  EXPECT_EQ(h.pools[0].scan_bytes_per_s, 400e6);
  EXPECT_EQ(h.pools[0].last_scrub_age_days, 3.0);
  EXPECT_EQ(h.pools[0].state, "ONLINE");
  EXPECT_EQ(h.pools[1].last_scrub_age_days, std::nullopt);
  EXPECT_EQ(h.pools[1].state, "DEGRADED");
  EXPECT_FALSE(fleet->hosts[1].can_pause);
  EXPECT_EQ(fleet->hosts[1].load, 0);
}

TEST(SimFleetTest, RefusesBadInputWithOneClearLine) {
  const std::string pool =
      R"("name": "t", "class": "sata", "size_bytes": 1e12, "scan_bytes_per_s": 1e8)";
  struct Case {
    std::string json;
    std::string error;
  } cases[] = {
      {"{\"hosts\": [\n{\"name\": \"a\",}]}",
       "f.json: parse error at line 2, column 14: syntax error"},
      {"[]", "f.json: top level: must be an object"},
      {"{}", "f.json: hosts: must be a non-empty list"},
      {R"({"hosts": []})", "f.json: hosts: must be a non-empty list"},
      {R"({"hosts": [], "x": 1})", "f.json: top level.x: unknown key"},
      {R"({"hosts": [{"load": 1}]})", "f.json: hosts[0].name: missing"},
      {R"({"hosts": [{"name": "a", "rack": "r1"}]})", "f.json: hosts[0].rack: unknown key"},
      {R"({"hosts": [{"name": "a"}, {"name": "a"}]})",
       "f.json: hosts[1].name: duplicate host \"a\""},
      {R"({"hosts": [{"name": "a", "load": -1}]})",
       "f.json: hosts[0].load: must be a number of at least 0"},
      {R"({"hosts": [{"name": "a", "labels": {"rack": 1}}]})",
       "f.json: hosts[0].labels.rack: must be a string"},
      {R"({"hosts": [{"name": "a", "can_pause": "no"}]})",
       "f.json: hosts[0].can_pause: must be true or false"},
      {R"({"hosts": [{"name": "a", "pools": {}}]})", "f.json: hosts[0].pools: must be a list"},
      {R"({"hosts": [{"name": "a", "pools": [{"name": "t", "class": "ssd"}]}]})",
       "f.json: hosts[0].pools[0].class: unknown class \"ssd\" (want sata, scsi, usb, unknown, "
       "sas, fc, nvme or virtual)"},
      {R"({"hosts": [{"name": "a", "pools": [{"name": "t", "class": "sata"}]}]})",
       "f.json: hosts[0].pools[0].size_bytes: missing"},
      {R"({"hosts": [{"name": "a", "pools": [{"name": "t", "class": "sata", "size_bytes": 0}]}]})",
       "f.json: hosts[0].pools[0].size_bytes: must be a number above 0"},
      {R"({"hosts": [{"name": "a", "pools": [{)" + pool + R"(, "last_scrub_age_days": "3"}]}]})",
       "f.json: hosts[0].pools[0].last_scrub_age_days: must be a number of at least 0"},
      {R"({"hosts": [{"name": "a", "pools": [{)" + pool + R"(, "size": 1}]}]})",
       "f.json: hosts[0].pools[0].size: unknown key"},
      {R"({"hosts": [{"name": "a", "pools": [{)" + pool + R"(}, {)" + pool + R"(}]}]})",
       "f.json: hosts[0].pools[1].name: duplicate pool \"t\""},
  };
  for (const Case& c : cases) {
    auto fleet = ParseSimFleet(c.json, "f.json");
    ASSERT_FALSE(fleet.ok()) << c.json;
    EXPECT_EQ(fleet.status().code(), absl::StatusCode::kInvalidArgument);
    std::string message(fleet.status().message());
    EXPECT_EQ(message.substr(0, c.error.size()), c.error) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
  EXPECT_EQ(LoadSimFleet("/nonexistent/fleet.json").status().message(),
            "cannot read fleet file /nonexistent/fleet.json");
}

}  // namespace
}  // namespace zfleet::controller
