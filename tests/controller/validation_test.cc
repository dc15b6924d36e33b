#include "controller/validation.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/enum_names.h"

namespace zfleet::controller {
namespace {

using ::testing::HasSubstr;

struct NameCase {
  std::string name;
  bool ok;
};

TEST(ValidationTest, HostIds) {
  const NameCase cases[] = {
      {"nas1", true},
      {"nas1.example.org", true},
      {"rack-07_nas.2", true},
      {"N", true},
      {"0day", true},  // a leading digit is fine for hosts
      {std::string(253, 'a'), true},
      {"", false},
      {std::string(254, 'a'), false},
      {"nas 1", false},
      {"nas/1", false},
      {"nas:1", false},
      {"../etc", false},
      {"nas1\n", false},
      {std::string("nas\0", 4), false},
      {"h\xc3\xb6st", false},  // non-ASCII letters
  };
  for (const NameCase& c : cases) {
    const absl::Status s = ValidateHostId(c.name);
    EXPECT_EQ(s.ok(), c.ok) << "\"" << c.name << "\": " << s;
    if (!c.ok) {
      EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.name;
    }
  }
}

TEST(ValidationTest, PoolNames) {
  const NameCase cases[] = {
      {"tank", true},
      {"t", true},
      {"Tank_2-b.c:d e", true},
      {std::string(255, 'p'), true},
      {"", false},
      {std::string(256, 'p'), false},
      {"1tank", false},   // must start with a letter
      {"_tank", false},
      {"-tank", false},
      {" tank", false},
      {"tank/data", false},  // a dataset, not a pool
      {"tank@snap", false},
      {"tank%", false},
      {"tank\t", false},
      {"t\xc3\xa4nk", false},
  };
  for (const NameCase& c : cases) {
    const absl::Status s = ValidatePoolName(c.name);
    EXPECT_EQ(s.ok(), c.ok) << "\"" << c.name << "\": " << s;
    if (!c.ok) {
      EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.name;
    }
  }
}

TEST(ValidationTest, ErrorsQuoteTheOffendingName) {
  EXPECT_THAT(ValidateHostId("nas 1").message(), HasSubstr("\"nas 1\""));
  EXPECT_THAT(ValidateHostId("").message(), HasSubstr("1 to 253"));
  EXPECT_THAT(ValidatePoolName("tank/data").message(), HasSubstr("\"tank/data\""));
}

}  // namespace
}  // namespace zfleet::controller
