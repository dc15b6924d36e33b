#include "controller/events/scrub_class.h"

#include <string>

#include "gtest/gtest.h"
#include "model/enum_names.h"

namespace zfleet::controller {
namespace {

v1::Vdev Leaf(const std::string& name, const std::string& role, const std::string& cls) {
  v1::Vdev v;
  v.set_name(name);
  v.set_type("disk");
  v.set_role(role);
  v.set_state(role == "spare" ? "AVAIL" : "ONLINE");
  if (!cls.empty()) v.mutable_disk()->set_class_(cls);
  return v;
}

v1::Pool Mirror(const std::string& a, const std::string& b) {
  v1::Pool pool;
  pool.set_name("tank");
  v1::Vdev* mirror = pool.add_vdevs();
  mirror->set_name("mirror-0");
  mirror->set_type("mirror");
  mirror->set_role("data");
  *mirror->add_children() = Leaf("sda", "data", a);
  *mirror->add_children() = Leaf("sdb", "data", b);
  return pool;
}

TEST(PoolScrubClassTest, ShortestIntervalAmongTheDataDisks) {
  const SchedulerPolicy policy;
  EXPECT_EQ(PoolScrubClass(Mirror("sata", "sata"), policy), DiskClass::kSata);
  EXPECT_EQ(PoolInterval(Mirror("sata", "sata"), policy), absl::Hours(24 * 7));
  EXPECT_EQ(PoolScrubClass(Mirror("sas", "sas"), policy), DiskClass::kSas);
  EXPECT_EQ(PoolInterval(Mirror("sas", "sas"), policy), absl::Hours(24 * 30));
  // A SATA disk in a SAS mirror makes the pool weekly.
  EXPECT_EQ(PoolScrubClass(Mirror("sas", "sata"), policy), DiskClass::kSata);
}

TEST(PoolScrubClassTest, CacheDevicesSparesAndUnclassifiedDisksDoNotCount) {
  const SchedulerPolicy policy;
  v1::Pool pool = Mirror("sas", "");  // one disk the agent could not classify
  EXPECT_EQ(PoolScrubClass(pool, policy), DiskClass::kSas);
  *pool.add_vdevs() = Leaf("sdc", "cache", "sata");  // L2ARC holds no pool data
  *pool.add_vdevs() = Leaf("sdd", "spare", "sata");  // a waiting hot spare is not read
  EXPECT_EQ(PoolScrubClass(pool, policy), DiskClass::kSas);
  EXPECT_EQ(PoolInterval(pool, policy), absl::Hours(24 * 30));
  *pool.add_vdevs() = Leaf("sde", "log", "sata");  // a log device holds pool data
  EXPECT_EQ(PoolScrubClass(pool, policy), DiskClass::kSata);
}

TEST(PoolScrubClassTest, NoClassIsTheUnknownClass) {
  SchedulerPolicy policy;
  policy.classes[static_cast<int>(DiskClass::kUnknown)].interval = absl::Hours(24 * 3);
  EXPECT_EQ(PoolScrubClass(Mirror("", ""), policy), DiskClass::kUnknown);
  EXPECT_EQ(PoolInterval(Mirror("", ""), policy), absl::Hours(24 * 3));
  EXPECT_EQ(PoolScrubClass(v1::Pool(), policy), DiskClass::kUnknown);
}

TEST(PoolScrubClassTest, FollowsThePolicysIntervals) {
  SchedulerPolicy policy;
  policy.classes[static_cast<int>(DiskClass::kSas)].interval = absl::Hours(24);
  EXPECT_EQ(PoolScrubClass(Mirror("sas", "sata"), policy), DiskClass::kSas);
  EXPECT_EQ(PoolInterval(Mirror("sas", "sata"), policy), absl::Hours(24));
}

}  // namespace
}  // namespace zfleet::controller
