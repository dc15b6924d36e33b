// IncidentTable: one open incident per condition, updates keep the worst, resolved ones stay
// until retention, acks, and a forgotten host takes its incidents along.
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "controller/store/store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/enum_names.h"
#include "tests/controller/store/store_fixtures.h"

namespace zfleet::controller {
namespace {

IncidentFilter OfHost(const std::string& host) {
  IncidentFilter f;
  f.host_id = host;
  return f;
}

IncidentFilter AllIncidents() {
  IncidentFilter f;
  f.resolved_too = true;
  return f;
}

const absl::Time kIncidentT0 = absl::FromUnixSeconds(1'750'000'000);

v1::TriageItem DataErrors(const std::string& host, uint64_t errors, v1::Severity severity) {
  v1::TriageItem item;
  item.set_kind("data_errors");
  item.set_host_id(host);
  item.set_pool("tank");
  SetSeverity(item, severity);
  item.set_value(errors);
  item.set_problem(std::to_string(errors) + " permanent data errors");
  item.set_action("restore the files");
  return item;
}

class IncidentTableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenStore(":memory:", &store_));
    for (const char* host : {"nas1", "nas2"}) {
      ASSERT_TRUE(store_->hosts().Upsert(host, "i", v1::HostInfo(), "", kIncidentT0).ok());
    }
  }
  IncidentTable& table() { return store_->incidents(); }
  std::unique_ptr<Store> store_;
};

TEST_F(IncidentTableTest, OneOpenIncidentPerConditionAndUpdatesKeepTheWorst) {
  absl::StatusOr<int64_t> id =
      table().Open(DataErrors("nas1", 23, v1::SEVERITY_CRITICAL), kIncidentT0);
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(table().Open(DataErrors("nas1", 1, v1::SEVERITY_CRITICAL), kIncidentT0).status().code(),
            absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(
      table()
          .Update(*id, DataErrors("nas1", 2, v1::SEVERITY_WARNING), kIncidentT0 + absl::Minutes(5))
          .ok());
  absl::StatusOr<std::vector<v1::Incident>> open = table().ListOpen();
  ASSERT_TRUE(open.ok()) << open.status();
  ASSERT_EQ(open->size(), 1u);
  const v1::Incident& i = (*open)[0];
  EXPECT_EQ(i.host_id(), "nas1");
  EXPECT_EQ(i.problem(), "2 permanent data errors");
  EXPECT_EQ(i.value(), 2u);
  EXPECT_EQ(i.peak_value(), 23u);
  EXPECT_EQ(i.severity(), v1::SEVERITY_WARNING);
  EXPECT_EQ(i.worst_severity(), v1::SEVERITY_CRITICAL);
  EXPECT_EQ(i.updates(), 1u);
  EXPECT_EQ(i.opened_at(), absl::ToUnixSeconds(kIncidentT0));
  EXPECT_EQ(i.updated_at(), absl::ToUnixSeconds(kIncidentT0 + absl::Minutes(5)));
  EXPECT_FALSE(i.has_resolved_at());
}

TEST_F(IncidentTableTest, AResolvedConditionThatComesBackIsANewIncident) {
  const v1::TriageItem item = DataErrors("nas1", 1, v1::SEVERITY_CRITICAL);
  absl::StatusOr<int64_t> first = table().Open(item, kIncidentT0);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(table().Resolve(*first, kIncidentT0 + absl::Hours(1)).ok());
  EXPECT_EQ(table().Update(*first, item, kIncidentT0).code(), absl::StatusCode::kNotFound);
  absl::StatusOr<int64_t> second = table().Open(item, kIncidentT0 + absl::Hours(2));
  ASSERT_TRUE(second.ok());
  EXPECT_NE(*first, *second);
  auto open = table().List({});
  ASSERT_TRUE(open.ok());
  ASSERT_EQ(open->size(), 1u);
  EXPECT_EQ((*open)[0].id(), *second);
  auto all = table().List(AllIncidents());
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[1].resolved_at(), absl::ToUnixSeconds(kIncidentT0 + absl::Hours(1)));
  auto resolved = table().ListResolvedSince(kIncidentT0, 10);
  ASSERT_TRUE(resolved.ok());
  ASSERT_EQ(resolved->size(), 1u);
  EXPECT_EQ((*resolved)[0].id(), *first);
}

TEST_F(IncidentTableTest, AckKeepsTheFirstAndNamesUnknownIds) {
  absl::StatusOr<int64_t> id =
      table().Open(DataErrors("nas1", 1, v1::SEVERITY_CRITICAL), kIncidentT0);
  ASSERT_TRUE(id.ok());
  absl::StatusOr<AckResult> ack = table().Ack({*id, 999}, "alice", kIncidentT0);
  ASSERT_TRUE(ack.ok());
  EXPECT_THAT(ack->acknowledged, ::testing::ElementsAre(*id));
  EXPECT_THAT(ack->unknown, ::testing::ElementsAre(999));
  ASSERT_TRUE(table().Ack({*id}, "bob", kIncidentT0 + absl::Hours(1)).ok());
  auto open = table().ListOpen();
  ASSERT_TRUE(open.ok());
  EXPECT_EQ((*open)[0].acknowledged_by(), "alice");
  EXPECT_EQ((*open)[0].acknowledged_at(), absl::ToUnixSeconds(kIncidentT0));
}

TEST_F(IncidentTableTest, ListsByHostMostSevereFirstAndRetentionDeletesOnlyOldResolved) {
  ASSERT_TRUE(table().Open(DataErrors("nas1", 1, v1::SEVERITY_WARNING), kIncidentT0).ok());
  v1::TriageItem disk = DataErrors("nas2", 4, v1::SEVERITY_CRITICAL);
  disk.set_kind("bad_disk");
  disk.set_subject("sdb");
  ASSERT_TRUE(table().Open(disk, kIncidentT0 + absl::Hours(1)).ok());
  absl::StatusOr<int64_t> old =
      table().Open(DataErrors("nas2", 1, v1::SEVERITY_CRITICAL), kIncidentT0);
  ASSERT_TRUE(old.ok());
  ASSERT_TRUE(table().Resolve(*old, kIncidentT0).ok());

  auto open = table().List({});
  ASSERT_TRUE(open.ok());
  ASSERT_EQ(open->size(), 2u);
  EXPECT_EQ((*open)[0].kind(), "bad_disk");  // critical before warning
  auto nas1 = table().List(OfHost("nas1"));
  ASSERT_TRUE(nas1.ok());
  EXPECT_EQ(nas1->size(), 1u);

  absl::StatusOr<int64_t> deleted = table().DeleteResolved(kIncidentT0 + absl::Seconds(1), 100);
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(*deleted, 1);
  auto all = table().List(AllIncidents());
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 2u);

  ASSERT_TRUE(store_->ForgetHost("nas2").ok());
  all = table().List(AllIncidents());
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].host_id(), "nas1");
}

TEST_F(IncidentTableTest, AnUnknownHostOpensNothing) {
  EXPECT_EQ(
      table().Open(DataErrors("ghost", 1, v1::SEVERITY_CRITICAL), kIncidentT0).status().code(),
      absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace zfleet::controller
