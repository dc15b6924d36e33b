#include "common/utf8.h"

#include <string>

#include "gtest/gtest.h"

namespace zfleet {
namespace {

struct Case {
  const char* name;
  std::string input;
  bool valid;
  std::string cleaned;  // CleanUtf8(input)
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class Utf8Test : public ::testing::TestWithParam<Case> {};

TEST_P(Utf8Test, ValidityAndCleaning) {
  const Case& c = GetParam();
  EXPECT_EQ(IsValidUtf8(c.input), c.valid);
  const std::string cleaned = CleanUtf8(c.input);
  EXPECT_EQ(cleaned, c.cleaned);
  EXPECT_TRUE(IsValidUtf8(cleaned)) << cleaned;
  if (c.valid) {
    EXPECT_EQ(cleaned, c.input);
  }
}

using std::string_literals::operator""s;

INSTANTIATE_TEST_SUITE_P(
    Table, Utf8Test,
    ::testing::Values(
        Case{"empty", "", true, ""}, Case{"ascii", "/tank/a b", true, "/tank/a b"},
        Case{"nul_and_controls", "a\0b\x01\x7f"s, true, "a\0b\x01\x7f"s},
        Case{"two_byte_e_acute", "caf\xc3\xa9", true, "caf\xc3\xa9"},
        Case{"three_byte_euro", "\xe2\x82\xac", true, "\xe2\x82\xac"},
        Case{"four_byte_emoji", "\xf0\x9f\x98\x80", true, "\xf0\x9f\x98\x80"},
        Case{"max_code_point", "\xf4\x8f\xbf\xbf", true, "\xf4\x8f\xbf\xbf"},
        Case{"last_before_surrogates", "\xed\x9f\xbf", true, "\xed\x9f\xbf"},
        Case{"first_after_surrogates", "\xee\x80\x80", true, "\xee\x80\x80"},
        Case{"latin1_e_acute", "/tank/caf\xe9", false, "/tank/caf\\xe9"},
        Case{"latin1_upper_hex_is_lower", "\xC9t\xC9", false, "\\xc9t\\xc9"},
        Case{"lone_continuation", "a\x80z", false, "a\\x80z"},
        Case{"continuations_only", "\xbf\x80", false, "\\xbf\\x80"},
        Case{"overlong_slash_c0", "\xc0\xaf", false, "\\xc0\\xaf"},
        Case{"overlong_c1", "\xc1\xbf", false, "\\xc1\\xbf"},
        Case{"overlong_three_byte", "\xe0\x80\xaf", false, "\\xe0\\x80\\xaf"},
        Case{"overlong_four_byte", "\xf0\x80\x80\xaf", false, "\\xf0\\x80\\x80\\xaf"},
        Case{"surrogate_high", "\xed\xa0\x80", false, "\\xed\\xa0\\x80"},
        Case{"surrogate_low", "\xed\xbf\xbf", false, "\\xed\\xbf\\xbf"},
        Case{"above_max_f4_90", "\xf4\x90\x80\x80", false, "\\xf4\\x90\\x80\\x80"},
        Case{"f5_lead", "\xf5\x80\x80\x80", false, "\\xf5\\x80\\x80\\x80"},
        Case{"ff_byte", "\xff", false, "\\xff"},
        Case{"truncated_two_at_end", "ab\xc3", false, "ab\\xc3"},
        Case{"truncated_three_then_ascii", "\xe2\x82z", false, "\\xe2\\x82z"},
        Case{"truncated_four_at_end", "\xf0\x9f\x98", false, "\\xf0\\x9f\\x98"},
        Case{"bad_byte_between_valid", "\xc3\xa9\xe9\xc3\xa9", false, "\xc3\xa9\\xe9\xc3\xa9"},
        Case{"valid_after_truncated_lead", "\xe2\xe2\x82\xac", false, "\\xe2\xe2\x82\xac"}));

TEST(Utf8Test, BackslashIsKept) {
  EXPECT_TRUE(IsValidUtf8("a\\xe9"));
  EXPECT_EQ(CleanUtf8("a\\xe9"), "a\\xe9");
}

TEST(Utf8Test, EveryByteAloneEitherValidOrEscaped) {
  for (int b = 0; b < 256; ++b) {
    const std::string s(1, static_cast<char>(b));
    EXPECT_EQ(IsValidUtf8(s), b < 0x80) << b;
    EXPECT_EQ(CleanUtf8(s).size(), b < 0x80 ? 1u : 4u) << b;
  }
}

}  // namespace
}  // namespace zfleet
