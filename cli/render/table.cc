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
  // Continuation bytes (10xxxxxx) do not start a new character.
  return std::count_if(text.begin(), text.end(),
                       [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
}

Table::Table(std::vector<Column> columns) : columns_(std::move(columns)) {}

void Table::AddRow(std::vector<Cell> row) {
  row.resize(columns_.size(), Cell(""));
  rows_.push_back(std::move(row));
}

std::string Table::Render(bool color, absl::string_view indent) const {
  std::vector<size_t> widths(columns_.size(), 0);
  for (size_t c = 0; c < columns_.size(); ++c) {
    widths[c] = DisplayWidth(columns_[c].header);
    for (const auto& row : rows_) widths[c] = std::max(widths[c], DisplayWidth(row[c].text));
  }
  auto render_line = [&](const std::vector<Cell>& cells) {
    std::string line(indent);
    for (size_t c = 0; c < cells.size(); ++c) {
      if (c > 0) line += "  ";
      std::string pad(widths[c] - DisplayWidth(cells[c].text), ' ');
      std::string text = Colorize(cells[c].text, cells[c].color, color);
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
