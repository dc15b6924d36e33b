#include "agent/zpool/zpool_status_parser.h"

#include <memory>
#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "agent/zpool/config_tree_parser.h"
#include "agent/zpool/scan_line_parser.h"

namespace zfleet::agent {
namespace {

// A "key: value" line ("  pool: tank", " state: ONLINE", "   see: …", "scan warning: …").
// Keys are indented by fewer than 8 spaces and never by a tab; anything indented further
// continues the key above it (tab-indented paragraphs, error file names).
struct KeyLine {
  absl::string_view key;
  absl::string_view value;
};

std::optional<KeyLine> SplitKeyLine(absl::string_view line) {
  size_t i = 0;
  while (i < line.size() && line[i] == ' ') ++i;
  if (i >= 8 || i == line.size() || !absl::ascii_islower(static_cast<unsigned char>(line[i]))) {
    return std::nullopt;
  }
  const size_t key_begin = i;
  while (i < line.size() &&
         (absl::ascii_islower(static_cast<unsigned char>(line[i])) || line[i] == ' ')) {
    ++i;
  }
  if (i == line.size() || line[i] != ':') return std::nullopt;
  if (i + 1 < line.size() && line[i + 1] != ' ') return std::nullopt;
  return KeyLine{absl::StripTrailingAsciiWhitespace(line.substr(key_begin, i - key_begin)),
                 absl::StripAsciiWhitespace(line.substr(i + 1))};
}

// Sums the per-leaf figure legacy zpool prints in notes; nullopt when no leaf has one.
std::optional<uint64_t> SumLeafFigures(const v1::Vdev& vdev, bool resilver) {
  if (vdev.children().empty()) {
    if (resilver && vdev.has_bytes_resilvered()) return vdev.bytes_resilvered();
    if (!resilver && vdev.has_bytes_repaired()) return vdev.bytes_repaired();
    return std::nullopt;
  }
  std::optional<uint64_t> sum;
  for (const v1::Vdev& child : vdev.children()) {
    if (std::optional<uint64_t> part = SumLeafFigures(child, resilver)) {
      sum = sum.value_or(0) + *part;
    }
  }
  return sum;
}

// Walks the text line by line; each line is read in the context of the last key seen.
class StatusParser {
 public:
  explicit StatusParser(const StatusParseOptions& options) : time_zone_(options.time_zone) {}

  void AddLine(absl::string_view line);
  absl::StatusOr<StatusParseResult> Finish(absl::string_view text);

 private:
  enum class Section {
    kNone,
    kParagraph,   // status/action/see continuation lines
    kScan,        // progress lines under scan:/scrub:
    kConfig,      // the vdev tree
    kErrorFiles,  // file names under "Permanent errors …"
    kUnknownKey,  // continuation of a key this parser does not model
  };

  void AddKeyLine(const KeyLine& key, absl::string_view line);
  void AddScanHeadline(absl::string_view value, absl::string_view line);
  void AddIndentedLine(absl::string_view line);
  void ParseErrors(absl::string_view value);
  bool AddWholeOutputMessage(absl::string_view trimmed);
  void StartPool(absl::string_view name);
  void FinishPool();
  void Unparsed(absl::string_view line);

  absl::TimeZone time_zone_;
  StatusParseResult result_;
  v1::Pool* pool_ = nullptr;
  Section section_ = Section::kNone;
  std::string* paragraph_ = nullptr;
  std::unique_ptr<ConfigTreeParser> tree_;
  bool saw_message_ = false;
};

void StatusParser::AddLine(absl::string_view line) {
  absl::ConsumeSuffix(&line, "\r");
  const absl::string_view trimmed = absl::StripAsciiWhitespace(line);
  if (trimmed.empty()) return;
  const bool indented = line[0] == '\t' || line[0] == ' ';
  if (!indented && AddWholeOutputMessage(trimmed)) return;
  if (std::optional<KeyLine> key = SplitKeyLine(line)) {
    AddKeyLine(*key, line);
    return;
  }
  if (indented) {
    AddIndentedLine(line);
    return;
  }
  Unparsed(line);
}

bool StatusParser::AddWholeOutputMessage(absl::string_view trimmed) {
  if (trimmed == "all pools are healthy") {
    result_.all_pools_healthy = true;
  } else if (trimmed == "no pools available") {
    result_.no_pools = true;
  } else if (absl::StartsWith(trimmed, "pool '") && absl::EndsWith(trimmed, "' is healthy")) {
    // `zpool status -x POOL` for a healthy pool.
    result_.all_pools_healthy = true;
  } else {
    return false;
  }
  saw_message_ = true;
  section_ = Section::kNone;
  return true;
}

void StatusParser::AddKeyLine(const KeyLine& key, absl::string_view line) {
  if (key.key == "pool") {
    StartPool(key.value);
    return;
  }
  section_ = Section::kNone;
  if (pool_ == nullptr) {
    Unparsed(line);
    return;
  }
  if (key.key == "state") {
    pool_->set_state(std::string(key.value));
  } else if (key.key == "status" || key.key == "action" || key.key == "see") {
    paragraph_ = key.key == "status"   ? pool_->mutable_status()
                 : key.key == "action" ? pool_->mutable_action()
                                       : pool_->mutable_see();
    *paragraph_ = std::string(key.value);
    section_ = Section::kParagraph;
  } else if (key.key == "scan" || key.key == "scrub") {
    AddScanHeadline(key.value, line);
  } else if (key.key == "config" && key.value.empty()) {
    tree_ = std::make_unique<ConfigTreeParser>(pool_);
    section_ = Section::kConfig;
  } else if (key.key == "errors") {
    ParseErrors(key.value);
  } else {
    // scan warning:, expand:, remove:, checkpoint:, dedup: … have no place in the model;
    // they and their continuation lines are kept verbatim.
    Unparsed(line);
    section_ = Section::kUnknownKey;
  }
}

void StatusParser::AddScanHeadline(absl::string_view value, absl::string_view line) {
  v1::Scan scan;
  const bool known = ParseScanHeadline(value, time_zone_, scan);
  // OpenZFS 2.x may print two scan lines: the last scrub, then a dRAID rebuild. The first
  // is kept unless the second is running, which is what scheduling must see. A line that
  // is not used (or is an unknown form, e.g. 2.2's " scrub: error scrub …") is kept
  // verbatim, and so are its progress lines, which must not mix into the kept scan.
  const bool have_scan = !pool_->scan().function().empty();
  if (known && (!have_scan || scan.state() == "scanning")) {
    *pool_->mutable_scan() = std::move(scan);
    section_ = Section::kScan;
  } else {
    Unparsed(line);
    section_ = Section::kUnknownKey;
  }
}

void StatusParser::AddIndentedLine(absl::string_view line) {
  switch (section_) {
    case Section::kParagraph:
      absl::StrAppend(paragraph_, paragraph_->empty() ? "" : " ", absl::StripAsciiWhitespace(line));
      return;
    case Section::kScan:
      if (!ParseScanProgressLine(line, time_zone_, *pool_->mutable_scan())) {
        Unparsed(line);
      }
      return;
    case Section::kConfig:
      if (!tree_->AddLine(line)) Unparsed(line);
      return;
    case Section::kErrorFiles:
      pool_->mutable_errors()->add_files(std::string(absl::StripAsciiWhitespace(line)));
      return;
    case Section::kNone:
    case Section::kUnknownKey:
      Unparsed(line);
      return;
  }
}

void StatusParser::ParseErrors(absl::string_view value) {
  v1::PoolErrors& errors = *pool_->mutable_errors();
  errors.set_text(std::string(value));
  if (value == "No known data errors") {
    errors.set_count(0);
  } else if (absl::StartsWith(value, "Permanent errors have been detected")) {
    section_ = Section::kErrorFiles;  // the count is the number of files, set at the end
  } else if (const size_t space = value.find(' ');
             space != absl::string_view::npos &&
             absl::StartsWith(value.substr(space), " data error")) {
    uint64_t count = 0;
    if (absl::SimpleAtoi(value.substr(0, space), &count)) errors.set_count(count);
  }
  // Other texts ("List of errors unavailable: pool I/O is currently suspended") say no
  // count; they are kept in `text` only.
}

void StatusParser::StartPool(absl::string_view name) {
  FinishPool();
  pool_ = &result_.pools.emplace_back();
  pool_->set_name(std::string(name));
  section_ = Section::kNone;
}

void StatusParser::FinishPool() {
  if (pool_ == nullptr) return;
  if (tree_ != nullptr) tree_->Finish();
  tree_.reset();
  paragraph_ = nullptr;

  v1::PoolErrors& errors = *pool_->mutable_errors();
  if (!errors.has_count() && errors.files_size() > 0) errors.set_count(errors.files_size());

  // Legacy zpool states a scan's repaired bytes only per leaf vdev; sum them.
  v1::Scan& scan = *pool_->mutable_scan();
  if (!scan.has_bytes_repaired() && (scan.function() == "scrub" || scan.function() == "resilver")) {
    std::optional<uint64_t> sum;
    for (const v1::Vdev& vdev : pool_->vdevs()) {
      if (auto part = SumLeafFigures(vdev, scan.function() == "resilver")) {
        sum = sum.value_or(0) + *part;
      }
    }
    if (sum) scan.set_bytes_repaired(*sum);
  }
  pool_ = nullptr;
}

void StatusParser::Unparsed(absl::string_view line) {
  ++result_.unparsed_count;
  if (pool_ != nullptr) {
    pool_->add_unparsed(std::string(line));
  } else {
    result_.unparsed.emplace_back(line);
  }
}

absl::StatusOr<StatusParseResult> StatusParser::Finish(absl::string_view text) {
  FinishPool();
  if (result_.pools.empty() && !saw_message_) {
    for (absl::string_view line : absl::StrSplit(text, '\n')) {
      if (!absl::StripAsciiWhitespace(line).empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat("not zpool status output: first line \"", line, "\""));
      }
    }
    return absl::InvalidArgumentError("not zpool status output: empty text");
  }
  return std::move(result_);
}

}  // namespace

absl::StatusOr<StatusParseResult> ParseZpoolStatus(absl::string_view text,
                                                   const StatusParseOptions& options) {
  StatusParser parser(options);
  for (absl::string_view line : absl::StrSplit(text, '\n')) parser.AddLine(line);
  return parser.Finish(text);
}

}  // namespace zfleet::agent
