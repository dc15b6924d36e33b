#include "model/pool_facts.h"

#include <algorithm>
#include <set>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace zfleet {
namespace {

bool IsInteriorType(absl::string_view type) {
  for (absl::string_view prefix :
       {"mirror", "raidz", "draid", "replacing", "spare", "root", "indirect"}) {
    if (absl::StartsWith(type, prefix)) return true;
  }
  return false;
}

void Walk(const google::protobuf::RepeatedPtrField<v1::Vdev>& vdevs,
          const std::function<void(const v1::Vdev&)>& fn) {
  for (const v1::Vdev& vdev : vdevs) {
    if (!vdev.children().empty()) {
      Walk(vdev.children(), fn);
    } else if (IsDeviceVdev(vdev.type(), vdev.role(), vdev.state())) {
      fn(vdev);
    }
  }
}

// FNV-1a 64, fed field by field with a separator so "ab","c" and "a","bc" differ.
class Fnv {
 public:
  void Add(absl::string_view s) {
    for (unsigned char c : s) Byte(c);
    Byte(0x1f);
  }
  void Add(uint64_t v) { Add(absl::StrCat(v)); }
  void AddOptional(bool has, uint64_t v) { has ? Add(v) : Add("-"); }
  uint64_t value() const { return hash_; }

 private:
  void Byte(unsigned char c) {
    hash_ ^= c;
    hash_ *= 1099511628211ULL;
  }
  uint64_t hash_ = 14695981039346656037ULL;
};

std::string Optional(bool has, uint64_t v) { return has ? absl::StrCat(v) : "?"; }

// "scrub finished", "resilver started", … for a scan that changed; "" otherwise.
std::string DescribeScan(const std::optional<v1::Pool>& before, const v1::Scan& after) {
  const v1::Scan empty;
  const v1::Scan& b = before.has_value() ? before->scan() : empty;
  const bool same_run = b.function() == after.function() && b.start_time() == after.start_time();
  if (same_run && b.state() == after.state()) return "";
  if (after.function().empty() || after.function() == "none") return "";
  const std::string& state = after.state();
  std::string word;
  if (state == "scanning") {
    word = same_run && b.state() == "paused" ? "resumed" : "started";
  } else if (state == "finished" || state == "canceled" || state == "paused") {
    word = state;
  } else {
    return "";
  }
  std::string text = absl::StrCat(after.function(), " ", word);
  if (state == "finished" && after.has_errors() && after.errors() > 0) {
    absl::StrAppend(&text, " with ", after.errors(), " errors");
  }
  return text;
}

}  // namespace

bool IsDeviceVdev(absl::string_view type, absl::string_view role, absl::string_view state) {
  const bool standby_spare = role == "spare" && (state == "AVAIL" || state == "INUSE");
  return !IsInteriorType(type) && !standby_spare;
}

void ForEachLeaf(const v1::Pool& pool, const std::function<void(const v1::Vdev&)>& fn) {
  Walk(pool.vdevs(), fn);
}

const std::string& DeviceLabel(const v1::Vdev& leaf) {
  return leaf.path().empty() ? leaf.name() : leaf.path();
}

uint64_t LeafErrors(const v1::Vdev& leaf) {
  return leaf.read_errors() + leaf.write_errors() + leaf.checksum_errors();
}

bool LeafIsBad(const v1::Vdev& leaf) { return leaf.state() != "ONLINE" || LeafErrors(leaf) > 0; }

bool IsCriticalPoolState(absl::string_view state) {
  return state == "FAULTED" || state == "UNAVAIL" || state == "SUSPENDED";
}

std::optional<uint64_t> DataErrors(const v1::Pool& pool) {
  if (pool.errors().has_count()) return pool.errors().count();
  if (!pool.errors().files().empty()) return static_cast<uint64_t>(pool.errors().files_size());
  return std::nullopt;
}

PoolFacts ComputePoolFacts(const v1::Pool& pool) {
  PoolFacts facts;
  facts.data_errors = DataErrors(pool);
  Fnv fnv;
  fnv.Add(pool.state());
  fnv.Add(pool.scan().function());
  fnv.Add(pool.scan().state());
  fnv.AddOptional(facts.data_errors.has_value(), facts.data_errors.value_or(0));
  fnv.Add(static_cast<uint64_t>(pool.errors().files_size()));
  ForEachLeaf(pool, [&](const v1::Vdev& leaf) {
    fnv.Add(leaf.name());
    fnv.Add(leaf.state());
    fnv.AddOptional(leaf.has_read_errors(), leaf.read_errors());
    fnv.AddOptional(leaf.has_write_errors(), leaf.write_errors());
    fnv.AddOptional(leaf.has_checksum_errors(), leaf.checksum_errors());
    if (leaf.has_read_errors() || leaf.has_write_errors() || leaf.has_checksum_errors()) {
      facts.device_errors = facts.device_errors.value_or(0) + LeafErrors(leaf);
    }
    if (leaf.state() != "ONLINE") ++facts.bad_devices;
  });
  facts.disk_classes = absl::StrJoin(ScrubClasses(pool), ",");
  facts.health = fnv.value();
  facts.needs_attention = pool.state() != "ONLINE" || facts.data_errors.value_or(0) > 0 ||
                          facts.device_errors.value_or(0) > 0 || facts.bad_devices > 0;
  return facts;
}

std::string DescribePoolChange(const std::optional<v1::Pool>& before, const v1::Pool& after) {
  std::vector<std::string> parts;
  if (!before.has_value()) {
    parts.push_back(absl::StrCat("first seen ", after.state()));
  } else if (before->state() != after.state()) {
    parts.push_back(absl::StrCat("state ", before->state(), " → ", after.state()));
  }

  absl::flat_hash_map<std::string, const v1::Vdev*> old_leaves;
  if (before.has_value()) {
    ForEachLeaf(*before, [&](const v1::Vdev& leaf) { old_leaves.emplace(leaf.name(), &leaf); });
  }
  ForEachLeaf(after, [&](const v1::Vdev& leaf) {
    auto it = old_leaves.find(leaf.name());
    const v1::Vdev* old = it == old_leaves.end() ? nullptr : it->second;
    if (old != nullptr) old_leaves.erase(it);
    if (old == nullptr) {
      if (before.has_value())
        parts.push_back(absl::StrCat(leaf.name(), " added (", leaf.state(), ")"));
      if (LeafErrors(leaf) > 0) {
        parts.push_back(absl::StrCat(leaf.name(), " READ ", leaf.read_errors(), " WRITE ",
                                     leaf.write_errors(), " CKSUM ", leaf.checksum_errors()));
      }
      return;
    }
    if (old->state() != leaf.state()) {
      parts.push_back(absl::StrCat(leaf.name(), " ", old->state(), " → ", leaf.state()));
    }
    const struct {
      const char* label;
      bool had, has;
      uint64_t was, is;
    } counters[] = {
        {"READ", old->has_read_errors(), leaf.has_read_errors(), old->read_errors(),
         leaf.read_errors()},
        {"WRITE", old->has_write_errors(), leaf.has_write_errors(), old->write_errors(),
         leaf.write_errors()},
        {"CKSUM", old->has_checksum_errors(), leaf.has_checksum_errors(), old->checksum_errors(),
         leaf.checksum_errors()},
    };
    for (const auto& c : counters) {
      if (c.had == c.has && c.was == c.is) continue;
      parts.push_back(absl::StrCat(leaf.name(), " ", c.label, " ", Optional(c.had, c.was), " → ",
                                   Optional(c.has, c.is)));
    }
  });
  std::vector<std::string> removed;
  for (const auto& [name, vdev] : old_leaves) removed.push_back(name);
  std::sort(removed.begin(), removed.end());
  for (const std::string& name : removed) parts.push_back(absl::StrCat(name, " removed"));

  const std::optional<uint64_t> was = before.has_value() ? DataErrors(*before) : std::nullopt;
  const std::optional<uint64_t> is = DataErrors(after);
  if (was != is && (was.value_or(0) != 0 || is.value_or(0) != 0)) {
    parts.push_back(absl::StrCat("data errors ", was.has_value() ? absl::StrCat(*was) : "?", " → ",
                                 is.has_value() ? absl::StrCat(*is) : "?"));
  }
  if (std::string scan = DescribeScan(before, after.scan()); !scan.empty()) {
    parts.push_back(std::move(scan));
  }
  return absl::StrJoin(parts, "; ");
}

std::vector<std::string> ScrubClasses(const v1::Pool& pool) {
  std::set<std::string> classes;
  ForEachLeaf(pool, [&](const v1::Vdev& leaf) {
    // A cache device holds no pool data; a spare waiting in "spares" is not read by a scrub.
    if (leaf.role() == "cache" || leaf.role() == "spare") return;
    if (leaf.disk().has_class_()) classes.insert(leaf.disk().class_());
  });
  return {classes.begin(), classes.end()};
}

std::vector<std::string> SplitDiskClasses(absl::string_view joined) {
  return absl::StrSplit(joined, ',', absl::SkipEmpty());
}

bool IsActiveScanState(absl::string_view state) { return state == "scanning" || state == "paused"; }

v1::Pool MaterialView(const v1::Pool& pool) {
  v1::Pool m = pool;
  m.clear_size_bytes();
  m.clear_allocated_bytes();
  m.clear_free_bytes();
  m.clear_fragmentation_percent();
  m.clear_capacity_percent();
  v1::Scan& scan = *m.mutable_scan();
  if (IsActiveScanState(scan.state())) {
    scan.clear_percent_done();
    scan.clear_bytes_scanned();
    scan.clear_bytes_issued();
    scan.clear_bytes_total();
    scan.clear_bytes_repaired();
    scan.clear_scan_rate_bytes_per_s();
    scan.clear_seconds_to_go();
  }
  return m;
}

v1::Disk LeafDisk(const std::string& host_id, const std::string& pool, const v1::Vdev& leaf) {
  v1::Disk disk;
  disk.set_host_id(host_id);
  disk.set_pool(pool);
  disk.set_vdev(leaf.name());
  disk.set_path(leaf.path());
  disk.set_state(leaf.state());
  *disk.mutable_identity() = leaf.disk();
  if (leaf.has_read_errors()) disk.set_read_errors(leaf.read_errors());
  if (leaf.has_write_errors()) disk.set_write_errors(leaf.write_errors());
  if (leaf.has_checksum_errors()) disk.set_checksum_errors(leaf.checksum_errors());
  return disk;
}

}  // namespace zfleet
