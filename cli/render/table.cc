#include "cli/render/table.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace zfleet::cli {
namespace {

const char* Escape(Color color) {
  switch (color) {
    case Color::kGreen:
      return "\033[32m";
    case Color::kYellow:
      return "\033[33m";
    case Color::kRed:
      return "\033[31m";
    case Color::kBold:
      return "\033[1m";
    case Color::kNone:
      break;
  }
  return "";
}

void StripTrailingSpaces(std::string* line) {
  while (!line->empty() && line->back() == ' ') line->pop_back();
}

}  // namespace

std::string Colorize(absl::string_view text, Color color, bool enabled) {
  if (!enabled || color == Color::kNone || text.empty()) return std::string(text);
  return absl::StrCat(Escape(color), text, "\033[0m");
}

size_t DisplayWidth(absl::string_view text) {
  size_t width = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\033' && i + 1 < text.size() && text[i + 1] == '[') {
      i += 2;  // past ESC [ and the parameters to the final byte (@ to ~), which the loop skips
      while (i < text.size() && (text[i] < '@' || text[i] > '~')) ++i;
      continue;
    }
    // Continuation bytes (10xxxxxx) do not start a new character.
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++width;
  }
  return width;
}

std::string Truncate(absl::string_view text, size_t width) {
  if (DisplayWidth(text) <= width) return std::string(text);
  if (width == 0) return "";
  // Keep width - 1 characters, never splitting one, then the ellipsis.
  size_t kept = 0;
  size_t end = 0;
  for (; end < text.size(); ++end) {
    if ((static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) continue;
    if (kept == width - 1) break;
    ++kept;
  }
  return absl::StrCat(text.substr(0, end), "…");
}

namespace {

// Where the piece of `text` that starts at `pos` ends: at the next space, or with
// `whole_code` at the next space outside backticks.
size_t PieceEnd(absl::string_view text, size_t pos, bool whole_code) {
  bool in_code = false;
  for (; pos < text.size(); ++pos) {
    if (text[pos] == ' ' && !in_code) break;
    if (whole_code && text[pos] == '`') in_code = !in_code;
  }
  return pos;
}

}  // namespace

std::string WordWrap(absl::string_view text, size_t width, absl::string_view indent) {
  if (width == 0 || DisplayWidth(text) <= width) return std::string(text);
  const size_t indent_width = DisplayWidth(indent);
  size_t pos = std::min(text.find_first_not_of(' '), text.size());
  std::string out(text.substr(0, pos));
  size_t column = pos;
  bool placed = false;  // only once a piece is out may a break come before the next
  absl::string_view gap;
  size_t words_until = 0;  // the end of a command wider than any line, placed word by word
  // Every iteration places at least one piece, so even a width below the indent ends.
  while (pos < text.size()) {
    size_t end = PieceEnd(text, pos, pos >= words_until);
    size_t piece_width = DisplayWidth(text.substr(pos, end - pos));
    if (column + gap.size() + piece_width > width && indent_width + piece_width > width) {
      words_until = std::max(words_until, end);
      end = PieceEnd(text, pos, false);
      piece_width = DisplayWidth(text.substr(pos, end - pos));
    }
    if (placed && column + gap.size() + piece_width > width) {
      absl::StrAppend(&out, "\n", indent);
      column = indent_width;
    } else {
      absl::StrAppend(&out, gap);
      column += gap.size();
    }
    absl::StrAppend(&out, text.substr(pos, end - pos));
    column += piece_width;
    placed = true;
    pos = std::min(text.find_first_not_of(' ', end), text.size());
    gap = text.substr(end, pos - end);
  }
  return out;
}

namespace {

// Column widths that fit `budget` (the line less indent and separators): every column at
// most `level` wide, but not below its floor, with the largest level that fits.
std::vector<size_t> FitWidths(const std::vector<size_t>& natural, const std::vector<size_t>& floors,
                              size_t budget) {
  auto at = [&](size_t level) {
    std::vector<size_t> w(natural.size());
    size_t total = 0;
    for (size_t c = 0; c < natural.size(); ++c) {
      w[c] = std::min(natural[c], std::max(level, floors[c]));
      total += w[c];
    }
    return std::make_pair(total, w);
  };
  size_t lo = 0;
  size_t hi = *std::max_element(natural.begin(), natural.end());
  if (at(hi).first <= budget) return natural;
  while (lo < hi) {  // the largest level whose total fits; 0 when none does
    size_t mid = lo + (hi - lo + 1) / 2;
    if (at(mid).first <= budget) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  return at(lo).second;
}

}  // namespace

Table::Table(std::vector<Column> columns) : columns_(std::move(columns)) {}

void Table::AddRow(std::vector<Cell> row) {
  row.resize(columns_.size(), Cell(""));
  rows_.push_back(std::move(row));
}

std::string Table::Render(bool color, absl::string_view indent, size_t max_width) const {
  constexpr size_t kMinColumn = 6;
  constexpr size_t kSeparator = 2;
  std::vector<size_t> widths(columns_.size(), 0);
  std::vector<size_t> floors(columns_.size(), 0);
  for (size_t c = 0; c < columns_.size(); ++c) {
    widths[c] = DisplayWidth(columns_[c].header);
    for (const auto& row : rows_) widths[c] = std::max(widths[c], DisplayWidth(row[c].text));
    const bool whole = columns_[c].whole || columns_[c].align == Align::kRight;
    floors[c] = whole ? widths[c]
                      : std::min(widths[c], std::max(DisplayWidth(columns_[c].header), kMinColumn));
  }
  const size_t fixed =
      DisplayWidth(indent) + kSeparator * (columns_.empty() ? 0 : columns_.size() - 1);
  if (max_width > 0 && !columns_.empty()) {
    widths = FitWidths(widths, floors, max_width > fixed ? max_width - fixed : 0);
  }
  auto render_line = [&](const std::vector<Cell>& cells) {
    std::string line(indent);
    for (size_t c = 0; c < cells.size(); ++c) {
      if (c > 0) line += "  ";
      const std::string cut = Truncate(cells[c].text, widths[c]);
      std::string pad(widths[c] - DisplayWidth(cut), ' ');
      std::string text = Colorize(cut, cells[c].color, color);
      if (columns_[c].align == Align::kRight) {
        absl::StrAppend(&line, pad, text);
      } else {
        absl::StrAppend(&line, text, pad);
      }
    }
    StripTrailingSpaces(&line);
    line += '\n';
    return line;
  };
  std::vector<Cell> header;
  for (const auto& column : columns_) header.emplace_back(column.header);
  std::string out = render_line(header);
  for (const auto& row : rows_) out += render_line(row);
  return out;
}

}  // namespace zfleet::cli
