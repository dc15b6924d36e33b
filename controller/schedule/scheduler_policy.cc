#include "controller/schedule/scheduler_policy.h"

namespace zfleet::controller {

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

}  // namespace zfleet::controller
