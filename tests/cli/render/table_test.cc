#include "cli/render/table.h"

#include <string>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
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

TEST(TableTest, TruncateKeepsWholeCharactersAndEndsInAnEllipsis) {
  EXPECT_EQ(Truncate("short", 10), "short");
  EXPECT_EQ(Truncate("exactly", 7), "exactly");
  EXPECT_EQ(Truncate("pool is degraded", 8), "pool is…");
  EXPECT_EQ(DisplayWidth(Truncate("pool is degraded", 8)), 8u);
  EXPECT_EQ(Truncate("Exos™ X18 ™™™", 6), "Exos™…");  // never half of a multi-byte character
  EXPECT_EQ(Truncate("abc", 1), "…");
  EXPECT_EQ(Truncate("abc", 0), "");
}

// Every line of `text` is at most `width` display columns wide.
bool FitsIn(const std::string& text, size_t width) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (DisplayWidth(text.substr(start, end - start)) > width) return false;
    start = end + 1;
  }
  return true;
}

TEST(TableTest, AWidthLimitCutsTheWidestColumnsFirst) {
  Table table({{"ID", Align::kRight}, {"HOST"}, {"MESSAGE"}});
  table.AddRow({"1", "h1", "pool tank is DEGRADED: one or more devices could not be used"});
  table.AddRow({"22", "storage-host-12", "ok"});
  // Wide enough: unchanged.
  EXPECT_EQ(table.Render(false, "", 200), table.Render(false));
  // 40 columns: the message is cut, the short columns keep their width.
  EXPECT_EQ(table.Render(false, "", 40),
            "ID  HOST             MESSAGE\n"
            " 1  h1               pool tank is DEGRA…\n"
            "22  storage-host-12  ok\n");
  // Tighter: the host column is cut too once the message is down to its width.
  const std::string narrow = table.Render(false, "", 30);
  EXPECT_TRUE(FitsIn(narrow, 30)) << narrow;
  EXPECT_NE(narrow.find("storage-hos…"), std::string::npos) << narrow;
  // Indent and colour escapes count as they show: the indent does, the escapes do not.
  EXPECT_TRUE(FitsIn(table.Render(false, "    ", 40), 40));
  Table colored({{"STATE"}, {"NOTE"}});
  colored.AddRow({Cell("DEGRADED", Color::kYellow), "a long note that does not fit here"});
  EXPECT_EQ(colored.Render(true, "", 24),
            "STATE     NOTE\n\033[33mDEGRADED\033[0m  a long note t…\n");
}

TEST(TableTest, ColumnsNeverShrinkBelowTheirHeaderOrSixCharacters) {
  Table table({{"HOSTNAME"}, {"A"}, {"MESSAGE"}});
  table.AddRow({"storage-host-12", "abcdefghij", "a message much longer than anything"});
  // 10 columns cannot hold three columns at their floors (8 + 6 + 7 + separators): they stay
  // at their floors rather than vanish.
  EXPECT_EQ(table.Render(false, "", 10),
            "HOSTNAME  A       MESSAGE\n"
            "storage…  abcde…  a mess…\n");
}

TEST(TableTest, ColourEscapesTakeNoColumn) {
  EXPECT_EQ(DisplayWidth("\033[31mCRITICAL\033[0m"), 8u);
  EXPECT_EQ(DisplayWidth(Colorize("ACTION: ™", Color::kBold, true)), 9u);
  EXPECT_EQ(DisplayWidth("\033["), 0u);  // a cut-off escape neither
}

TEST(WordWrapTest, UnchangedWithoutALimitOrWhenItFits) {
  const std::string line = "WARNING   h1/tank:  two  spaces kept ";
  EXPECT_EQ(WordWrap(line, 0, "    "), line);
  EXPECT_EQ(WordWrap(line, DisplayWidth(line), "    "), line);
  EXPECT_EQ(WordWrap("", 5, "  "), "");
}

TEST(WordWrapTest, BreaksAtSpacesWithTheIndentAfterTheFirstLine) {
  EXPECT_EQ(WordWrap("WARN  h1: pool tank is degraded since monday", 20, "      "),
            "WARN  h1: pool tank\n"
            "      is degraded\n"
            "      since monday");
  // The text's own leading spaces stay on the first line; spaces at a break go.
  EXPECT_EQ(WordWrap("    ACTION: replace   the disk", 18, "    "),
            "    ACTION:\n"
            "    replace   the\n"
            "    disk");
  // Characters count, not bytes, and colour escapes not at all: "ACTION: cksum" fits in 18.
  EXPECT_EQ(WordWrap("\033[1mACTION:\033[0m cksum 0→12→40 over 3", 18, ""),
            "\033[1mACTION:\033[0m cksum\n0→12→40 over 3");
}

TEST(WordWrapTest, AWordWiderThanTheRoomOverflowsWhole) {
  const std::string path = "/dev/disk/by-id/ata-WDC_WD40EFRX-68N32N0_WD-WCC7K0123456";
  EXPECT_EQ(WordWrap("WARNING   h1/tank disk " + path + " (slot 3): errors", 40, "          "),
            "WARNING   h1/tank disk\n"
            "          " +
                path +
                "\n"
                "          (slot 3): errors");
}

TEST(WordWrapTest, CommandsInBackticksStayWholeWhenALineCanHoldThem) {
  EXPECT_EQ(WordWrap("  incident 12: `zfleet ack 12` when you take it", 26, "  "),
            "  incident 12:\n"
            "  `zfleet ack 12` when you\n"
            "  take it");
  // Wider than any line: broken at its spaces like text, and what follows the closing
  // backtick is text again.
  EXPECT_EQ(WordWrap("see (`zfleet incidents --host storage-12`) and `zfleet ack 3` now", 24, ""),
            "see (`zfleet incidents\n"
            "--host storage-12`) and\n"
            "`zfleet ack 3` now");
}

TEST(WordWrapTest, WidthsBelowTheIndentEndWithEveryWordKept) {
  const std::string text = "a bb ccc `d e` ffff";
  for (size_t width = 1; width <= 6; ++width) {
    SCOPED_TRACE(width);
    const std::string wrapped = WordWrap(text, width, "        ");
    EXPECT_EQ(
        absl::StrJoin(absl::StrSplit(wrapped, absl::ByAnyChar(" \n"), absl::SkipEmpty()), " "),
        text);
  }
}

TEST(TableTest, ColorizeIsANoOpWhenDisabled) {
  EXPECT_EQ(Colorize("x", Color::kRed, false), "x");
  EXPECT_EQ(Colorize("x", Color::kNone, true), "x");
  EXPECT_EQ(Colorize("x", Color::kRed, true), "\033[31mx\033[0m");
}

}  // namespace
}  // namespace zfleet::cli
