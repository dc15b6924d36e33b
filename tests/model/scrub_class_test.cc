#include "model/scrub_class.h"

#include <string>

#include "gtest/gtest.h"
#include "model/enum_names.h"
#include "tests/testing/pool_builders.h"

namespace zfleet {
namespace {

using ::zfleet::testing::AddMirror;
using ::zfleet::testing::ClassedLeaf;

// tank: mirror-0 of sda and sdb, data disks of the classes `a` and `b`.
v1::Pool Mirror(const std::string& a, const std::string& b) {
  v1::Pool pool;
  pool.set_name("tank");
  AddMirror(pool, {ClassedLeaf("sda", "data", a), ClassedLeaf("sdb", "data", b)})->set_role("data");
  return pool;
}

TEST(PoolScrubClassTest, ShortestIntervalAmongTheDataDisks) {
  const ScrubCadence policy;
  EXPECT_EQ(PoolScrubClass(Mirror("sata", "sata"), policy), DiskClass::kSata);
  EXPECT_EQ(PoolInterval(Mirror("sata", "sata"), policy), absl::Hours(24 * 7));
  EXPECT_EQ(PoolScrubClass(Mirror("sas", "sas"), policy), DiskClass::kSas);
  EXPECT_EQ(PoolInterval(Mirror("sas", "sas"), policy), absl::Hours(24 * 30));
  // A SATA disk in a SAS mirror makes the pool weekly.
  EXPECT_EQ(PoolScrubClass(Mirror("sas", "sata"), policy), DiskClass::kSata);
}

TEST(PoolScrubClassTest, CacheDevicesSparesAndUnclassifiedDisksDoNotCount) {
  const ScrubCadence policy;
  v1::Pool pool = Mirror("sas", "");  // one disk the agent could not classify
  EXPECT_EQ(PoolScrubClass(pool, policy), DiskClass::kSas);
  *pool.add_vdevs() = ClassedLeaf("sdc", "cache", "sata");  // L2ARC holds no pool data
  // A waiting hot spare is not read.
  *pool.add_vdevs() = ClassedLeaf("sdd", "spare", "sata", "AVAIL");
  EXPECT_EQ(PoolScrubClass(pool, policy), DiskClass::kSas);
  EXPECT_EQ(PoolInterval(pool, policy), absl::Hours(24 * 30));
  *pool.add_vdevs() = ClassedLeaf("sde", "log", "sata");  // a log device holds pool data
  EXPECT_EQ(PoolScrubClass(pool, policy), DiskClass::kSata);
}

TEST(PoolScrubClassTest, NoClassIsTheUnknownClass) {
  ScrubCadence policy;
  policy.classes[static_cast<int>(DiskClass::kUnknown)].interval = absl::Hours(24 * 3);
  EXPECT_EQ(PoolScrubClass(Mirror("", ""), policy), DiskClass::kUnknown);
  EXPECT_EQ(PoolInterval(Mirror("", ""), policy), absl::Hours(24 * 3));
  EXPECT_EQ(PoolScrubClass(v1::Pool(), policy), DiskClass::kUnknown);
}

TEST(PoolScrubClassTest, FollowsThePolicysIntervals) {
  ScrubCadence policy;
  policy.classes[static_cast<int>(DiskClass::kSas)].interval = absl::Hours(24);
  EXPECT_EQ(PoolScrubClass(Mirror("sas", "sata"), policy), DiskClass::kSas);
  EXPECT_EQ(PoolInterval(Mirror("sas", "sata"), policy), absl::Hours(24));
}

}  // namespace
}  // namespace zfleet
