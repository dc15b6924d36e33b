#include "schedule_policy/scrub_cadence.h"

#include <algorithm>

namespace zfleet {
namespace {

constexpr absl::string_view kClassNames[kDiskClassCount] = {"sata", "scsi", "usb",  "unknown",
                                                            "sas",  "fc",   "nvme", "virtual"};

uint64_t Fnv1a(absl::string_view a, char sep, absl::string_view b) {
  uint64_t h = 14695981039346656037ull;
  auto mix = [&h](char c) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  };
  for (char c : a) mix(c);
  mix(sep);
  for (char c : b) mix(c);
  return h;
}

}  // namespace

absl::string_view DiskClassName(DiskClass c) { return kClassNames[static_cast<int>(c)]; }

std::optional<DiskClass> ParseDiskClass(absl::string_view name) {
  for (int i = 0; i < kDiskClassCount; ++i) {
    if (name == kClassNames[i]) return static_cast<DiskClass>(i);
  }
  return std::nullopt;
}

DiskClass DiskClassOrUnknown(absl::string_view name) {
  return ParseDiskClass(name).value_or(DiskClass::kUnknown);
}

absl::string_view WindowEndActionName(WindowEndAction a) {
  switch (a) {
    case WindowEndAction::kPause:
      return "pause";
    case WindowEndAction::kStop:
      return "stop";
    case WindowEndAction::kContinue:
      return "continue";
  }
  return "pause";
}

std::optional<WindowEndAction> ParseWindowEndAction(absl::string_view name) {
  if (name == "pause") return WindowEndAction::kPause;
  if (name == "stop") return WindowEndAction::kStop;
  if (name == "continue") return WindowEndAction::kContinue;
  return std::nullopt;
}

std::array<ClassPolicy, kDiskClassCount> DefaultClassPolicies() {
  std::array<ClassPolicy, kDiskClassCount> classes;
  for (DiskClass weekly :
       {DiskClass::kSata, DiskClass::kScsi, DiskClass::kUsb, DiskClass::kUnknown}) {
    classes[static_cast<int>(weekly)].interval = absl::Hours(24 * 7);
  }
  for (DiskClass monthly :
       {DiskClass::kSas, DiskClass::kFc, DiskClass::kNvme, DiskClass::kVirtual}) {
    classes[static_cast<int>(monthly)].interval = absl::Hours(24 * 30);
  }
  classes[static_cast<int>(DiskClass::kSas)].scrub_bytes_per_s = 400e6;
  classes[static_cast<int>(DiskClass::kFc)].scrub_bytes_per_s = 400e6;
  classes[static_cast<int>(DiskClass::kNvme)].scrub_bytes_per_s = 1.5e9;
  return classes;
}

bool ScrubCadence::Skips(absl::string_view state) const {
  return std::find(skip_states.begin(), skip_states.end(), state) != skip_states.end();
}

DiskClass ShortestIntervalClass(const std::vector<std::string>& classes,
                                const ScrubCadence& cadence) {
  std::optional<DiskClass> best;
  for (const std::string& name : classes) {
    const DiskClass c = DiskClassOrUnknown(name);
    if (!best.has_value() || cadence.For(c).interval < cadence.For(*best).interval) best = c;
  }
  return best.value_or(DiskClass::kUnknown);
}

absl::Duration SpreadOffset(absl::string_view host_id, absl::string_view pool_name,
                            absl::Duration interval) {
  int64_t seconds = absl::ToInt64Seconds(interval);
  if (seconds <= 0) return absl::ZeroDuration();
  return absl::Seconds(
      static_cast<int64_t>(Fnv1a(host_id, '/', pool_name) % static_cast<uint64_t>(seconds)));
}

absl::Time ScrubDueTime(const PoolScrubHistory& pool, absl::Duration interval) {
  if (pool.last_scrub_start) return *pool.last_scrub_start + interval;
  if (pool.last_scrub_end) return *pool.last_scrub_end + interval;
  return pool.first_seen + SpreadOffset(pool.host_id, pool.pool, interval);
}

}  // namespace zfleet
