#include "model/pool_json.h"

#include <string>

#include "gtest/gtest.h"
#include "model/enum_names.h"
#include "tests/testing/pool_builders.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet {
namespace {

using Json = nlohmann::ordered_json;
using ::zfleet::testing::AddMirror;
using ::zfleet::testing::DiskLeaf;

// 2026-11-21T09:48:23Z
constexpr int64_t kStart = 1795254503;

TEST(PoolJsonTest, AbsentFactsAreNullNeverZero) {
  v1::Pool pool;
  pool.set_name("tank");
  pool.set_state("ONLINE");
  *pool.add_vdevs() = DiskLeaf("sda");
  pool.mutable_vdevs(0)->clear_path();

  const Json j = PoolToJson(pool);
  for (const char* key : {"size_bytes", "allocated_bytes", "free_bytes", "fragmentation_percent",
                          "capacity_percent"}) {
    ASSERT_TRUE(j.contains(key)) << key;
    EXPECT_TRUE(j[key].is_null()) << key;
  }
  EXPECT_EQ(j["scan"]["function"], "none");
  EXPECT_EQ(j["scan"]["state"], "none");
  for (const char* key : {"percent_done", "bytes_scanned", "bytes_issued", "bytes_total",
                          "bytes_repaired", "errors", "start_time", "end_time"}) {
    ASSERT_TRUE(j["scan"].contains(key)) << key;
    EXPECT_TRUE(j["scan"][key].is_null()) << key;
  }
  EXPECT_TRUE(j["errors"]["count"].is_null());
  EXPECT_TRUE(j["errors"]["files"].is_array());
  EXPECT_TRUE(j["errors"]["files"].empty());

  const Json& sda = j["vdevs"][0];
  for (const char* key : {"read_errors", "write_errors", "checksum_errors", "bytes_repaired",
                          "path", "serial", "model", "wwn", "transport", "rotational",
                          "size_bytes", "enclosure_slot", "class"}) {
    ASSERT_TRUE(sda.contains(key)) << key;
    EXPECT_TRUE(sda[key].is_null()) << key;
  }
}

TEST(PoolJsonTest, ZeroIsKeptAsZeroAndCountersAreIntegers) {
  v1::Pool pool;
  pool.set_name("tank");
  pool.set_size_bytes(3985729650688u);
  pool.set_capacity_percent(0);
  pool.mutable_errors()->set_count(0);
  pool.mutable_scan()->set_function("scrub");
  pool.mutable_scan()->set_state("scanning");
  pool.mutable_scan()->set_percent_done(65.99);
  pool.mutable_scan()->set_bytes_scanned(1228);
  pool.mutable_scan()->set_errors(0);
  v1::Vdev leaf = DiskLeaf("sda");
  leaf.set_read_errors(0);
  leaf.set_write_errors(3);
  leaf.set_checksum_errors(1228);
  leaf.set_bytes_repaired(1572864);
  *pool.add_vdevs() = leaf;

  const Json j = PoolToJson(pool);
  EXPECT_TRUE(j["size_bytes"].is_number_integer());
  EXPECT_EQ(j["size_bytes"].get<uint64_t>(), 3985729650688u);
  EXPECT_TRUE(j["capacity_percent"].is_number_integer());
  EXPECT_EQ(j["capacity_percent"], 0);
  EXPECT_EQ(j["errors"]["count"], 0);
  EXPECT_FALSE(j["errors"]["count"].is_null());
  EXPECT_TRUE(j["scan"]["percent_done"].is_number_float());
  EXPECT_DOUBLE_EQ(j["scan"]["percent_done"].get<double>(), 65.99);
  EXPECT_TRUE(j["scan"]["bytes_scanned"].is_number_integer());
  EXPECT_EQ(j["scan"]["bytes_scanned"], 1228);
  EXPECT_EQ(j["scan"]["errors"], 0);

  const Json& sda = j["vdevs"][0];
  EXPECT_TRUE(sda["read_errors"].is_number_integer());
  EXPECT_EQ(sda["read_errors"], 0);
  EXPECT_EQ(sda["write_errors"], 3);
  EXPECT_EQ(sda["checksum_errors"], 1228);
  EXPECT_EQ(sda["bytes_repaired"], 1572864);
  // The serialized text has no quotes or decimal points around counters.
  EXPECT_NE(j.dump().find("\"checksum_errors\":1228,"), std::string::npos) << j.dump();
}

TEST(PoolJsonTest, TimesAreRfc3339Utc) {
  v1::Pool pool;
  pool.set_name("tank");
  pool.mutable_scan()->set_function("scrub");
  pool.mutable_scan()->set_state("finished");
  pool.mutable_scan()->set_start_time(kStart);
  pool.mutable_scan()->set_end_time(0);  // present, the epoch: not null
  const Json j = PoolToJson(pool);
  EXPECT_EQ(j["scan"]["start_time"], "2026-11-21T09:48:23Z");
  EXPECT_EQ(j["scan"]["end_time"], "1970-01-01T00:00:00Z");
}

TEST(PoolJsonTest, InteriorVdevsHaveChildrenAndNoDiskFields) {
  v1::Pool pool;
  pool.set_name("tank");
  v1::Vdev sda = DiskLeaf("sda");
  sda.mutable_disk()->set_serial("WD-1");
  sda.mutable_disk()->set_rotational(true);
  sda.mutable_disk()->set_class_("sata");
  v1::Vdev* mirror = AddMirror(pool, {sda, DiskLeaf("sdb")});
  mirror->set_role("data");
  mirror->set_state("DEGRADED");

  const Json j = PoolToJson(pool);
  ASSERT_EQ(j["vdevs"].size(), 1u);
  const Json& m = j["vdevs"][0];
  EXPECT_EQ(m["name"], "mirror-0");
  EXPECT_EQ(m["state"], "DEGRADED");
  EXPECT_FALSE(m.contains("path"));
  EXPECT_FALSE(m.contains("serial"));
  EXPECT_FALSE(m.contains("class"));
  ASSERT_EQ(m["children"].size(), 2u);
  EXPECT_EQ(m["children"][0]["name"], "sda");
  EXPECT_EQ(m["children"][0]["path"], "/dev/sda");
  EXPECT_EQ(m["children"][0]["serial"], "WD-1");
  EXPECT_EQ(m["children"][0]["rotational"], true);
  EXPECT_EQ(m["children"][0]["class"], "sata");
  EXPECT_TRUE(m["children"][0]["model"].is_null());
  EXPECT_EQ(m["children"][1]["name"], "sdb");
  EXPECT_TRUE(m["children"][1]["children"].is_array());
  EXPECT_TRUE(m["children"][1]["children"].empty());
}

TEST(PoolJsonTest, ContractKeysInOrder) {
  v1::Pool pool;
  pool.set_name("tank");
  pool.add_unparsed("a line nobody knows");
  pool.mutable_errors()->add_files("/tank/a");
  pool.mutable_errors()->set_text("1 data errors");
  const Json j = PoolToJson(pool);
  std::string keys;
  for (const auto& [key, value] : j.items()) keys += key + ",";
  EXPECT_EQ(keys,
            "name,state,status,action,see,scan,errors,vdevs,size_bytes,allocated_bytes,"
            "free_bytes,fragmentation_percent,capacity_percent,unparsed,");
  EXPECT_EQ(j["unparsed"], Json::array({"a line nobody knows"}));
  EXPECT_EQ(j["errors"]["files"], Json::array({"/tank/a"}));
  EXPECT_EQ(j["errors"]["text"], "1 data errors");
}

TEST(PoolJsonTest, ScrubRun) {
  v1::ScrubRun run;
  run.set_id(7);
  run.set_host_id("nas1");
  run.set_pool("tank");
  SetTrigger(run, v1::TRIGGER_MANUAL);
  SetRunState(run, v1::RUN_REQUESTED);
  const Json requested = ScrubRunToJson(run);
  EXPECT_EQ(requested["id"], 7);
  EXPECT_EQ(requested["host"], "nas1");
  EXPECT_EQ(requested["trigger"], "manual");
  EXPECT_EQ(requested["state"], "requested");
  EXPECT_TRUE(requested["requested_at"].is_null());  // 0 = not known
  EXPECT_TRUE(requested["started_at"].is_null());
  EXPECT_TRUE(requested["ended_at"].is_null());
  EXPECT_TRUE(requested["bytes_scanned"].is_null());
  EXPECT_TRUE(requested["errors"].is_null());

  run.set_requested_at(kStart);
  run.set_started_at(kStart + 1);
  run.set_ended_at(kStart + 3600);
  SetRunState(run, v1::RUN_FINISHED);
  run.set_bytes_scanned(1000);
  run.set_bytes_repaired(0);
  run.set_errors(0);
  const Json finished = ScrubRunToJson(run);
  EXPECT_EQ(finished["requested_at"], "2026-11-21T09:48:23Z");
  EXPECT_EQ(finished["started_at"], "2026-11-21T09:48:24Z");
  EXPECT_EQ(finished["ended_at"], "2026-11-21T10:48:23Z");
  EXPECT_EQ(finished["bytes_scanned"], 1000);
  EXPECT_EQ(finished["bytes_repaired"], 0);
  EXPECT_EQ(finished["errors"], 0);
  EXPECT_EQ(finished["state"], "finished");
}

// A controller older than the enums sends only the names; the JSON says the same.
TEST(PoolJsonTest, ScrubRunFromAnOlderController) {
  v1::ScrubRun run;
  run.set_trigger_name("scheduled");
  run.set_state_name("canceled");
  const Json j = ScrubRunToJson(run);
  EXPECT_EQ(j["trigger"], "scheduled");
  EXPECT_EQ(j["state"], "canceled");
}

}  // namespace
}  // namespace zfleet
