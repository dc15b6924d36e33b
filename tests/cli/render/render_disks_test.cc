// `zfleet disks [--by-model]` output and the disk helpers it shares with triage.
#include "cli/render/render_disks.h"

#include <string>

#include "cli/render/disk_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/render/render_fixtures.h"

namespace zfleet::cli {
namespace {

using fixtures::AddSample;
using fixtures::Disk;
using fixtures::kDay;
using fixtures::kNow;
using fixtures::kPlain;
using ::testing::HasSubstr;
using Json = nlohmann::ordered_json;

v1::ListDisksResponse Fleet() {
  v1::ListDisksResponse r;
  v1::Disk sdc = Disk("h2", "big", "sdc", "HUH721", /*read=*/2);
  AddSample(&sdc, kNow - kDay, 2, 0, 0);
  *r.add_disks() = sdc;
  v1::Disk sdb = Disk("h1", "tank", "sdb", "ST4000", 0, 0, /*cksum=*/40);
  AddSample(&sdb, kNow - 3 * kDay, 0, 0, 0);
  AddSample(&sdb, kNow - 2 * kDay, 0, 0, 12);
  AddSample(&sdb, kNow - kDay, 0, 0, 40);
  *r.add_disks() = sdb;
  *r.add_disks() = Disk("h1", "tank", "sda", "ST4000");
  v1::Disk bare;  // nothing known but where it is
  bare.set_host_id("h0");
  bare.set_pool("x");
  bare.set_vdev("nvme0n1");
  *r.add_disks() = bare;
  return r;
}

TEST(DiskViewTest, NamesAndCounters) {
  const v1::ListDisksResponse fleet = Fleet();
  EXPECT_EQ(DiskDevice(fleet.disks(1)), "/dev/sdb");
  EXPECT_EQ(DiskDevice(fleet.disks(3)), "nvme0n1");
  EXPECT_EQ(DiskDevice(v1::Disk()), "-");
  EXPECT_EQ(DiskIdentityText(fleet.disks(1)), "serial SN-sdb, model ST4000, slot 3");
  EXPECT_EQ(DiskIdentityText(fleet.disks(3)), "");
  EXPECT_EQ(DiskCountersText(fleet.disks(1)), "read 0, write 0, cksum 40");
  EXPECT_EQ(DiskCountersText(fleet.disks(3)), "read -, write -, cksum -");
  EXPECT_TRUE(DiskHasErrors(fleet.disks(1)));
  EXPECT_FALSE(DiskHasErrors(fleet.disks(2)));
}

TEST(DiskViewTest, TrendShowsCountersThatWereEverAboveZero) {
  const v1::ListDisksResponse fleet = Fleet();
  EXPECT_EQ(CounterTrend(fleet.disks(1)), "cksum 0→12→40 over 3 samples");
  EXPECT_EQ(CounterTrend(fleet.disks(0)), "read 2 over 1 sample");
  EXPECT_EQ(CounterTrend(fleet.disks(2)), "");  // no history

  v1::Disk d = Disk("h1", "tank", "sdd", "X");
  for (int i = 0; i < 7; ++i) AddSample(&d, kNow - (7 - i) * 3600, i >= 5 ? 1 : 0, 0, i);
  EXPECT_EQ(CounterTrend(d),
            "read 0→0→0→1→1 over the last 5 of 7 samples; "
            "cksum 2→3→4→5→6 over the last 5 of 7 samples");
  v1::Disk clean = Disk("h1", "tank", "sde", "X");
  AddSample(&clean, kNow, 0, 0, 0);
  EXPECT_EQ(CounterTrend(clean), "");
}

TEST(RenderDisksTest, TableSortedWithDashesForUnknown) {
  EXPECT_EQ(RenderDisksText(Fleet(), kPlain),
            "HOST  POOL  DEVICE    SERIAL  MODEL   CLASS  STATE   READ  WRITE  CKSUM  TREND\n"
            "h0    x     nvme0n1   -       -       -      -          -      -      -  -\n"
            "h1    tank  /dev/sda  SN-sda  ST4000  sata   ONLINE     0      0      0  -\n"
            "h1    tank  /dev/sdb  SN-sdb  ST4000  sata   ONLINE     0      0     40  "
            "cksum 0→12→40 over 3 samples\n"
            "h2    big   /dev/sdc  SN-sdc  HUH721  sata   ONLINE     2      0      0  "
            "read 2 over 1 sample\n");
  EXPECT_EQ(RenderDisksText(v1::ListDisksResponse(), kPlain), "no disks\n");
  EXPECT_THAT(RenderDisksText(Fleet(), fixtures::kColor), HasSubstr("\033[31m40\033[0m"));
}

TEST(RenderDisksTest, JsonShapeWithNulls) {
  const Json doc = Json::parse(RenderDisksJson(Fleet()).dump());
  ASSERT_EQ(doc["disks"].size(), 4u);
  EXPECT_EQ(doc["disks"][2], Json::parse(R"({"host": "h1", "pool": "tank", "vdev": "sdb",
      "path": "/dev/sdb", "state": "ONLINE", "serial": "SN-sdb", "model": "ST4000",
      "wwn": null, "transport": null, "rotational": null, "size_bytes": null,
      "enclosure_slot": "3", "class": "sata", "read_errors": 0, "write_errors": 0,
      "checksum_errors": 40, "history": [
        {"time": "2026-11-18T10:00:00Z", "read_errors": 0, "write_errors": 0, "checksum_errors": 0},
        {"time": "2026-11-19T10:00:00Z", "read_errors": 0, "write_errors": 0, "checksum_errors": 12},
        {"time": "2026-11-20T10:00:00Z", "read_errors": 0, "write_errors": 0, "checksum_errors": 40}
      ]})"));
  const Json& bare = doc["disks"][0];
  for (const char* key : {"path", "state", "serial", "model", "class", "read_errors",
                          "write_errors", "checksum_errors"}) {
    EXPECT_TRUE(bare[key].is_null()) << key;
  }
  EXPECT_EQ(bare["history"], Json::array());
}

TEST(RenderDisksTest, ByModelWorstFirst) {
  EXPECT_EQ(RenderModelsText(Fleet(), kPlain),
            "MODEL      DISKS  WITH-ERRORS  READ  WRITE  CKSUM\n"
            "ST4000         2            1     0      0     40\n"
            "HUH721         1            1     2      0      0\n"
            "(unknown)      1            0     0      0      0\n");
  EXPECT_EQ(RenderModelsText(v1::ListDisksResponse(), kPlain), "no disks\n");
  const Json doc = Json::parse(RenderModelsJson(Fleet()).dump());
  ASSERT_EQ(doc["models"].size(), 3u);
  EXPECT_EQ(doc["models"][0], Json::parse(R"({"model": "ST4000", "disks": 2,
      "disks_with_errors": 1, "read_errors": 0, "write_errors": 0, "checksum_errors": 40})"));
  EXPECT_TRUE(doc["models"][2]["model"].is_null());
  EXPECT_EQ(doc["models"][2]["disks"], 1);
}

}  // namespace
}  // namespace zfleet::cli
