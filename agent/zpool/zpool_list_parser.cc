#include "agent/zpool/zpool_list_parser.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "agent/zpool/size_units.h"

namespace zfleet::agent {
namespace {

// Where each fact sits for a given column count; -1 = the layout has no such column.
struct Layout {
  size_t fields;
  int frag;
  int cap;
  int health;
};

constexpr Layout kLayouts[] = {
    // NAME SIZE ALLOC FREE CAP DEDUP HEALTH ALTROOT (legacy, zfs-fuse)
    {8, -1, 4, 6},
    // NAME SIZE ALLOC FREE EXPANDSZ FRAG CAP DEDUP HEALTH ALTROOT (OpenZFS 0.6/0.7)
    {10, 5, 6, 8},
    // NAME SIZE ALLOC FREE CKPOINT EXPANDSZ FRAG CAP DEDUP HEALTH ALTROOT (OpenZFS 0.8+)
    {11, 6, 7, 9},
};

absl::Status BadLine(absl::string_view line, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("zpool list: ", why, ": \"", line, "\""));
}

// A size column: "-" is absent; anything else must parse.
absl::Status ParseSize(absl::string_view field, absl::string_view line,
                       std::optional<uint64_t>& out) {
  if (field == "-") return absl::OkStatus();
  out = ParseZpoolNumber(field);
  if (!out) return BadLine(line, absl::StrCat("bad size \"", field, "\""));
  return absl::OkStatus();
}

// A percent column: "14%" (human) or "14" (-p); "-" is absent.
absl::Status ParsePercent(absl::string_view field, absl::string_view line,
                          std::optional<uint32_t>& out) {
  if (field == "-") return absl::OkStatus();
  absl::string_view digits = field;
  absl::ConsumeSuffix(&digits, "%");
  uint32_t value = 0;
  if (digits.empty() || !absl::ascii_isdigit(static_cast<unsigned char>(digits[0])) ||
      !absl::SimpleAtoi(digits, &value)) {
    return BadLine(line, absl::StrCat("bad percent \"", field, "\""));
  }
  out = value;
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<PoolListEntry>> ParseZpoolList(absl::string_view text) {
  std::vector<PoolListEntry> entries;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    absl::ConsumeSuffix(&line, "\r");
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    const std::vector<absl::string_view> fields = absl::StrSplit(line, '\t');
    const Layout* layout = nullptr;
    for (const Layout& candidate : kLayouts) {
      if (candidate.fields == fields.size()) layout = &candidate;
    }
    if (layout == nullptr) {
      return BadLine(line, absl::StrCat("unknown layout of ", fields.size(), " fields"));
    }
    if (fields[0].empty()) return BadLine(line, "empty pool name");

    PoolListEntry entry;
    entry.name = std::string(fields[0]);
    absl::Status status = ParseSize(fields[1], line, entry.size_bytes);
    if (status.ok()) status = ParseSize(fields[2], line, entry.allocated_bytes);
    if (status.ok()) status = ParseSize(fields[3], line, entry.free_bytes);
    if (status.ok() && layout->frag >= 0) {
      status = ParsePercent(fields[layout->frag], line, entry.fragmentation_percent);
    }
    if (status.ok()) status = ParsePercent(fields[layout->cap], line, entry.capacity_percent);
    if (!status.ok()) return status;
    entry.health = std::string(fields[layout->health]);
    entries.push_back(std::move(entry));
  }
  return entries;
}

void ApplyListEntry(const PoolListEntry& entry, v1::Pool& pool) {
  // Cleared first, so that a pool never keeps a figure `zpool list` no longer states.
  pool.clear_size_bytes();
  pool.clear_allocated_bytes();
  pool.clear_free_bytes();
  pool.clear_fragmentation_percent();
  pool.clear_capacity_percent();
  if (entry.size_bytes) pool.set_size_bytes(*entry.size_bytes);
  if (entry.allocated_bytes) pool.set_allocated_bytes(*entry.allocated_bytes);
  if (entry.free_bytes) pool.set_free_bytes(*entry.free_bytes);
  if (entry.fragmentation_percent) pool.set_fragmentation_percent(*entry.fragmentation_percent);
  if (entry.capacity_percent) pool.set_capacity_percent(*entry.capacity_percent);
  pool.set_health(entry.health);
}

}  // namespace zfleet::agent
