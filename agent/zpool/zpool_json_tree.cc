#include "agent/zpool/zpool_json_tree.h"

#include <algorithm>
#include <iterator>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "agent/zpool/scan_line_parser.h"
#include "agent/zpool/size_units.h"
#include "nlohmann/json.hpp"

namespace zfleet::agent {
namespace {

bool IsIgnoredKey(absl::string_view key) {
  static constexpr absl::string_view kIgnored[] = {"guid",
                                                   "class",
                                                   "devid",
                                                   "phys_path",
                                                   "alloc_space",
                                                   "total_space",
                                                   "def_space",
                                                   "rep_dev_size",
                                                   "ex_dev_size",
                                                   "phys_space",
                                                   "self_healed",
                                                   "checkpoint_space",
                                                   "pool_guid",
                                                   "txg",
                                                   "spa_version",
                                                   "zpl_version",
                                                   "bytes_per_scan",
                                                   "pass_start",
                                                   "scrub_spent_paused",
                                                   "issued_bytes_per_scan",
                                                   "dedup_stats",
                                                   "load_info"};
  return std::find(std::begin(kIgnored), std::end(kIgnored), key) != std::end(kIgnored);
}

// Keys whose object maps pool or vdev names to objects.
bool IntroducesNameMap(absl::string_view key) {
  static constexpr absl::string_view kMaps[] = {"pools", "vdevs",   "dedup",  "special",
                                                "logs",  "l2cache", "spares", "rebuild_stats"};
  return std::find(std::begin(kMaps), std::end(kMaps), key) != std::end(kMaps);
}

constexpr size_t kMaxTreeDepth = 64;

JsonNode MakeNode(JsonNode::Kind kind, uint64_t number = 0, std::string text = "") {
  JsonNode node;
  node.kind = kind;
  node.number = number;
  node.text = std::move(text);
  return node;
}

// The SAX handler nlohmann::json::sax_parse() drives. Never throws.
class TreeBuilder {
 public:
  using json = nlohmann::json;
  using Kind = JsonNode::Kind;

  explicit TreeBuilder(JsonNode& root) : root_(root) {}

  bool null() { return Add(JsonNode{}); }
  bool boolean(bool b) { return Add(MakeNode(Kind::kBool, b ? 1u : 0u)); }
  bool number_integer(json::number_integer_t n) {
    if (n >= 0) return Add(MakeNode(Kind::kUnsigned, static_cast<uint64_t>(n)));
    return Add(MakeNode(Kind::kOther, 0, absl::StrCat(n)));
  }
  bool number_unsigned(json::number_unsigned_t n) { return Add(MakeNode(Kind::kUnsigned, n)); }
  bool number_float(json::number_float_t, const std::string& literal) {
    return Add(MakeNode(Kind::kOther, 0, literal));
  }
  // Strings are copied, not moved: the lexer reuses its buffer, which a move would take.
  bool string(std::string& s) { return Add(MakeNode(Kind::kString, 0, s)); }
  bool binary(json::binary_t&) { return Add(JsonNode{}); }
  bool start_object(std::size_t) { return Open(Kind::kObject); }
  bool start_array(std::size_t) { return Open(Kind::kArray); }
  bool end_object() { return Close(); }
  bool end_array() { return Close(); }
  bool key(std::string& k) {
    if (skip_depth_ > 0) return true;
    Frame& top = open_.back();
    skip_next_ = !top.name_map && IsIgnoredKey(k);
    top.key.assign(k);
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const json::exception&) { return false; }

 private:
  struct Frame {
    JsonNode node;
    std::string key;  // of the value being read, in an object
    bool name_map;
  };

  bool Open(Kind kind) {
    if (skip_depth_ > 0 || skip_next_ || open_.size() >= kMaxTreeDepth) {
      ++skip_depth_;
      skip_next_ = false;
      return true;
    }
    const bool name_map = !open_.empty() && open_.back().node.kind == Kind::kObject &&
                          !open_.back().name_map && IntroducesNameMap(open_.back().key);
    open_.push_back(Frame{MakeNode(kind), "", name_map});
    if (kind == Kind::kObject) open_.back().node.members.reserve(8);  // a vdev's kept keys
    return true;
  }
  bool Close() {
    if (skip_depth_ > 0) {
      --skip_depth_;
      return true;
    }
    JsonNode node = std::move(open_.back().node);
    open_.pop_back();
    return Add(std::move(node));
  }
  bool Add(JsonNode node) {
    if (skip_depth_ > 0 || std::exchange(skip_next_, false)) return true;
    if (open_.empty()) {
      root_ = std::move(node);
    } else if (Frame& top = open_.back(); top.node.kind == Kind::kObject) {
      top.node.members.push_back(JsonMember{std::move(top.key), std::move(node)});
    } else {
      top.node.items.push_back(std::move(node));
    }
    return true;
  }

  JsonNode& root_;
  std::vector<Frame> open_;
  int skip_depth_ = 0;  // > 0 inside a container that is being left out
  bool skip_next_ = false;
};

}  // namespace

bool ParseZpoolJsonTree(absl::string_view text, JsonNode& root) {
  root = JsonNode{};
  TreeBuilder builder(root);
  return nlohmann::json::sax_parse(text.begin(), text.end(), &builder);
}

const JsonNode* JsonMemberOf(const JsonNode& object, absl::string_view key) {
  for (const JsonMember& m : object.members) {
    if (m.key == key) return &m.value;
  }
  return nullptr;
}

const JsonNode* JsonObjectOf(const JsonNode& object, absl::string_view key) {
  const JsonNode* v = JsonMemberOf(object, key);
  return v != nullptr && v->kind == JsonNode::Kind::kObject ? v : nullptr;
}

absl::string_view JsonStringOf(const JsonNode& object, absl::string_view key) {
  const JsonNode* v = JsonMemberOf(object, key);
  return v != nullptr && v->kind == JsonNode::Kind::kString ? absl::string_view(v->text) : "";
}

std::optional<uint64_t> JsonNumberOf(const JsonNode& object, absl::string_view key) {
  const JsonNode* v = JsonMemberOf(object, key);
  if (v == nullptr) return std::nullopt;
  if (v->kind == JsonNode::Kind::kUnsigned) return v->number;
  if (v->kind == JsonNode::Kind::kString) return ParseZpoolNumber(v->text);
  return std::nullopt;
}

std::optional<int64_t> JsonTimeOf(const JsonNode& object, absl::string_view key,
                                  absl::TimeZone tz) {
  std::optional<int64_t> t;
  if (std::optional<uint64_t> n = JsonNumberOf(object, key)) {
    if (*n <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) t = *n;
  } else if (absl::string_view s = JsonStringOf(object, key); !s.empty()) {
    t = ParseCtimeDate(s, tz);
  }
  if (t && *t == 0) return std::nullopt;
  return t;
}

std::string JsonLiteral(const JsonNode& value) {
  switch (value.kind) {
    case JsonNode::Kind::kNull:
      return "null";
    case JsonNode::Kind::kBool:
      return value.number != 0 ? "true" : "false";
    case JsonNode::Kind::kUnsigned:
      return absl::StrCat(value.number);
    case JsonNode::Kind::kString:
      return absl::StrCat("\"", value.text, "\"");
    case JsonNode::Kind::kOther:
      return value.text;
    case JsonNode::Kind::kObject:
    case JsonNode::Kind::kArray:
      break;
  }
  return "{…}";
}

}  // namespace zfleet::agent
