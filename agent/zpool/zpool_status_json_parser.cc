#include "agent/zpool/zpool_status_json_parser.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "agent/zpool/config_tree_parser.h"
#include "agent/zpool/zpool_json_tree.h"

namespace zfleet::agent {
namespace {

using Node = JsonNode;
using Vdevs = google::protobuf::RepeatedPtrField<v1::Vdev>;

// Far deeper than any vdev tree zpool prints (root, top-level, replacing/spare, leaf).
constexpr int kMaxVdevDepth = 16;

const Node* Object(const Node& parent, absl::string_view key) { return JsonObjectOf(parent, key); }
absl::string_view Str(const Node& object, absl::string_view key) {
  return JsonStringOf(object, key);
}
std::optional<uint64_t> Number(const Node& object, absl::string_view key) {
  return JsonNumberOf(object, key);
}

double RoundPercent(double percent) { return std::round(percent * 100) / 100; }

// status / action carry the text output's "\n\t" breaks; the text parser joins lines with one
// space.
std::string FoldLines(absl::string_view text) {
  std::vector<absl::string_view> lines;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (!line.empty()) lines.push_back(line);
  }
  return absl::StrJoin(lines, " ");
}

// JSON prints vdev_state_str[] (CANT_OPEN, CLOSED); the text prints zpool_state_to_name().
std::string VdevState(absl::string_view state, absl::string_view aux) {
  if (state == "HEALTHY") return "ONLINE";  // the spelling of zpool-status(8)'s example
  if (state == "CLOSED") return "OFFLINE";
  if (state == "CANT_OPEN") {
    if (aux == "CORRUPT_DATA" || aux == "BAD_LOG") return "FAULTED";
    if (aux == "SPLIT_POOL") return "SPLIT";
    return "UNAVAIL";
  }
  return std::string(state);
}

// The words print_status_config() prints for vs_aux.
std::string AuxNote(const Node& v, bool leaf) {
  const absl::string_view aux = Str(v, "aux");
  static constexpr std::pair<absl::string_view, absl::string_view> kNotes[] = {
      {"OPEN_FAILED", "cannot open"},
      {"BAD_GUID_SUM", "missing device"},
      {"NO_REPLICAS", "insufficient replicas"},
      {"VERSION_NEWER", "newer version"},
      {"UNSUP_FEAT", "unsupported feature(s)"},
      {"ASHIFT_TOO_BIG", "unsupported minimum blocksize"},
      {"IO_FAILURE", "experienced I/O failures"},
      {"BAD_LOG", "bad intent log"},
      {"EXTERNAL", "external device fault"},
      {"SPLIT_POOL", "split into new pool"},
      {"ACTIVE", "currently in use"},
      {"CHILDREN_OFFLINE", "all children offline"},
      {"BAD_LABEL", "invalid label"}};
  for (const auto& [code, words] : kNotes) {
    if (aux == code) return std::string(words);
  }
  if (aux == "SPARED") {
    const absl::string_view other = Str(v, "used_by");
    return other.empty() ? "currently in use" : absl::StrCat("in use by pool '", other, "'");
  }
  if (aux == "ERR_EXCEEDED") {
    const bool no_errors = Number(v, "read_errors").value_or(0) == 0 &&
                           Number(v, "write_errors").value_or(0) == 0 &&
                           Number(v, "checksum_errors").value_or(0) == 0;
    return no_errors && leaf && Number(v, "slow_ios").value_or(0) > 0 ? "too many slow I/Os"
                                                                      : "too many errors";
  }
  return "corrupted data";
}

struct ScanContext {
  std::string function;  // "scrub" or "resilver" of the pool's healing scan, else ""
  bool running = false;  // that scan is in progress (print_status_config's DSS_SCANNING)
};

class JsonStatusParser {
 public:
  explicit JsonStatusParser(const StatusParseOptions& options) : tz_(options.time_zone) {}

  absl::StatusOr<StatusParseResult> Parse(absl::string_view text);

 private:
  void AddPool(const std::string& key, const Node& j);
  ScanContext AddScan(const Node& j, v1::Pool& pool);
  bool MainScan(const Node& s, v1::Scan& scan) const;
  void RebuildScan(const Node& rebuilds, v1::Scan& scan) const;
  void AddVdev(const std::string& key, const Node& j, const std::string& role, bool spare,
               int depth, const ScanContext& ctx, Vdevs& out, v1::Pool& pool);
  std::string Note(const Node& j, bool leaf, bool spare, const std::string& state,
                   const ScanContext& ctx) const;
  void AddErrors(const Node& j, v1::Pool& pool);
  void Unparsed(v1::Pool* pool, std::string line);

  absl::TimeZone tz_;
  StatusParseResult result_;
};

absl::StatusOr<StatusParseResult> JsonStatusParser::Parse(absl::string_view text) {
  Node doc;
  if (!ParseZpoolJsonTree(text, doc)) {
    return absl::InvalidArgumentError("not zpool status -j output: not JSON");
  }
  if (const Node* version = Object(doc, "output_version")) {
    const absl::string_view command = Str(*version, "command");
    if (!command.empty() && command != "zpool status") {
      return absl::InvalidArgumentError(
          absl::StrCat("not zpool status -j output: output of \"", command, "\""));
    }
  }
  const Node* pools = Object(doc, "pools");
  if (pools == nullptr) {
    return absl::InvalidArgumentError("not zpool status -j output: no \"pools\" object");
  }
  for (const JsonMember& m : pools->members) {
    if (m.value.kind == Node::Kind::kObject) {
      AddPool(m.key, m.value);
    } else {
      Unparsed(nullptr, absl::StrCat("pools.", m.key, ": not an object"));
    }
  }
  result_.no_pools = pools->members.empty();
  return std::move(result_);
}

void JsonStatusParser::AddPool(const std::string& key, const Node& j) {
  v1::Pool& pool = result_.pools.emplace_back();
  const absl::string_view name = Str(j, "name");
  pool.set_name(name.empty() ? key : std::string(name));
  pool.set_state(std::string(Str(j, "state")));
  // Early 2.3 builds printed the status code ("OK") for a healthy pool, as zpool-status(8)'s
  // example shows; the text output says nothing then.
  if (const absl::string_view status = Str(j, "status"); status != "OK") {
    pool.set_status(FoldLines(status));
  }
  pool.set_action(FoldLines(Str(j, "action")));
  if (const absl::string_view more = Str(j, "moreinfo"); !more.empty()) {
    pool.set_see(std::string(more));
  } else if (const absl::string_view msgid = Str(j, "msgid"); !msgid.empty()) {
    pool.set_see(absl::StrCat("https://openzfs.github.io/openzfs-docs/msg/", msgid));
  }
  const ScanContext ctx = AddScan(j, pool);

  // Text order: the data tree (under the root vdev), then dedup, special, logs, cache, spares.
  if (const Node* tree = Object(j, "vdevs")) {
    for (const JsonMember& top : tree->members) {
      const Node* children = Object(top.value, "vdevs");
      if (Str(top.value, "vdev_type") != "root") {
        AddVdev(top.key, top.value, "data", false, 1, ctx, *pool.mutable_vdevs(), pool);
      } else if (children != nullptr) {
        for (const JsonMember& c : children->members) {
          AddVdev(c.key, c.value, "data", false, 1, ctx, *pool.mutable_vdevs(), pool);
        }
      }
    }
  }
  static constexpr std::pair<absl::string_view, absl::string_view> kSections[] = {
      {"dedup", "dedup"},
      {"special", "special"},
      {"logs", "log"},
      {"l2cache", "cache"},
      {"spares", "spare"}};
  for (const auto& [section, role] : kSections) {
    const Node* vdevs = Object(j, section);
    if (vdevs == nullptr) continue;
    for (const JsonMember& m : vdevs->members) {
      AddVdev(m.key, m.value, std::string(role), role == "spare", 1, ctx, *pool.mutable_vdevs(),
              pool);
    }
  }
  AddErrors(j, pool);

  // What the text parser keeps verbatim (remove:, checkpoint:, expand:) is kept here too.
  for (absl::string_view section : {"removal_stats", "checkpoint_stats", "raidz_expand_stats"}) {
    const Node* s = JsonMemberOf(j, section);
    if (s == nullptr) continue;
    std::vector<std::string> fields;
    for (const JsonMember& m : s->members)
      fields.push_back(absl::StrCat(m.key, "=", JsonLiteral(m.value)));
    Unparsed(&pool, absl::StrCat(section, ": ", absl::StrJoin(fields, " ")));
  }
}

ScanContext JsonStatusParser::AddScan(const Node& j, v1::Pool& pool) {
  v1::Scan& scan = *pool.mutable_scan();
  scan.set_function("none");
  scan.set_state("none");
  const Node* s = Object(j, "scan_stats");
  if (s == nullptr) return {};  // never scanned: "scan: none requested"
  if (!MainScan(*s, scan)) {
    Unparsed(&pool, absl::StrCat("scan_stats: function=", Str(*s, "function"),
                                 " state=", Str(*s, "state")));
    scan.Clear();
    scan.set_function("none");
    scan.set_state("none");
  }
  ScanContext ctx;
  if (scan.function() != "none") {
    ctx.function = scan.function();
    ctx.running = scan.state() == "scanning" || scan.state() == "paused";
  }
  if (const Node* rebuilds = Object(*s, "rebuild_stats")) RebuildScan(*rebuilds, scan);
  return ctx;
}

// pool_scan_stat_t as print_scan_scrub_resilver_status() reads it.
bool JsonStatusParser::MainScan(const Node& s, v1::Scan& scan) const {
  const absl::string_view function = Str(s, "function");
  const absl::string_view state = Str(s, "state");
  if (function.empty() || function == "NONE") return true;
  if (function != "SCRUB" && function != "RESILVER") return false;
  scan.set_function(function == "SCRUB" ? "scrub" : "resilver");
  const bool stopped = state == "FINISHED" || state == "CANCELED";
  if (state == "SCANNING") {
    scan.set_state(Number(s, "scrub_pause").value_or(0) != 0 ? "paused" : "scanning");
  } else if (stopped) {
    scan.set_state(state == "FINISHED" ? "finished" : "canceled");
  } else {
    return false;
  }
  if (auto t = JsonTimeOf(s, "start_time", tz_)) scan.set_start_time(*t);
  if (auto t = JsonTimeOf(s, "end_time", tz_); t && stopped) scan.set_end_time(*t);
  const std::optional<uint64_t> total = Number(s, "to_examine");
  const std::optional<uint64_t> issued = Number(s, "issued");
  if (auto n = Number(s, "examined")) scan.set_bytes_scanned(*n);
  if (issued) scan.set_bytes_issued(*issued);
  if (total) scan.set_bytes_total(*total);
  if (auto n = Number(s, "processed")) scan.set_bytes_repaired(*n);
  if (auto n = Number(s, "errors")) scan.set_errors(*n);
  const uint64_t skipped = Number(s, "skipped").value_or(0);
  if (!stopped && total && issued && *total > skipped) {
    scan.set_percent_done(
        RoundPercent(100.0 * static_cast<double>(*issued) / static_cast<double>(*total - skipped)));
  }
  return true;
}

// A dRAID sequential rebuild: shown when it runs and the healing scan does not, or when it is
// the only scan the pool has had (print_scan_status() picks the same).
void JsonStatusParser::RebuildScan(const Node& rebuilds, v1::Scan& scan) const {
  if (scan.state() == "scanning") return;
  const Node* chosen = nullptr;
  for (const JsonMember& m : rebuilds.members) {
    const absl::string_view state = Str(m.value, "state");
    if (state == "ACTIVE") {
      chosen = &m.value;
      break;
    }
    if (scan.function() == "none" && (state == "COMPLETE" || state == "CANCELED") &&
        (chosen == nullptr || JsonTimeOf(m.value, "end_time", tz_).value_or(0) >
                                  JsonTimeOf(*chosen, "end_time", tz_).value_or(0))) {
      chosen = &m.value;
    }
  }
  if (chosen == nullptr) return;
  const Node& r = *chosen;
  const absl::string_view state = Str(r, "state");
  scan.Clear();
  scan.set_function("resilver");
  scan.set_state(state == "ACTIVE" ? "scanning" : state == "COMPLETE" ? "finished" : "canceled");
  if (auto t = JsonTimeOf(r, "start_time", tz_)) scan.set_start_time(*t);
  if (auto t = JsonTimeOf(r, "end_time", tz_); t && state != "ACTIVE") scan.set_end_time(*t);
  const std::optional<uint64_t> scanned = Number(r, "scanned");
  const std::optional<uint64_t> total = Number(r, "to_scan");
  if (scanned) scan.set_bytes_scanned(*scanned);
  if (auto n = Number(r, "issued")) scan.set_bytes_issued(*n);
  if (total) scan.set_bytes_total(*total);
  if (auto n = Number(r, "rebuilt")) scan.set_bytes_repaired(*n);
  if (auto n = Number(r, "errors")) scan.set_errors(*n);
  if (state == "ACTIVE" && scanned && total) {
    const double percent = static_cast<double>(*scanned) * 100 / (static_cast<double>(*total) + 1);
    scan.set_percent_done(RoundPercent(std::min(percent, 100.0)));
  }
}

void JsonStatusParser::AddVdev(const std::string& key, const Node& j, const std::string& role,
                               bool spare, int depth, const ScanContext& ctx, Vdevs& out,
                               v1::Pool& pool) {
  const absl::string_view name_field = Str(j, "name");
  const std::string name = name_field.empty() ? key : std::string(name_field);
  if (j.kind != Node::Kind::kObject || depth > kMaxVdevDepth) {
    Unparsed(&pool, absl::StrCat("vdev ", name,
                                 j.kind != Node::Kind::kObject
                                     ? ": not an object"
                                     : absl::StrCat(": nested deeper than ", kMaxVdevDepth)));
    return;
  }
  const Node* children = Object(j, "vdevs");
  const bool leaf = children == nullptr || children->members.empty();

  v1::Vdev& vdev = *out.Add();
  vdev.set_name(name);
  const absl::string_view type = Str(j, "vdev_type");
  if (type.empty() || type == "raidz") {
    // vdev_type says "raidz" for every parity; the name ("raidz2-0") says which.
    std::string from_name = VdevTypeFromName(name);
    vdev.set_type(type.empty() || absl::StartsWith(from_name, "raidz") ? from_name : "raidz1");
  } else {
    vdev.set_type(std::string(type));
  }
  vdev.set_role(role);
  vdev.set_state(VdevState(Str(j, "state"), Str(j, "aux")));
  if (auto n = Number(j, "read_errors")) vdev.set_read_errors(*n);
  if (auto n = Number(j, "write_errors")) vdev.set_write_errors(*n);
  if (auto n = Number(j, "checksum_errors")) vdev.set_checksum_errors(*n);
  vdev.set_note(Note(j, leaf, spare, vdev.state(), ctx));
  if (!leaf) {
    for (const JsonMember& c : children->members) {
      AddVdev(c.key, c.value, role, spare, depth + 1, ctx, *vdev.mutable_children(), pool);
    }
    return;
  }
  // vs_scan_processed: what the current or last scan wrote to this device.
  if (auto n = Number(j, "scan_processed"); n && !ctx.function.empty()) {
    if (ctx.function == "resilver") {
      vdev.set_bytes_resilvered(*n);
    } else {
      vdev.set_bytes_repaired(*n);
    }
  }
  if (const absl::string_view path = Str(j, "path"); !path.empty()) {
    vdev.set_path(std::string(path));
  } else if (vdev.type() == "disk" || vdev.type() == "file") {
    vdev.set_path(name);
  }
}

// The trailing words print_status_config() prints after the counters, in its order.
std::string JsonStatusParser::Note(const Node& j, bool leaf, bool spare, const std::string& state,
                                   const ScanContext& ctx) const {
  std::vector<std::string> parts;
  const std::optional<uint64_t> configured = Number(j, "configured_ashift");
  const std::optional<uint64_t> physical = Number(j, "physical_ashift");
  if (JsonMemberOf(j, "not_present") != nullptr) {
    parts.push_back(absl::StrCat("was ", Str(j, "path")));
  } else if (const absl::string_view aux = Str(j, "aux"); !aux.empty() && aux != "NONE") {
    parts.push_back(AuxNote(j, leaf));
  } else if (leaf && !spare && configured && physical && *configured < *physical &&
             *physical < 63) {
    parts.push_back(absl::StrCat("block size: ", uint64_t{1} << *configured, "B configured, ",
                                 uint64_t{1} << *physical, "B native"));
  }
  if (Number(j, "removing").value_or(0) != 0) {
    parts.push_back("(removing)");
  } else if (Number(j, "noalloc").value_or(0) != 0) {
    parts.push_back("(non-allocating)");
  }
  if (ctx.running && leaf && state == "ONLINE") {
    if (Number(j, "scan_processed").value_or(0) != 0) {
      parts.push_back(ctx.function == "resilver" ? "(resilvering)" : "(repairing)");
    } else if (Number(j, "resilver_deferred").value_or(0) != 0) {
      parts.push_back("(awaiting resilver)");
    }
  }
  return absl::StrJoin(parts, "  ");
}

void JsonStatusParser::AddErrors(const Node& j, v1::Pool& pool) {
  const std::optional<uint64_t> count = Number(j, "error_count");
  if (!count) return;  // no config: the text output has no errors line either
  v1::PoolErrors& errors = *pool.mutable_errors();
  errors.set_count(*count);
  const Node* list = JsonMemberOf(j, "errlist");
  if (list != nullptr) {
    for (const Node& file : list->items) {
      if (file.kind == Node::Kind::kString) errors.add_files(file.text);
    }
  }
  if (*count == 0) {
    errors.set_text("No known data errors");
  } else if (list != nullptr && list->kind == Node::Kind::kString) {
    // zpool_get_errlog() failed; errlist holds strerror().
    errors.set_text(absl::StrCat("List of errors unavailable: ", list->text));
  } else if (errors.files_size() > 0) {
    errors.set_text("Permanent errors have been detected in the following files:");
  } else {
    errors.set_text(absl::StrCat(*count, " data errors, use '-v' for a list"));
  }
}

void JsonStatusParser::Unparsed(v1::Pool* pool, std::string line) {
  ++result_.unparsed_count;
  if (pool != nullptr) {
    pool->add_unparsed(std::move(line));
  } else {
    result_.unparsed.push_back(std::move(line));
  }
}

}  // namespace

absl::StatusOr<StatusParseResult> ParseZpoolStatusJson(absl::string_view text,
                                                       const StatusParseOptions& options) {
  return JsonStatusParser(options).Parse(text);
}

}  // namespace zfleet::agent
