#include "agent/zpool/size_units.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace zfleet::agent {
namespace {

struct NumberCase {
  std::string text;
  std::optional<uint64_t> want;
};

TEST(ParseZpoolNumberTest, Table) {
  constexpr uint64_t kK = 1024;
  const std::vector<NumberCase> cases = {
      {"0", 0},
      {"0B", 0},
      {"7", 7},
      {"544K", 544 * kK},
      {"1.2K", 1228},  // 1228.8 truncated
      {"3.4M", 3565158},
      {"20.5M", 21495808},
      {"1.00T", kK * kK * kK * kK},
      {"1.5P", 3 * kK * kK * kK * kK * kK / 2},
      {"2E", 2 * kK * kK * kK * kK * kK * kK},
      {"123456789012", 123456789012},
      {"18446744073709551615", UINT64_MAX},  // exact -p values survive
      {"  12  ", 12},
      {"16E", std::nullopt},                   // 2^64 overflows
      {"18446744073709551616", std::nullopt},  // 2^64 overflows
      {"-", std::nullopt},
      {"", std::nullopt},
      {"-5", std::nullopt},
      {"+5", std::nullopt},
      {"1.2.3K", std::nullopt},
      {".5K", std::nullopt},
      {"5.K", 5 * kK},
      {"K", std::nullopt},
      {"1.00x", std::nullopt},
      {"12%", std::nullopt},
      {"1k", std::nullopt},
      {"ONLINE", std::nullopt},
  };
  for (const NumberCase& c : cases) EXPECT_EQ(ParseZpoolNumber(c.text), c.want) << c.text;
}

}  // namespace
}  // namespace zfleet::agent
