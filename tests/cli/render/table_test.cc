#include "cli/render/table.h"

#include "gtest/gtest.h"

namespace zfleet::cli {
namespace {

TEST(TableTest, PadsColumnsToWidestCellAndRightAlignsNumbers) {
  Table table({{"HOST"}, {"POOL"}, {"ERRORS", Align::kRight}, {"NOTE"}});
  table.AddRow({"h1", "tank", "0", "ok"});
  table.AddRow({"storage-12", "backup", "1228", ""});
  EXPECT_EQ(table.Render(false),
            "HOST        POOL    ERRORS  NOTE\n"
            "h1          tank         0  ok\n"
            "storage-12  backup    1228\n");
}

TEST(TableTest, IndentsEveryLineAndPadsShortRows) {
  Table table({{"A"}, {"B"}});
  table.AddRow({"x"});
  EXPECT_EQ(table.Render(false, "  "), "  A  B\n  x\n");
}

TEST(TableTest, ColourDoesNotShiftColumns) {
  Table table({{"STATE"}, {"N", Align::kRight}});
  table.AddRow({Cell("DEGRADED", Color::kYellow), "1"});
  table.AddRow({Cell("ONLINE", Color::kGreen), "10"});
  EXPECT_EQ(table.Render(true),
            "STATE      N\n"
            "\033[33mDEGRADED\033[0m   1\n"
            "\033[32mONLINE\033[0m    10\n");
  EXPECT_EQ(table.Render(false), "STATE      N\nDEGRADED   1\nONLINE    10\n");
}

TEST(TableTest, WidthCountsCharactersNotBytes) {
  EXPECT_EQ(DisplayWidth("Seagate Exos™"), 13u);
  Table table({{"MODEL"}, {"X"}});
  table.AddRow({"Exos™", "1"});
  table.AddRow({"Exos12", "2"});
  EXPECT_EQ(table.Render(false), "MODEL   X\nExos™   1\nExos12  2\n");
}

TEST(TableTest, ColorizeIsANoOpWhenDisabled) {
  EXPECT_EQ(Colorize("x", Color::kRed, false), "x");
  EXPECT_EQ(Colorize("x", Color::kNone, true), "x");
  EXPECT_EQ(Colorize("x", Color::kRed, true), "\033[31mx\033[0m");
}

}  // namespace
}  // namespace zfleet::cli
