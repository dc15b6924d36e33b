#include "agent/zpool/zpool_list_parser.h"

#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/agent/zpool/parser_fixtures.h"

namespace zfleet::agent {
namespace {

using ::testing::HasSubstr;

TEST(ParseZpoolListTest, LegacyEightColumnsRecordedOnZfsFuse) {
  auto entries = ParseZpoolList(ReadFixture("legacy/list_H.txt"));
  ASSERT_TRUE(entries.ok()) << entries.status();
  ASSERT_EQ(entries->size(), 2u);
  const PoolListEntry& first = (*entries)[0];
  EXPECT_EQ(first.name, "zfmirror");
  EXPECT_EQ(first.size_bytes, 123 * kM);
  EXPECT_EQ(first.allocated_bytes, 215 * kM / 10);
  EXPECT_EQ(first.free_bytes, 101 * kM);
  EXPECT_EQ(first.capacity_percent, 17u);
  EXPECT_EQ(first.fragmentation_percent, std::nullopt);  // legacy has no FRAG
  EXPECT_EQ(first.health, "ONLINE");
  EXPECT_EQ((*entries)[1].name, "zfsingle");
  EXPECT_EQ((*entries)[1].allocated_bytes, 216 * kM / 10);
}

TEST(ParseZpoolListTest, OpenZfs07TenColumns) {
  auto entries = ParseZpoolList("tank\t3.62T\t1.20T\t2.42T\t-\t5%\t33%\t1.00x\tONLINE\t-\n");
  ASSERT_TRUE(entries.ok()) << entries.status();
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].size_bytes, 362 * kG * 1024 / 100);
  EXPECT_EQ((*entries)[0].fragmentation_percent, 5u);
  EXPECT_EQ((*entries)[0].capacity_percent, 33u);
  EXPECT_EQ((*entries)[0].health, "ONLINE");
}

TEST(ParseZpoolListTest, OpenZfs08ElevenColumnsExactAndSeveralPools) {
  auto entries = ParseZpoolList(
      "tank\t3985729650688\t1319413953331\t2666315697357\t-\t-\t5\t33\t1.00\tONLINE\t-\n"
      "\n"
      "fast\t1.81T\t100G\t1.71T\t-\t-\t-\t5%\t1.00x\tDEGRADED\t/mnt\r\n");
  ASSERT_TRUE(entries.ok()) << entries.status();
  ASSERT_EQ(entries->size(), 2u);
  const PoolListEntry& tank = (*entries)[0];
  EXPECT_EQ(tank.size_bytes, 3985729650688u);
  EXPECT_EQ(tank.allocated_bytes, 1319413953331u);
  EXPECT_EQ(tank.free_bytes, 2666315697357u);
  EXPECT_EQ(tank.fragmentation_percent, 5u);
  EXPECT_EQ(tank.capacity_percent, 33u);
  const PoolListEntry& fast = (*entries)[1];
  EXPECT_EQ(fast.allocated_bytes, 100 * kG);
  EXPECT_EQ(fast.fragmentation_percent, std::nullopt);  // "-"
  EXPECT_EQ(fast.capacity_percent, 5u);
  EXPECT_EQ(fast.health, "DEGRADED");
}

TEST(ParseZpoolListTest, FaultedPoolWithAbsentSizes) {
  auto entries = ParseZpoolList("gone\t-\t-\t-\t-\t-\t-\t-\t-\tUNAVAIL\t-\n");
  ASSERT_TRUE(entries.ok()) << entries.status();
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].size_bytes, std::nullopt);
  EXPECT_EQ((*entries)[0].capacity_percent, std::nullopt);
  EXPECT_EQ((*entries)[0].health, "UNAVAIL");
}

TEST(ParseZpoolListTest, EmptyOutputIsNoPools) {
  auto entries = ParseZpoolList("");
  ASSERT_TRUE(entries.ok());
  EXPECT_TRUE(entries->empty());
}

TEST(ParseZpoolListTest, RejectsUnknownLayoutsAndValuesNamingTheLine) {
  struct Bad {
    const char* text;
    const char* why;
  };
  for (const Bad& bad : {
           Bad{"NAME   SIZE  ALLOC   FREE  CAP  DEDUP  HEALTH  ALTROOT\n", "unknown layout"},
           Bad{"tank\t1G\t1G\n", "unknown layout"},
           Bad{"tank\tbig\t21.5M\t101M\t17%\t1.00x\tONLINE\t-\n", "bad size \"big\""},
           Bad{"tank\t123M\t21.5M\t101M\tfull\t1.00x\tONLINE\t-\n", "bad percent \"full\""},
           Bad{"tank\t123M\t21.5M\t101M\t-5%\t1.00x\tONLINE\t-\n", "bad percent"},
           Bad{"\t123M\t21.5M\t101M\t17%\t1.00x\tONLINE\t-\n", "empty pool name"},
       }) {
    auto entries = ParseZpoolList(bad.text);
    ASSERT_FALSE(entries.ok()) << bad.text;
    EXPECT_EQ(entries.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(entries.status().message(), HasSubstr(bad.why));
    EXPECT_THAT(std::string(entries.status().message()),
                HasSubstr(std::string(bad.text).substr(0, 4)));
  }
}

TEST(ApplyListEntryTest, CopiesFactsAndClearsAbsentOnes) {
  v1::Pool pool;
  pool.set_name("tank");
  pool.set_fragmentation_percent(40);  // stale: the new entry does not state it
  PoolListEntry entry;
  entry.name = "tank";
  entry.size_bytes = 100;
  entry.allocated_bytes = 30;
  entry.free_bytes = 70;
  entry.capacity_percent = 30;
  entry.health = "ONLINE";
  ApplyListEntry(entry, pool);
  EXPECT_EQ(pool.name(), "tank");
  EXPECT_EQ(pool.size_bytes(), 100u);
  EXPECT_EQ(pool.allocated_bytes(), 30u);
  EXPECT_EQ(pool.free_bytes(), 70u);
  EXPECT_EQ(pool.capacity_percent(), 30u);
  EXPECT_FALSE(pool.has_fragmentation_percent());
  EXPECT_EQ(pool.health(), "ONLINE");
}

}  // namespace
}  // namespace zfleet::agent
