// A plain-text table for the CLI's human output: one header row, every column padded
// to its widest cell, numbers right-aligned, colour that never disturbs the alignment, and
// on a terminal no wider than the terminal: the widest columns are cut (with …) first.
#ifndef ZFLEET_CLI_RENDER_TABLE_H_
#define ZFLEET_CLI_RENDER_TABLE_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace zfleet::cli {

enum class Color { kNone, kGreen, kYellow, kRed, kBold };

// Wraps `text` in the ANSI escape for `color` when `enabled`, else returns it unchanged.
std::string Colorize(absl::string_view text, Color color, bool enabled);

// Width of `text` on a terminal: counts UTF-8 code points, not bytes, so that a model
// name with a non-ASCII character does not shift its row; colour escapes (ESC [ … m, as
// Colorize makes them) take no column.
size_t DisplayWidth(absl::string_view text);

// `text` cut to at most `width` display columns, its last one "…" when it was cut.
std::string Truncate(absl::string_view text, size_t width);

// `text` (one line, no '\n') word-wrapped to lines of at most `width` display columns,
// joined by '\n' (none at the end); unchanged when `width` is 0 or it fits. Breaks only at
// spaces outside backticks, dropping the spaces at a break; every line after the first
// starts with `indent`; the first keeps the text's leading spaces, and every line keeps
// the spacing within it. Nothing is cut: a word wider than the room, e.g. a long device
// path, is left whole on a line of its own to overflow, so that it stays copy-pasteable;
// a `command in backticks` wider than a whole line is broken at its spaces like text.
std::string WordWrap(absl::string_view text, size_t width, absl::string_view indent);

enum class Align { kLeft, kRight };

struct Cell {
  Cell(std::string t) : text(std::move(t)) {}  // NOLINT: a cell is usually just text
  Cell(const char* t) : text(t) {}             // NOLINT
  Cell(std::string t, Color c) : text(std::move(t)), color(c) {}
  std::string text;
  Color color = Color::kNone;
};

// Not thread-safe; build, render, discard.
class Table {
 public:
  struct Column {
    std::string header;
    Align align = Align::kLeft;
    bool whole = false;  // never cut to fit (times); right-aligned columns (numbers) neither
  };
  // A column never cut to fit, e.g. Table::Whole("TIME").
  static Column Whole(std::string header) { return {std::move(header), Align::kLeft, true}; }

  explicit Table(std::vector<Column> columns);

  // Rows shorter than the header are padded with empty cells; extra cells are dropped.
  void AddRow(std::vector<Cell> row);

  size_t row_count() const { return rows_.size(); }

  // One line per row, header first, each prefixed with `indent`, columns separated by
  // two spaces, no trailing whitespace, every line ending in '\n'. Colour escapes are
  // emitted only when `color` is true. With `max_width` > 0, lines fit in that many columns:
  // the widest columns are narrowed first (never below their header or 6; whole and
  // right-aligned ones not at all), and a cell longer than its column ends in "…"; when even
  // that does not fit, the columns stay at those floors.
  std::string Render(bool color, absl::string_view indent = "", size_t max_width = 0) const;

 private:
  std::vector<Column> columns_;
  std::vector<std::vector<Cell>> rows_;
};

}  // namespace zfleet::cli

#endif  // ZFLEET_CLI_RENDER_TABLE_H_
