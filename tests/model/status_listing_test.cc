#include "model/status_listing.h"

#include <algorithm>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace zfleet {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

v1::PoolStatus PoolAt(const std::string& host, const std::string& pool,
                      const std::string& state = "ONLINE") {
  v1::PoolStatus status;
  status.set_host_id(host);
  status.set_pool(pool);
  status.set_state(state);
  status.set_host_reporting(true);
  return status;
}

v1::GetStatusRequest StatusRequest(uint32_t limit, bool unhealthy_only = false) {
  v1::GetStatusRequest request;
  request.set_limit(limit);
  request.set_unhealthy_only(unhealthy_only);
  return request;
}

v1::GetStatusResponse ListFleet(const v1::GetStatusRequest& request,
                                const std::vector<v1::PoolStatus>& pools) {
  StatusListing listing(request);
  for (const v1::PoolStatus& pool : pools) listing.Add(pool);
  v1::GetStatusResponse response;
  std::move(listing).Finish(&response);
  return response;
}

std::vector<std::string> ListedNames(const v1::GetStatusResponse& response) {
  std::vector<std::string> names;
  for (const v1::PoolStatus& pool : response.pools()) {
    names.push_back(absl::StrCat(pool.host_id(), "/", pool.pool()));
  }
  return names;
}

// h1/a..h1/f; b and e unhealthy (one by state, one by its host not reporting).
std::vector<v1::PoolStatus> SixPools() {
  std::vector<v1::PoolStatus> pools = {PoolAt("h1", "f"),
                                       PoolAt("h1", "e"),
                                       PoolAt("h1", "d"),
                                       PoolAt("h1", "c"),
                                       PoolAt("h1", "b", "DEGRADED"),
                                       PoolAt("h1", "a")};
  pools[1].set_host_reporting(false);
  return pools;
}

TEST(StatusListingTest, WithoutALimitListsEveryPoolSortedAndCountsThem) {
  const v1::GetStatusResponse response = ListFleet(StatusRequest(0), SixPools());
  EXPECT_THAT(ListedNames(response), ElementsAre("h1/a", "h1/b", "h1/c", "h1/d", "h1/e", "h1/f"));
  EXPECT_EQ(response.summary().pools_total(), 6u);
  EXPECT_EQ(response.summary().pools_unhealthy(), 2u);
  EXPECT_THAT(response.summary().pools_by_state(),
              UnorderedElementsAre(Pair("ONLINE", 5u), Pair("DEGRADED", 1u)));
}

TEST(StatusListingTest, ALimitKeepsEveryUnhealthyPoolThenTheFirstHealthyOnes) {
  const v1::GetStatusResponse response = ListFleet(StatusRequest(3), SixPools());
  EXPECT_THAT(ListedNames(response), ElementsAre("h1/a", "h1/b", "h1/e"));
  EXPECT_EQ(response.summary().pools_total(), 6u);  // the counts cover every pool
  EXPECT_EQ(response.summary().pools_unhealthy(), 2u);
}

TEST(StatusListingTest, MoreUnhealthyPoolsThanTheLimitKeepsTheFirstOfThem) {
  std::vector<v1::PoolStatus> pools = SixPools();
  pools[0].set_state("FAULTED");  // h1/f
  const v1::GetStatusResponse response = ListFleet(StatusRequest(2), pools);
  EXPECT_THAT(ListedNames(response), ElementsAre("h1/b", "h1/e"));
  EXPECT_EQ(response.summary().pools_unhealthy(), 3u);
}

TEST(StatusListingTest, UnhealthyOnlyListsNoHealthyPoolButCountsThem) {
  const v1::GetStatusResponse response =
      ListFleet(StatusRequest(0, /*unhealthy_only=*/true), SixPools());
  EXPECT_THAT(ListedNames(response), ElementsAre("h1/b", "h1/e"));
  EXPECT_EQ(response.summary().pools_total(), 6u);
  EXPECT_EQ(ListFleet(StatusRequest(1, true), SixPools()).pools_size(), 1);
}

TEST(StatusListingTest, AHealthyFleetUnderUnhealthyOnlyListsNothing) {
  const v1::GetStatusResponse response = ListFleet(StatusRequest(5, true), {PoolAt("h1", "a")});
  EXPECT_THAT(ListedNames(response), IsEmpty());
  EXPECT_EQ(response.summary().pools_unhealthy(), 0u);
  EXPECT_EQ(response.summary().pools_total(), 1u);
}

TEST(StatusListingTest, APoolWithoutAStateCountsAsUnknownAndUnhealthy) {
  const v1::GetStatusResponse response = ListFleet(StatusRequest(0), {PoolAt("h1", "a", "")});
  EXPECT_THAT(response.summary().pools_by_state(), ElementsAre(Pair("UNKNOWN", 1u)));
  EXPECT_EQ(response.summary().pools_unhealthy(), 1u);
}

TEST(StatusListingTest, AnEmptyFleetStillHasASummary) {
  const v1::GetStatusResponse response = ListFleet(StatusRequest(100), {});
  EXPECT_TRUE(response.has_summary());
  EXPECT_EQ(response.summary().pools_total(), 0u);
  EXPECT_THAT(ListedNames(response), IsEmpty());
}

// Many pools in random order, trimmed many times on the way: the same listing as sorting
// the whole fleet and taking the first ones of each kind.
TEST(StatusListingTest, AnyOrderAndSizeGivesTheListingOfTheSortedFleet) {
  std::mt19937 random(7);
  for (const uint32_t limit : {1u, 7u, 50u, 999u}) {
    std::vector<v1::PoolStatus> pools;
    for (int host = 0; host < 100; ++host) {
      for (int pool = 0; pool < 10; ++pool) {
        const bool broken = random() % 10 == 0;
        pools.push_back(PoolAt(absl::StrCat("h", host), absl::StrCat("p", pool),
                               broken ? "DEGRADED" : "ONLINE"));
      }
    }
    std::shuffle(pools.begin(), pools.end(), random);

    std::vector<v1::PoolStatus> sorted = pools;
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
      return std::tie(a.host_id(), a.pool()) < std::tie(b.host_id(), b.pool());
    });
    std::vector<v1::PoolStatus> want;
    for (const auto& pool : sorted) {
      if (pool.state() != "ONLINE" && want.size() < limit) want.push_back(pool);
    }
    const size_t unhealthy_kept = want.size();
    for (const auto& pool : sorted) {
      if (pool.state() == "ONLINE" && want.size() < limit) want.push_back(pool);
    }
    ASSERT_GT(unhealthy_kept, 0u);
    std::sort(want.begin(), want.end(), [](const auto& a, const auto& b) {
      return std::tie(a.host_id(), a.pool()) < std::tie(b.host_id(), b.pool());
    });
    v1::GetStatusResponse want_response;
    for (const auto& pool : want) *want_response.add_pools() = pool;

    const v1::GetStatusResponse got = ListFleet(StatusRequest(limit), pools);
    EXPECT_EQ(ListedNames(got), ListedNames(want_response)) << "limit " << limit;
    EXPECT_EQ(got.summary().pools_total(), 1000u);
  }
}

}  // namespace
}  // namespace zfleet
