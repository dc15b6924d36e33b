#include "controller/events/triage.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/enum_names.h"
#include "tests/testing/pool_builders.h"

namespace zfleet::controller {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

const absl::Time kNow = absl::FromUnixSeconds(1'700'000'000);

v1::Vdev Leaf(const std::string& name, uint64_t cksum = 0, const std::string& state = "ONLINE") {
  v1::Vdev v = testing::HealthyDisk(name, "SN-" + name);
  v.set_state(state);
  v.set_checksum_errors(cksum);
  v.mutable_disk()->set_model("WDC WD40EFRX");
  v.mutable_disk()->set_enclosure_slot("7");
  return v;
}

PoolRecord Pool(const std::string& host, const std::string& state,
                const std::vector<v1::Vdev>& leaves) {
  PoolRecord r;
  r.host_id = host;
  r.pool = testing::MirrorPool("tank", state, leaves);
  return r;
}

HostRecord Host(const std::string& id, absl::Time last_seen) {
  HostRecord h;
  h.host_id = id;
  h.last_seen = last_seen;
  return h;
}

v1::CounterSample Sample(absl::Duration ago, uint64_t cksum) {
  v1::CounterSample s;
  s.set_time(absl::ToUnixSeconds(kNow - ago));
  s.set_checksum_errors(cksum);
  return s;
}

TriageInput TriageIn() {
  TriageInput in;
  in.now = kNow;
  in.missing_after = absl::Seconds(90);
  return in;
}

std::vector<std::string> Kinds(const v1::TriageResponse& r) {
  std::vector<std::string> out;
  for (const auto& item : r.items()) out.push_back(absl::StrCat(SeverityName(item.severity()), " ", item.kind()));
  return out;
}

TEST(TriageTest, NothingNeedsAttention) {
  TriageInput in = TriageIn();
  in.pools.push_back(Pool("nas1", "ONLINE", {Leaf("sda"), Leaf("sdb")}));
  in.hosts.push_back(Host("nas1", kNow - absl::Seconds(30)));
  v1::TriageResponse r = BuildTriage(in).response;
  EXPECT_THAT(r.items(), IsEmpty());
  EXPECT_EQ(r.evaluated_at(), absl::ToUnixSeconds(kNow));
}

TEST(TriageTest, FaultedDiskIsReplacedWithItsIdentity) {
  TriageInput in = TriageIn();
  in.pools.push_back(Pool("nas1", "DEGRADED", {Leaf("sda"), Leaf("sdb", 0, "FAULTED")}));
  v1::TriageResponse r = BuildTriage(in).response;
  // The disk, the cause, before the pool it degrades.
  EXPECT_THAT(Kinds(r), ElementsAre("warning bad_disk", "warning unhealthy_pool"));
  const v1::TriageItem& disk = r.items(0);
  EXPECT_EQ(disk.subject(), "sdb");
  EXPECT_EQ(disk.host_id(), "nas1");
  EXPECT_EQ(disk.disk().path(), "/dev/sdb");
  EXPECT_EQ(disk.disk().identity().serial(), "SN-sdb");
  EXPECT_THAT(disk.action(), HasSubstr("replace the disk: pull serial SN-sdb"));
  EXPECT_THAT(disk.action(), HasSubstr("slot 7"));
  EXPECT_THAT(disk.action(), HasSubstr("`zpool replace tank /dev/sdb NEW-DEVICE`"));
}

TEST(TriageTest, TransientErrorsAreClearedGrowingOnesReplaced) {
  TriageInput in = TriageIn();
  in.pools.push_back(Pool("nas1", "ONLINE", {Leaf("sda", 12), Leaf("sdb", 40)}));
  // sda: one burst during a scrub, minutes apart. sdb: growing over days.
  in.disk_history["nas1/tank"]["sda"] = {Sample(absl::Hours(72), 0), Sample(absl::Hours(50), 4),
                                         Sample(absl::Hours(49) + absl::Minutes(50), 12)};
  in.disk_history["nas1/tank"]["sdb"] = {Sample(absl::Hours(72), 0), Sample(absl::Hours(50), 5),
                                         Sample(absl::Hours(2), 40)};
  v1::TriageResponse r = BuildTriage(in).response;
  ASSERT_THAT(Kinds(r), ElementsAre("warning bad_disk", "warning bad_disk"));
  EXPECT_THAT(r.items(0).action(), HasSubstr("`zpool clear tank /dev/sda`"));
  EXPECT_THAT(r.items(0).problem(), HasSubstr("errors over time: 0 → 4 → 12"));
  EXPECT_EQ(r.items(0).since(), absl::ToUnixSeconds(kNow - absl::Hours(50)));
  EXPECT_EQ(r.items(0).disk().history_size(), 3);
  EXPECT_THAT(r.items(1).action(), HasSubstr("errors keep growing: replace the disk"));
}

TEST(TriageTest, PermanentErrorsAndFaultedPoolsAreCritical) {
  TriageInput in = TriageIn();
  PoolRecord single = Pool("nas1", "ONLINE", {Leaf("sdc")});
  single.pool.mutable_errors()->set_count(2);
  single.pool.mutable_errors()->add_files("/tank/a");
  single.pool.mutable_errors()->add_files("/tank/b");
  in.pools.push_back(single);
  PoolRecord dead = Pool("nas2", "FAULTED", {Leaf("sdd", 0, "UNAVAIL")});
  dead.pool.set_action("Attach the missing device and online it using 'zpool online'.");
  in.pools.push_back(dead);
  v1::TriageResponse r = BuildTriage(in).response;
  EXPECT_THAT(Kinds(r),
              ElementsAre("critical bad_disk", "critical data_errors", "critical unhealthy_pool"));
  EXPECT_EQ(r.items(1).problem(), "2 permanent data errors in: /tank/a, /tank/b");
  EXPECT_EQ(r.items(1).value(), 2u);
  EXPECT_THAT(r.items(1).action(), HasSubstr("restore the listed files from backup"));
  EXPECT_EQ(r.items(2).host_id(), "nas2");
  EXPECT_EQ(r.items(2).action(), dead.pool.action());
}

TEST(TriageTest, HostsStackAndConcernsMostSevereFirst) {
  TriageInput in = TriageIn();
  HostRecord quiet = Host("nas9", kNow - absl::Minutes(10));
  HostRecord broken = Host("nas1", kNow);
  v1::StackCheck* module = broken.info.add_stack_checks();
  module->set_name("zfs-module-installed:6.1.0-13-amd64");
  module->set_level("fail");
  module->set_evidence("6.1.0-13-amd64 (boots next): no zfs module");
  module->set_fix("run `dkms install zfs/2.1.11 -k 6.1.0-13-amd64`");
  v1::StackCheck* zed = broken.info.add_stack_checks();
  zed->set_name("systemd:zfs-zed");
  zed->set_level("warn");
  broken.info.add_stack_checks()->set_level("ok");
  in.hosts = {broken, quiet};
  in.scrub_concerns.push_back(
      {ScrubConcern::Kind::kOverdue, "nas1", "tank", kNow - absl::Hours(30), "last scrub x"});
  in.scrub_concerns.push_back(
      {ScrubConcern::Kind::kStalled, "nas1", "big", kNow - absl::Hours(3), "scrub at 4% stuck"});

  v1::TriageResponse r = BuildTriage(in).response;
  EXPECT_THAT(Kinds(r), ElementsAre("critical stack", "warning host_missing", "warning stack",
                                    "warning scrub_stalled", "warning scrub_overdue"));
  EXPECT_THAT(r.items(0).problem(), HasSubstr("pools will not import after reboot"));
  EXPECT_EQ(r.items(0).subject(), "zfs-module-installed:6.1.0-13-amd64");
  EXPECT_EQ(r.items(0).action(),
            "rebuild the zfs module for kernel 6.1.0-13-amd64: run `dkms install zfs/2.1.11 -k "
            "6.1.0-13-amd64`");
  EXPECT_EQ(r.items(1).host_id(), "nas9");
  EXPECT_THAT(r.items(1).problem(), HasSubstr("10m ago"));
  EXPECT_EQ(r.items(2).subject(), "systemd:zfs-zed");
  EXPECT_EQ(r.items(4).since(), absl::ToUnixSeconds(kNow - absl::Hours(30)));
}

// A host whose zpool hangs is one item: its pools' problems are as last read, held under it.
TEST(TriageTest, AStuckZpoolHoldsItsHostsPoolItems) {
  TriageInput in = TriageIn();
  in.pools.push_back(Pool("nas1", "DEGRADED", {Leaf("sda"), Leaf("sdb", 3, "FAULTED")}));
  in.pools.push_back(Pool("nas2", "DEGRADED", {Leaf("sda"), Leaf("sdb", 0, "FAULTED")}));
  HostRecord stuck = Host("nas1", kNow);
  stuck.zpool_stuck_since = kNow - absl::Minutes(5);
  v1::StackCheck* zed = stuck.info.add_stack_checks();
  zed->set_name("systemd:zfs-zed");
  zed->set_level("warn");
  in.hosts = {stuck, Host("nas2", kNow)};
  in.scrub_concerns.push_back(
      {ScrubConcern::Kind::kStalled, "nas1", "tank", kNow - absl::Hours(3), "scrub stuck"});
  const Triage t = BuildTriage(in);
  std::vector<std::string> listed;
  for (const auto& item : t.response.items()) listed.push_back(item.host_id() + " " + item.kind());
  // The stack check is not read through zpool: it stays listed.
  EXPECT_THAT(listed, ElementsAre("nas1 zpool_stuck", "nas1 stack", "nas2 bad_disk",
                                  "nas2 unhealthy_pool"));
  std::vector<std::string> held;
  for (const auto& item : t.held) held.push_back(item.host_id() + " " + item.kind());
  EXPECT_THAT(held, ElementsAre("nas1 bad_disk", "nas1 unhealthy_pool", "nas1 scrub_stalled"));
  EXPECT_TRUE(t.Holds("nas1", "bad_disk"));
  EXPECT_FALSE(t.Holds("nas1", "stack"));
  EXPECT_FALSE(t.Holds("nas1", "zpool_stuck"));
  EXPECT_FALSE(t.Holds("nas2", "bad_disk"));
}

// A missing host holds everything else about it, its stuck zpool too.
TEST(TriageTest, AMissingHostHoldsEverythingElseAboutIt) {
  TriageInput in = TriageIn();
  in.pools.push_back(Pool("nas1", "DEGRADED", {Leaf("sda"), Leaf("sdb", 0, "FAULTED")}));
  HostRecord gone = Host("nas1", kNow - absl::Hours(1));
  gone.zpool_stuck_since = kNow - absl::Hours(2);
  v1::StackCheck* zed = gone.info.add_stack_checks();
  zed->set_name("systemd:zfs-zed");
  zed->set_level("warn");
  in.hosts = {gone};
  const Triage t = BuildTriage(in);
  EXPECT_THAT(Kinds(t.response), ElementsAre("warning host_missing"));
  EXPECT_EQ(t.held.size(), 4u);  // zpool_stuck, stack, bad_disk, unhealthy_pool
  EXPECT_TRUE(t.Holds("nas1", "zpool_stuck"));
  EXPECT_TRUE(t.Holds("nas1", "stack"));
  EXPECT_FALSE(t.Holds("nas1", "host_missing"));
}

// The rule of the liveness events: a restarted controller lists no host as missing before
// it could hear from it.
TEST(TriageTest, SilenceBeforeTheControllerStartedDoesNotCount) {
  TriageInput in = TriageIn();
  in.hosts = {Host("nas1", kNow - absl::Hours(1))};
  in.watching_since = kNow - absl::Seconds(60);
  EXPECT_THAT(Kinds(BuildTriage(in).response), ElementsAre());
  in.watching_since = kNow - absl::Seconds(91);
  EXPECT_THAT(Kinds(BuildTriage(in).response), ElementsAre("warning host_missing"));
}

TEST(ErrorsKeepGrowingTest, Table) {
  struct Case {
    std::vector<v1::CounterSample> history;
    bool growing;
    int64_t since;
  };
  const int64_t t50 = absl::ToUnixSeconds(kNow - absl::Hours(50));
  const int64_t t5 = absl::ToUnixSeconds(kNow - absl::Hours(5));
  const std::vector<Case> cases = {
      {{}, false, 0},
      {{Sample(absl::Hours(50), 0)}, false, 0},
      {{Sample(absl::Hours(50), 3)}, false, t50},
      {{Sample(absl::Hours(50), 0), Sample(absl::Hours(5), 3)}, false, t5},
      // Two increases minutes apart: one burst.
      {{Sample(absl::Hours(50), 1), Sample(absl::Hours(50) - absl::Minutes(5), 3)}, false, t50},
      // Two increases a day apart.
      {{Sample(absl::Hours(50), 1), Sample(absl::Hours(5), 3)}, true, t50},
      // Growth before a clear does not count; one increase after it is transient.
      {{Sample(absl::Hours(60), 1), Sample(absl::Hours(50), 9), Sample(absl::Hours(40), 0),
        Sample(absl::Hours(5), 2)},
       false,
       t5},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    EXPECT_EQ(ErrorsKeepGrowing(cases[i].history), cases[i].growing) << "case " << i;
    EXPECT_EQ(ErrorsSince(cases[i].history), cases[i].since) << "case " << i;
  }
}

}  // namespace
}  // namespace zfleet::controller
