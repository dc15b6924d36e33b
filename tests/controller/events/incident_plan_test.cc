#include "controller/events/incident_plan.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/enum_names.h"

namespace zfleet::controller {
namespace {

v1::TriageItem PlanItem(const std::string& kind, const std::string& host, const std::string& pool,
                        const std::string& subject, v1::Severity severity, uint64_t value = 0) {
  v1::TriageItem item;
  item.set_kind(kind);
  item.set_host_id(host);
  item.set_pool(pool);
  item.set_subject(subject);
  SetSeverity(item, severity);
  item.set_value(value);
  item.set_problem(kind + " " + std::to_string(value));
  return item;
}

v1::Incident OpenIncident(int64_t id, const v1::TriageItem& item) {
  v1::Incident i;
  i.set_id(id);
  i.set_kind(item.kind());
  i.set_host_id(item.host_id());
  i.set_pool(item.pool());
  i.set_subject(item.subject());
  i.set_severity(item.severity());
  i.set_value(item.value());
  i.set_problem(item.problem());
  return i;
}

Triage Listed(std::vector<v1::TriageItem> items) {
  Triage t;
  for (auto& item : items) *t.response.add_items() = item;
  return t;
}

std::vector<std::string> Kinds(const std::vector<v1::TriageItem>& items) {
  std::vector<std::string> out;
  for (const auto& item : items) out.push_back(item.kind() + ":" + item.subject());
  return out;
}

const v1::TriageItem kDisk =
    PlanItem("bad_disk", "nas1", "tank", "sdb", v1::SEVERITY_WARNING, /*value=*/3);
const v1::TriageItem kData =
    PlanItem("data_errors", "nas1", "tank", "", v1::SEVERITY_CRITICAL, /*value=*/1);

TEST(PlanIncidentsTest, NewConditionsOpenAndKnownOnesStayAsTheyAre) {
  const IncidentPlan plan = PlanIncidents({OpenIncident(7, kDisk)}, Listed({kDisk, kData}));
  EXPECT_THAT(Kinds(plan.open), ::testing::ElementsAre("data_errors:"));
  EXPECT_TRUE(plan.update.empty());
  EXPECT_TRUE(plan.resolve.empty());
}

// 1 permanent error, then 23: the same incident, updated with the later wording.
TEST(PlanIncidentsTest, ALaterValueOfTheSameConditionUpdatesItsIncident) {
  v1::TriageItem worse = kData;
  worse.set_value(23);
  worse.set_problem("23 permanent data errors");
  const IncidentPlan plan = PlanIncidents({OpenIncident(9, kData)}, Listed({worse}));
  EXPECT_TRUE(plan.open.empty());
  ASSERT_EQ(plan.update.size(), 1u);
  EXPECT_EQ(plan.update[0].first, 9);
  EXPECT_EQ(plan.update[0].second.problem(), "23 permanent data errors");
}

TEST(PlanIncidentsTest, ASeverityChangeUpdatesAWordingChangeAloneDoesNot) {
  v1::TriageItem reworded = kDisk;
  reworded.set_problem("no progress for 2h6m");
  EXPECT_TRUE(PlanIncidents({OpenIncident(1, kDisk)}, Listed({reworded})).update.empty());
  v1::TriageItem critical = kDisk;
  SetSeverity(critical, v1::SEVERITY_CRITICAL);
  EXPECT_EQ(PlanIncidents({OpenIncident(1, kDisk)}, Listed({critical})).update.size(), 1u);
}

TEST(PlanIncidentsTest, AConditionThatClearedResolves) {
  const IncidentPlan plan =
      PlanIncidents({OpenIncident(1, kDisk), OpenIncident(2, kData)}, Listed({kData}));
  EXPECT_THAT(plan.resolve, ::testing::ElementsAre(1));
  EXPECT_TRUE(plan.open.empty());
}

// The host's zpool hangs: its pools are as last read, so their incidents neither resolve
// nor open again, whether triage still has their items (held) or not.
TEST(PlanIncidentsTest, IncidentsUnderARootCauseStayOpen) {
  Triage t = Listed({PlanItem("zpool_stuck", "nas1", "", "", v1::SEVERITY_WARNING)});
  t.roots["nas1"] = "zpool_stuck";
  t.held.push_back(kDisk);
  const v1::TriageItem other_host =
      PlanItem("bad_disk", "nas2", "tank", "sdc", v1::SEVERITY_WARNING);
  const IncidentPlan plan = PlanIncidents(
      {OpenIncident(1, kDisk), OpenIncident(2, kData), OpenIncident(3, other_host)}, t);
  EXPECT_THAT(Kinds(plan.open), ::testing::ElementsAre("zpool_stuck:"));
  // kData is held too though triage no longer lists it; nas2's disk cleared.
  EXPECT_THAT(plan.resolve, ::testing::ElementsAre(3));
}

TEST(PlanIncidentsTest, ARootCauseThatClearedResolvesLikeAnyOther) {
  const v1::TriageItem missing = PlanItem("host_missing", "nas1", "", "", v1::SEVERITY_WARNING);
  const IncidentPlan plan =
      PlanIncidents({OpenIncident(4, missing), OpenIncident(5, kDisk)}, Listed({kDisk}));
  EXPECT_THAT(plan.resolve, ::testing::ElementsAre(4));
}

TEST(PlanIncidentsTest, OneConditionListedTwiceIsOneIncident) {
  const IncidentPlan plan = PlanIncidents({}, Listed({kDisk, kDisk}));
  EXPECT_EQ(plan.open.size(), 1u);
}

}  // namespace
}  // namespace zfleet::controller
