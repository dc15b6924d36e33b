#include "model/pool_facts.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/proto_bytes.h"
#include "tests/testing/pool_builders.h"

namespace zfleet {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::zfleet::testing::AddMirror;
using ::zfleet::testing::ClassedLeaf;

v1::Pool Pool() {
  v1::Pool pool;
  pool.set_name("tank");
  pool.set_state("ONLINE");
  AddMirror(pool, {ClassedLeaf("sda", "data", "sas"), ClassedLeaf("sdb", "data", "")})
      ->set_role("data");
  *pool.add_vdevs() = ClassedLeaf("nvme0n1", "log", "nvme");
  *pool.add_vdevs() = ClassedLeaf("sdc", "cache", "sata");
  *pool.add_vdevs() = ClassedLeaf("sdd", "spare", "usb", "AVAIL");
  return pool;
}

TEST(ScrubClassesTest, DataPathDisksThatNameAClass) {
  EXPECT_THAT(ScrubClasses(Pool()), ElementsAre("nvme", "sas"));
  EXPECT_EQ(ComputePoolFacts(Pool()).disk_classes, "nvme,sas");
  EXPECT_THAT(ScrubClasses(v1::Pool()), IsEmpty());
}

TEST(ScrubClassesTest, DiskClassesSplitBackIntoTheList) {
  EXPECT_THAT(SplitDiskClasses(ComputePoolFacts(Pool()).disk_classes), ElementsAre("nvme", "sas"));
  EXPECT_THAT(SplitDiskClasses(ComputePoolFacts(v1::Pool()).disk_classes), IsEmpty());
}

TEST(MaterialViewTest, SizesAndRunningProgressAreNotMaterial) {
  v1::Pool a = Pool();
  a.mutable_scan()->set_function("scrub");
  a.mutable_scan()->set_state("scanning");
  a.mutable_scan()->set_percent_done(10);
  a.set_allocated_bytes(100);
  v1::Pool b = a;
  b.mutable_scan()->set_percent_done(20);
  b.set_allocated_bytes(200);
  EXPECT_EQ(*SerializeDeterministic(MaterialView(a)), *SerializeDeterministic(MaterialView(b)));
  // A finished scan's figures are its outcome: material.
  a.mutable_scan()->set_state("finished");
  b.mutable_scan()->set_state("finished");
  EXPECT_NE(*SerializeDeterministic(MaterialView(a)), *SerializeDeterministic(MaterialView(b)));
  // So is a counter.
  v1::Pool c = Pool();
  c.mutable_vdevs(0)->mutable_children(0)->set_checksum_errors(1);
  EXPECT_NE(*SerializeDeterministic(MaterialView(Pool())),
            *SerializeDeterministic(MaterialView(c)));
}

TEST(LeafDiskTest, IdentityAndOnlyTheCountersZpoolPrinted) {
  v1::Vdev leaf = ClassedLeaf("sda", "data", "sas");
  leaf.mutable_disk()->set_serial("SN1");
  leaf.set_checksum_errors(3);
  const v1::Disk disk = LeafDisk("nas1", "tank", leaf);
  EXPECT_EQ(disk.host_id(), "nas1");
  EXPECT_EQ(disk.pool(), "tank");
  EXPECT_EQ(disk.vdev(), "sda");
  EXPECT_EQ(disk.path(), "/dev/sda");
  EXPECT_EQ(disk.state(), "ONLINE");
  EXPECT_EQ(disk.identity().serial(), "SN1");
  EXPECT_EQ(disk.checksum_errors(), 3u);
  EXPECT_FALSE(disk.has_read_errors());
  EXPECT_EQ(disk.history_size(), 0);
}

}  // namespace
}  // namespace zfleet
