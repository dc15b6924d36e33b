#include "model/scan_watch.h"

namespace zfleet {

const char* ScrubConcernKindName(ScrubConcern::Kind kind) {
  return kind == ScrubConcern::Kind::kOverdue ? "overdue" : "stalled";
}

std::optional<ScrubConcern::Kind> ParseScrubConcernKind(const std::string& name) {
  if (name == "overdue") return ScrubConcern::Kind::kOverdue;
  if (name == "stalled") return ScrubConcern::Kind::kStalled;
  return std::nullopt;
}

}  // namespace zfleet
