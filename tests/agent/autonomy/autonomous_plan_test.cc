#include "agent/autonomy/autonomous_plan.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/agent/autonomy/autonomy_fixtures.h"

namespace zfleet::agent {
namespace {

using testing::ClassPool;
using testing::Days;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::kNow;
using testing::Known;
using testing::Scanning;
using testing::WirePolicy;

AutonomyPolicy Policy(const v1::AgentPolicy& wire = WirePolicy(),
                      absl::Time contact = kNow - Days(2)) {
  absl::StatusOr<AutonomyPolicy> policy = ReadAutonomyPolicy(wire, contact);
  EXPECT_TRUE(policy.ok()) << policy.status();
  return policy.ok() ? *policy : AutonomyPolicy();
}

AutonomyPolicy PolicyWithCap(int max_per_host) {
  v1::AgentPolicy wire = WirePolicy();
  wire.set_max_per_host(max_per_host);
  return Policy(wire);
}

std::vector<std::string> Names(const std::vector<PlannedScrub>& plan) {
  std::vector<std::string> names;
  for (const PlannedScrub& p : plan) names.push_back(p.pool);
  return names;
}

PlanHost H1() { return {"h1", std::nullopt, {}, 0}; }

std::vector<std::string> Plan(const AutonomyPolicy& policy, const std::vector<v1::Pool>& pools,
                              PlanHost host = H1()) {
  return Names(PlanAutonomousScrubs(policy, pools, kNow, host));
}

TEST(PlanAutonomousScrubsTest, DueByTheIntervalOfThePoolsClass) {
  const std::vector<v1::Pool> pools = {
      ClassPool("weekly-due", "sata", kNow - Days(9)),
      ClassPool("weekly-not-yet", "sata", kNow - Days(6)),
      ClassPool("monthly-not-yet", "sas", kNow - Days(8)),
      ClassPool("monthly-due", "sas", kNow - Days(31)),
  };
  const std::vector<PlannedScrub> plan = PlanAutonomousScrubs(PolicyWithCap(10), pools, kNow, H1());
  // Most overdue first.
  EXPECT_THAT(Names(plan), ElementsAre("weekly-due", "monthly-due"));
  EXPECT_EQ(plan[0].disk_class, DiskClass::kSata);
  EXPECT_EQ(plan[0].last_scrub, kNow - Days(9));
  EXPECT_EQ(plan[0].due, kNow - Days(2));
  EXPECT_EQ(plan[1].disk_class, DiskClass::kSas);
}

TEST(PlanAutonomousScrubsTest, TheIntervalsAreThePolicys) {
  v1::AgentPolicy wire = WirePolicy();
  wire.mutable_classes(1)->set_interval_s(5 * 24 * 3600);  // sas every 5 days
  EXPECT_THAT(Plan(Policy(wire), {ClassPool("bulk", "sas", kNow - Days(6))}), ElementsAre("bulk"));
  // A SATA disk in the pool makes it weekly when that is the shorter interval.
  v1::Pool mixed = ClassPool("mixed", "sas", kNow - Days(8));
  *mixed.mutable_vdevs(0)->add_children() = zfleet::testing::ClassedLeaf("sdc", "data", "sata");
  EXPECT_THAT(Plan(Policy(), {mixed}), ElementsAre("mixed"));
}

TEST(PlanAutonomousScrubsTest, TheLaterOfTheControllersRecordAndThePoolsScanCounts) {
  v1::AgentPolicy wire = WirePolicy();
  // The controller recorded a scrub 3 days ago; the pool's scan now shows a resilver.
  v1::Pool resilvered = ClassPool("tank", "sata", std::nullopt);
  resilvered.mutable_scan()->set_function("resilver");
  resilvered.mutable_scan()->set_state("finished");
  *wire.add_pools() = Known("tank", kNow - Days(100), kNow - Days(3));
  EXPECT_THAT(Plan(Policy(wire), {resilvered}), IsEmpty());
  // The scan shows a scrub newer than the controller's record (the agent's own).
  wire.mutable_pools(0)->set_last_scrub_start(testing::Unix(kNow - Days(20)));
  EXPECT_THAT(Plan(Policy(wire), {ClassPool("tank", "sata", kNow - Days(2))}), IsEmpty());
  // The controller's record is newer than the scan (the scan shows an older scrub).
  wire.mutable_pools(0)->set_last_scrub_start(testing::Unix(kNow - Days(2)));
  EXPECT_THAT(Plan(Policy(wire), {ClassPool("tank", "sata", kNow - Days(20))}), IsEmpty());
  wire.mutable_pools(0)->set_last_scrub_start(testing::Unix(kNow - Days(9)));
  EXPECT_THAT(Plan(Policy(wire), {ClassPool("tank", "sata", kNow - Days(20))}),
              ElementsAre("tank"));
}

TEST(PlanAutonomousScrubsTest, NeverScrubbedPoolsAreSpreadFromTheirFirstSight) {
  const v1::Pool fresh = ClassPool("tank", "sata", std::nullopt);
  const absl::Duration offset = SpreadOffset("h1", "tank", Days(7));
  v1::AgentPolicy wire = WirePolicy();
  *wire.add_pools() = Known("tank", kNow - offset + absl::Minutes(1));
  EXPECT_THAT(Plan(Policy(wire), {fresh}), IsEmpty());
  wire.mutable_pools(0)->set_first_seen(testing::Unix(kNow - offset));
  EXPECT_THAT(Plan(Policy(wire), {fresh}), ElementsAre("tank"));
  // A pool the controller did not list counts as first seen at the last contact.
  EXPECT_THAT(Plan(Policy(WirePolicy(), kNow - offset + absl::Minutes(1)), {fresh}), IsEmpty());
  EXPECT_THAT(Plan(Policy(WirePolicy(), kNow - Days(7)), {fresh}), ElementsAre("tank"));
}

TEST(PlanAutonomousScrubsTest, OnlyInsideTheClassWindow) {
  v1::AgentPolicy wire = WirePolicy();
  wire.mutable_classes(0)->add_windows("Sat 00:00-Mon 06:00");
  const std::vector<v1::Pool> pools = {ClassPool("tank", "sata", kNow - Days(9)),
                                       ClassPool("bulk", "sas", kNow - Days(31))};
  // Wednesday noon: the SATA window is closed, the SAS class is always open.
  EXPECT_THAT(Plan(PolicyWithCap(5), pools), ElementsAre("tank", "bulk"));
  wire.set_max_per_host(5);
  EXPECT_THAT(Plan(Policy(wire), pools), ElementsAre("bulk"));
  const absl::Time saturday = kNow + Days(3);
  EXPECT_THAT(Names(PlanAutonomousScrubs(Policy(wire), pools, saturday, H1())),
              ElementsAre("tank", "bulk"));
  // Windows are read in the policy's time zone: Monday 05:30 UTC is 06:30 in Amsterdam.
  const absl::Time monday =
      absl::FromCivil(absl::CivilMinute(2026, 11, 9, 5, 30), absl::UTCTimeZone());
  EXPECT_THAT(Names(PlanAutonomousScrubs(Policy(wire), pools, monday, H1())),
              ElementsAre("tank", "bulk"));
  wire.set_timezone("Europe/Amsterdam");
  EXPECT_THAT(Names(PlanAutonomousScrubs(Policy(wire), pools, monday, H1())), ElementsAre("bulk"));
}

TEST(PlanAutonomousScrubsTest, PerHostCapCountsScrubsAlreadyRunning) {
  const std::vector<v1::Pool> due = {ClassPool("a", "sata", kNow - Days(9)),
                                     ClassPool("b", "sata", kNow - Days(10)),
                                     ClassPool("c", "sata", kNow - Days(8))};
  EXPECT_THAT(Plan(PolicyWithCap(2), due), ElementsAre("b", "a"));
  std::vector<v1::Pool> busy = due;
  busy.push_back(Scanning(ClassPool("d", "sas", std::nullopt), "scrub", kNow - absl::Hours(1)));
  EXPECT_THAT(Plan(PolicyWithCap(2), busy), ElementsAre("b"));
  EXPECT_THAT(Plan(PolicyWithCap(1), busy), IsEmpty());
  // A paused scrub holds no cap; neither does a resilver.
  busy.back() = Scanning(ClassPool("d", "sas", std::nullopt), "scrub", kNow, "paused");
  EXPECT_THAT(Plan(PolicyWithCap(1), busy), ElementsAre("b"));
  busy.back() = Scanning(ClassPool("d", "sas", std::nullopt), "resilver", kNow);
  EXPECT_THAT(Plan(PolicyWithCap(1), busy), ElementsAre("b"));
  // Scrubs just started that the pools do not show yet count too.
  EXPECT_THAT(Plan(PolicyWithCap(2), due, {"h1", std::nullopt, {}, 1}), ElementsAre("b"));
}

TEST(PlanAutonomousScrubsTest, NeverOnAPoolThatScansIsInASkipStateOrIsHeld) {
  const v1::Pool overdue = ClassPool("tank", "sata", kNow - Days(30));
  const AutonomyPolicy policy = PolicyWithCap(5);
  EXPECT_THAT(Plan(policy, {overdue}), ElementsAre("tank"));
  for (const char* state : {"DEGRADED", "FAULTED", "UNAVAIL", "SUSPENDED"}) {
    v1::Pool pool = overdue;
    pool.set_state(state);
    EXPECT_THAT(Plan(policy, {pool}), IsEmpty()) << state;
  }
  EXPECT_THAT(Plan(policy, {Scanning(overdue, "resilver", kNow)}), IsEmpty());
  EXPECT_THAT(Plan(policy, {Scanning(overdue, "resilver", kNow, "paused")}), IsEmpty());
  EXPECT_THAT(Plan(policy, {Scanning(overdue, "scrub", kNow)}), IsEmpty());
  EXPECT_THAT(Plan(policy, {Scanning(overdue, "scrub", kNow, "paused")}), IsEmpty());
  EXPECT_THAT(Plan(policy, {overdue}, {"h1", std::nullopt, {"tank"}, 0}), IsEmpty());
  // The skip states are the policy's.
  v1::AgentPolicy wire = WirePolicy();
  wire.clear_skip_states();
  v1::Pool degraded = overdue;
  degraded.set_state("DEGRADED");
  EXPECT_THAT(Plan(Policy(wire), {degraded}), ElementsAre("tank"));
}

TEST(PlanAutonomousScrubsTest, NotWhileTheHostIsBusy) {
  const v1::Pool overdue = ClassPool("tank", "sata", kNow - Days(30));
  EXPECT_THAT(Plan(Policy(), {overdue}, {"h1", 9.5, {}, 0}), IsEmpty());
  EXPECT_THAT(Plan(Policy(), {overdue}, {"h1", 8.0, {}, 0}), ElementsAre("tank"));
  EXPECT_THAT(Plan(Policy(), {overdue}, {"h1", std::nullopt, {}, 0}), ElementsAre("tank"));
}

}  // namespace
}  // namespace zfleet::agent
