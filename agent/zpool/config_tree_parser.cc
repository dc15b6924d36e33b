#include "agent/zpool/config_tree_parser.h"

#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "agent/zpool/indent_column.h"
#include "agent/zpool/size_units.h"

namespace zfleet::agent {
namespace {

struct Token {
  absl::string_view text;
  size_t begin;
  size_t end;
};

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// Tokens with their offsets, so that a name or a note spanning several words can be cut
// from the line verbatim.
std::vector<Token> Tokenize(absl::string_view line) {
  std::vector<Token> tokens;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && IsBlank(line[i])) ++i;
    if (i == line.size()) break;
    const size_t begin = i;
    while (i < line.size() && !IsBlank(line[i])) ++i;
    tokens.push_back({line.substr(begin, i - begin), begin, i});
  }
  return tokens;
}

bool IsVdevState(absl::string_view word) {
  static constexpr absl::string_view kStates[] = {"ONLINE",  "DEGRADED", "FAULTED", "OFFLINE",
                                                  "UNAVAIL", "REMOVED",  "AVAIL",   "INUSE"};
  for (absl::string_view state : kStates) {
    if (word == state) return true;
  }
  return false;
}

// Role of the children of a section line; "" when `word` is no section name.
absl::string_view SectionRole(absl::string_view word) {
  if (word == "logs") return "log";
  if (word == "cache") return "cache";
  if (word == "spares") return "spare";
  if (word == "special") return "special";
  if (word == "dedup") return "dedup";
  return "";
}

bool AllDigits(absl::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// Legacy zpool puts a vdev's scan result only in its note ("20.5M repaired").
void ApplyNoteFigures(v1::Vdev& vdev) {
  const std::vector<absl::string_view> words = absl::StrSplit(vdev.note(), ' ', absl::SkipEmpty());
  if (words.size() != 2) return;
  std::optional<uint64_t> bytes = ParseZpoolNumber(words[0]);
  if (!bytes) return;
  if (words[1] == "repaired") vdev.set_bytes_repaired(*bytes);
  if (words[1] == "resilvered") vdev.set_bytes_resilvered(*bytes);
}

void SetLeafPaths(v1::Vdev& vdev) {
  for (v1::Vdev& child : *vdev.mutable_children()) SetLeafPaths(child);
  if (vdev.children().empty() && (vdev.type() == "disk" || vdev.type() == "file")) {
    vdev.set_path(vdev.name());
  }
}

}  // namespace

std::string VdevTypeFromName(absl::string_view name) {
  if (absl::StartsWith(name, "draid") && absl::StrContains(name, ':')) return "draid";
  // Interior vdevs print as "<type>-<id>"; very old pools print the bare type.
  absl::string_view base = name;
  if (const size_t dash = name.rfind('-');
      dash != absl::string_view::npos && AllDigits(name.substr(dash + 1))) {
    base = name.substr(0, dash);
  }
  if (base == "mirror") return "mirror";
  if (base == "raidz" || base == "raidz1") return "raidz1";
  if (base == "raidz2") return "raidz2";
  if (base == "raidz3") return "raidz3";
  if (base == "replacing") return "replacing";
  if (base == "spare") return "spare";
  if (base == "indirect") return "indirect";
  if (absl::StartsWith(name, "/") && !absl::StartsWith(name, "/dev/")) return "file";
  return "disk";
}

bool ConfigTreeParser::AddLine(absl::string_view line) {
  if (absl::StripAsciiWhitespace(line).empty()) return true;
  if (!have_header_) return AddHeader(line);
  const int offset = IndentColumn(line) - header_column_;
  if (offset < 0) return false;
  return AddNode(offset / 2, line);
}

bool ConfigTreeParser::AddHeader(absl::string_view line) {
  const std::vector<Token> tokens = Tokenize(line);
  if (tokens.size() < 2 || tokens[0].text != "NAME" || tokens[1].text != "STATE") {
    return false;
  }
  have_header_ = true;
  header_column_ = IndentColumn(line);
  counter_columns_ = static_cast<int>(tokens.size()) - 2;
  for (int i = 0; i < counter_columns_; ++i) {
    const absl::string_view column = tokens[i + 2].text;
    if (column == "READ") read_column_ = i;
    if (column == "WRITE") write_column_ = i;
    if (column == "CKSUM") cksum_column_ = i;
  }
  return true;
}

bool ConfigTreeParser::AddNode(int depth, absl::string_view line) {
  const std::vector<Token> tokens = Tokenize(line);

  // Stack entries that stay open: those shallower than this line.
  size_t keep = stack_.size();
  while (keep > 0 && stack_[keep - 1].depth >= depth) --keep;

  size_t state_index = 0;
  for (size_t i = 1; i < tokens.size() && state_index == 0; ++i) {
    if (IsVdevState(tokens[i].text)) state_index = i;
  }
  if (state_index == 0) {
    const absl::string_view role = SectionRole(tokens[0].text);
    if (tokens.size() != 1 || role.empty() || !have_root_) return false;
    stack_.resize(keep);
    stack_.push_back({depth, NodeKind::kSection, std::string(role), nullptr});
    return true;
  }

  if (!have_root_) {
    if (depth != 0) return false;
    have_root_ = true;
    stack_.push_back({0, NodeKind::kRoot, "data", nullptr});
    return true;
  }
  if (keep == 0) return false;  // a second pool-level line that is no section

  // Counters count only when every counter column is a number; spares print none.
  const size_t first_counter = state_index + 1;
  std::vector<uint64_t> counters;
  if (counter_columns_ > 0 && tokens.size() >= first_counter + counter_columns_) {
    for (int i = 0; i < counter_columns_; ++i) {
      std::optional<uint64_t> value = ParseZpoolNumber(tokens[first_counter + i].text);
      if (!value) break;
      counters.push_back(*value);
    }
    if (counters.size() != static_cast<size_t>(counter_columns_)) counters.clear();
  }
  const size_t note_begin =
      counters.empty() ? tokens[state_index].end : tokens[first_counter + counters.size() - 1].end;

  stack_.resize(keep);
  const Open& parent = stack_.back();
  v1::Vdev* vdev =
      parent.kind == NodeKind::kVdev ? parent.vdev->add_children() : pool_->add_vdevs();
  const size_t name_begin = tokens[0].begin;
  vdev->set_name(std::string(line.substr(name_begin, tokens[state_index - 1].end - name_begin)));
  vdev->set_type(VdevTypeFromName(vdev->name()));
  vdev->set_role(parent.role);
  vdev->set_state(std::string(tokens[state_index].text));
  if (!counters.empty()) {
    if (read_column_ >= 0) vdev->set_read_errors(counters[read_column_]);
    if (write_column_ >= 0) vdev->set_write_errors(counters[write_column_]);
    if (cksum_column_ >= 0) vdev->set_checksum_errors(counters[cksum_column_]);
  }
  vdev->set_note(std::string(absl::StripAsciiWhitespace(line.substr(note_begin))));
  ApplyNoteFigures(*vdev);
  stack_.push_back({depth, NodeKind::kVdev, vdev->role(), vdev});
  return true;
}

void ConfigTreeParser::Finish() {
  for (v1::Vdev& vdev : *pool_->mutable_vdevs()) SetLeafPaths(vdev);
}

}  // namespace zfleet::agent
