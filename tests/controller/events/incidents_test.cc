// Incidents over a real store: triage opens them, a changed condition updates its incident,
// a cleared one resolves, and a root cause holds its host's incidents open.
#include "controller/events/incidents.h"

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "controller/config/controller_config.h"
#include "controller/store/store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/controller/store/store_fixtures.h"

namespace zfleet::controller {
namespace {

IncidentFilter AllIncidents() {
  IncidentFilter f;
  f.resolved_too = true;
  return f;
}

const absl::Time kIncT0 = absl::FromUnixSeconds(1'760'000'000);

class IncidentsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenStore(":memory:", &store_));
    Seen(kIncT0);
  }
  void Seen(absl::Time t) {
    ASSERT_TRUE(store_->hosts().Upsert("nas1", "i", v1::HostInfo(), "", t).ok());
  }
  void Report(uint64_t cksum, uint64_t data_errors, absl::Time t) {
    Seen(t);
    v1::Pool pool = TwoDiskTank(cksum, "ONLINE");
    pool.mutable_errors()->set_count(data_errors);
    ASSERT_TRUE(store_->pools().Record("nas1", pool, t).ok());
  }
  v1::TriageResponse Refresh(absl::Time t) {
    absl::StatusOr<v1::TriageResponse> r = TriageWithIncidents(*store_, config_, t, true);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : v1::TriageResponse();
  }
  std::vector<v1::Incident> Incidents(bool all = false) {
    auto list = store_->incidents().List(all ? AllIncidents() : IncidentFilter());
    EXPECT_TRUE(list.ok()) << list.status();
    return list.ok() ? *list : std::vector<v1::Incident>();
  }
  ControllerConfig config_;
  std::unique_ptr<Store> store_;
};

TEST_F(IncidentsTest, OneIncidentPerProblemUpdatedWhileItLastsResolvedWhenItClears) {
  Report(/*cksum=*/4, /*data_errors=*/1, kIncT0);
  v1::TriageResponse first = Refresh(kIncT0);
  ASSERT_EQ(first.items_size(), 2);  // the disk sdb, the pool's data errors
  for (const auto& item : first.items()) EXPECT_NE(item.incident_id(), 0) << item.kind();
  ASSERT_EQ(Incidents().size(), 2u);

  // 23 errors replace 1: the same incident, no new one.
  Report(4, 23, kIncT0 + absl::Minutes(1));
  v1::TriageResponse again = Refresh(kIncT0 + absl::Minutes(1));
  ASSERT_EQ(Incidents().size(), 2u);
  const v1::TriageItem* data = nullptr;
  for (const auto& item : again.items()) {
    if (item.kind() == "data_errors") data = &item;
  }
  ASSERT_NE(data, nullptr);
  bool found = false;
  for (const v1::Incident& i : Incidents()) {
    if (i.kind() != "data_errors") continue;
    found = true;
    EXPECT_EQ(i.id(), data->incident_id());
    EXPECT_EQ(i.value(), 23u);
    EXPECT_EQ(i.updates(), 1u);
    EXPECT_THAT(i.problem(), ::testing::HasSubstr("23 permanent data errors"));
  }
  EXPECT_TRUE(found);

  // `zpool clear` and the files restored: both resolve.
  Report(0, 0, kIncT0 + absl::Minutes(2));
  EXPECT_EQ(Refresh(kIncT0 + absl::Minutes(2)).items_size(), 0);
  EXPECT_TRUE(Incidents().empty());
  std::vector<v1::Incident> all = Incidents(/*all=*/true);
  ASSERT_EQ(all.size(), 2u);
  for (const v1::Incident& i : all) {
    EXPECT_EQ(i.resolved_at(), absl::ToUnixSeconds(kIncT0 + absl::Minutes(2)));
  }
}

TEST_F(IncidentsTest, WithoutWriteNothingOpensAndItemsHaveNoIncident) {
  Report(4, 0, kIncT0);
  absl::StatusOr<v1::TriageResponse> r = TriageWithIncidents(*store_, config_, kIncT0, false);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->items_size(), 1);
  EXPECT_EQ(r->items(0).incident_id(), 0);
  EXPECT_TRUE(Incidents().empty());
}

TEST_F(IncidentsTest, AMissingHostHoldsItsIncidentsOpenUntilItIsBack) {
  Report(4, 0, kIncT0);
  Refresh(kIncT0);
  ASSERT_EQ(Incidents().size(), 1u);
  const absl::Time later = kIncT0 + config_.MissingAfter() + absl::Minutes(1);
  v1::TriageResponse missing = Refresh(later);
  ASSERT_EQ(missing.items_size(), 1);
  EXPECT_EQ(missing.items(0).kind(), "host_missing");
  EXPECT_EQ(missing.items(0).held(), 1u);
  ASSERT_EQ(Incidents().size(), 2u);  // the disk's, held, and the host's

  Report(0, 0, later + absl::Seconds(1));
  EXPECT_EQ(Refresh(later + absl::Seconds(1)).items_size(), 0);
  EXPECT_TRUE(Incidents().empty());
}

}  // namespace
}  // namespace zfleet::controller
