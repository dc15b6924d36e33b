// What the controller watches about scans: a running scan's progress (to tell a stalled one)
// and the pools whose scrub is stalled or overdue.
#ifndef ZFLEET_MODEL_SCAN_WATCH_H_
#define ZFLEET_MODEL_SCAN_WATCH_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/time/time.h"

namespace zfleet {

// A running or paused scan, and when its progress last moved.
struct ScanProgress {
  std::string function;               // scrub, resilver
  std::optional<int64_t> start_time;  // as zpool reported it (unix seconds)
  double progress = 0;                // bytes issued, else scanned, else percent done
  std::optional<double> percent_done;
  bool paused = false;
  absl::Time progressed_at;
};

struct ScanProgressRecord {
  std::string host_id;
  std::string pool;
  ScanProgress progress;
};

// A pool whose scrub is overdue or stalled (found by the controller's tick).
struct ScrubConcern {
  enum class Kind : uint8_t { kOverdue, kStalled };
  Kind kind = Kind::kOverdue;
  std::string host_id;
  std::string pool;
  absl::Time since;    // overdue: when it fell due; stalled: when progress last moved
  std::string detail;  // one line, e.g. "last scrub 2026-01-02T03:04:05Z, interval 7d"
};

// "overdue", "stalled".
const char* ScrubConcernKindName(ScrubConcern::Kind kind);
// The inverse; nullopt for any other text.
std::optional<ScrubConcern::Kind> ParseScrubConcernKind(const std::string& name);

}  // namespace zfleet

#endif  // ZFLEET_MODEL_SCAN_WATCH_H_
