// A light, read-only tree of a zpool `-j` JSON document, built from nlohmann's SAX events
// (for the same 4 MB document nlohmann's own DOM costs twice the parse itself, which a
// 500-pool host cannot afford), with typed look-ups that never throw. Internal to the
// `zpool status -j` parser. Pure: no I/O.
#ifndef ZFLEET_AGENT_ZPOOL_ZPOOL_JSON_TREE_H_
#define ZFLEET_AGENT_ZPOOL_ZPOOL_JSON_TREE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace zfleet::agent {

struct JsonMember;

struct JsonNode {
  enum class Kind : uint8_t { kNull, kBool, kUnsigned, kOther, kString, kObject, kArray };
  Kind kind = Kind::kNull;
  uint64_t number = 0;              // kUnsigned; 0 or 1 for kBool
  std::string text;                 // kString; the literal of any other number (kOther)
  std::vector<JsonMember> members;  // kObject, in document order (zpool's order)
  std::vector<JsonNode> items;      // kArray
};

struct JsonMember {
  std::string key;
  JsonNode value;
};

// Parses `text` into `root`. Returns false when `text` is not one JSON value.
// Two things are left out while reading: values of keys the agent has no use for (guid,
// class, devid, space figures, …) except in objects whose keys are pool or vdev names (a
// pool named "txg" is kept), and containers nested deeper than 64 levels, which bounds
// every recursion over the tree.
bool ParseZpoolJsonTree(absl::string_view text, JsonNode& root);

// The member `key` of `object`; nullptr when `object` is no object or has no such member.
const JsonNode* JsonMemberOf(const JsonNode& object, absl::string_view key);
// The same, only when that member is an object.
const JsonNode* JsonObjectOf(const JsonNode& object, absl::string_view key);
// The member as a string; "" when absent or not a string.
absl::string_view JsonStringOf(const JsonNode& object, absl::string_view key);
// The member as a count or size: a non-negative integer (`--json-int`), an exact decimal
// string (`-p`) or a zfs_nicenum() string ("1.2K" = 1228); nullopt otherwise.
std::optional<uint64_t> JsonNumberOf(const JsonNode& object, absl::string_view key);
// The member as unix seconds: a number as above or, without `-p`, a ctime date read in `tz`.
// 0 means "never" to zpool and is nullopt.
std::optional<int64_t> JsonTimeOf(const JsonNode& object, absl::string_view key, absl::TimeZone tz);
// A scalar as JSON would spell it ("FINISHED" with its quotes, 12, true, null); "{…}" for
// an object or array.
std::string JsonLiteral(const JsonNode& value);

}  // namespace zfleet::agent

#endif  // ZFLEET_AGENT_ZPOOL_ZPOOL_JSON_TREE_H_
