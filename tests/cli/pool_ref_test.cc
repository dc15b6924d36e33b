#include "cli/pool_ref.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace zfleet::cli {
namespace {

using ::testing::HasSubstr;

TEST(PoolRefTest, SplitsHostAndPool) {
  absl::StatusOr<PoolRef> ref = ParsePoolRef("storage-12.fra/tank");
  ASSERT_TRUE(ref.ok()) << ref.status();
  EXPECT_EQ(ref->host, "storage-12.fra");
  EXPECT_EQ(ref->pool, "tank");
}

TEST(PoolRefTest, RejectsWhatIsNotHostSlashPool) {
  struct Case {
    const char* text;
    const char* why;
  };
  const Case cases[] = {
      {"", "missing HOST/POOL"},
      {"tank", "no '/' between host and pool"},
      {"/tank", "empty host"},
      {"h1/", "empty pool"},
      {"h1/tank/home", "a dataset, not a pool"},
      {"h1/ta nk", "contains whitespace"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<PoolRef> ref = ParsePoolRef(c.text);
    ASSERT_FALSE(ref.ok()) << c.text;
    EXPECT_EQ(ref.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(ref.status().message()), HasSubstr(c.why)) << c.text;
  }
}

}  // namespace
}  // namespace zfleet::cli
