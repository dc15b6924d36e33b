#include "model/pool_health.h"

#include <functional>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/fleet_fixtures.h"

namespace zfleet {
namespace {

namespace fixtures = cli::fixtures;

using fixtures::HealthyPool;
using fixtures::Summary;
using ::testing::ElementsAre;

TEST(PoolHealthTest, HealthyPoolHasNoProblemsAndZeroCounts) {
  const PoolHealth health = EvaluatePool(Summary("h1", HealthyPool("tank")));
  EXPECT_TRUE(health.healthy());
  EXPECT_EQ(health.data_errors, 0u);
  EXPECT_EQ(health.device_errors, 0u);
}

struct Criterion {
  const char* name;
  std::function<void(v1::PoolSummary*)> bend;
  const char* problem;
};

class PoolHealthCriterionTest : public ::testing::TestWithParam<Criterion> {};

TEST_P(PoolHealthCriterionTest, EachCriterionAloneMakesThePoolUnhealthy) {
  v1::PoolSummary summary = Summary("h1", HealthyPool("tank"));
  GetParam().bend(&summary);
  const PoolHealth health = EvaluatePool(summary);
  EXPECT_FALSE(health.healthy());
  EXPECT_THAT(health.problems, ElementsAre(GetParam().problem));
}

INSTANTIATE_TEST_SUITE_P(
    Criteria, PoolHealthCriterionTest,
    ::testing::Values(
        Criterion{"state", [](v1::PoolSummary* s) { s->mutable_pool()->set_state("DEGRADED"); },
                  "state DEGRADED"},
        Criterion{"no_state", [](v1::PoolSummary* s) { s->mutable_pool()->clear_state(); },
                  "state unknown"},
        Criterion{"data_errors",
                  [](v1::PoolSummary* s) { s->mutable_pool()->mutable_errors()->set_count(3); },
                  "3 data errors"},
        Criterion{"leaf_cksum",
                  [](v1::PoolSummary* s) {
                    s->mutable_pool()->mutable_vdevs(0)->mutable_children(1)->set_checksum_errors(
                        5);
                  },
                  "device errors on sdb"},
        Criterion{
            "interior_read",
            [](v1::PoolSummary* s) { s->mutable_pool()->mutable_vdevs(0)->set_read_errors(1); },
            "device errors on mirror-0"},
        Criterion{"status_text",
                  [](v1::PoolSummary* s) {
                    s->mutable_pool()->set_status("Some supported features are not enabled.");
                  },
                  "status: Some supported features are not enabled."},
        Criterion{"host_not_reporting", [](v1::PoolSummary* s) { s->set_host_reporting(false); },
                  "host not reporting"}),
    [](const ::testing::TestParamInfo<Criterion>& info) { return info.param.name; });

TEST(PoolHealthTest, DeviceErrorsSumLeafCountersOnly) {
  v1::Pool pool = HealthyPool("tank");
  pool.mutable_vdevs(0)->set_checksum_errors(100);  // interior: not summed
  *pool.mutable_vdevs(0)->mutable_children(0) = fixtures::Leaf("sda", 1, 2, 3);
  *pool.mutable_vdevs(0)->mutable_children(1) = fixtures::Leaf("sdb", 0, 0, 4);
  const PoolHealth health = EvaluatePool(Summary("h1", pool));
  EXPECT_EQ(health.device_errors, 10u);
  EXPECT_THAT(health.problems, ElementsAre("device errors on mirror-0, sda, sdb"));
}

TEST(PoolHealthTest, UnknownCountsStayUnknown) {
  v1::Pool pool = HealthyPool("tank");
  pool.mutable_errors()->clear_count();
  for (auto& leaf : *pool.mutable_vdevs(0)->mutable_children()) {
    leaf.clear_read_errors();
    leaf.clear_write_errors();
    leaf.clear_checksum_errors();
  }
  const PoolHealth health = EvaluatePool(Summary("h1", pool));
  EXPECT_TRUE(health.healthy());
  EXPECT_EQ(health.data_errors, std::nullopt);
  EXPECT_EQ(health.device_errors, std::nullopt);
}

TEST(PoolHealthTest, ProblemsComeInAFixedOrder) {
  v1::PoolSummary summary = Summary("h1", HealthyPool("tank"), /*reporting=*/false);
  summary.mutable_pool()->set_state("FAULTED");
  summary.mutable_pool()->mutable_errors()->set_count(2);
  EXPECT_THAT(EvaluatePool(summary).problems,
              ElementsAre("state FAULTED", "2 data errors", "host not reporting"));
}

}  // namespace
}  // namespace zfleet
