#include "controller/schedule/scheduler_policy.h"

namespace zfleet::controller {
namespace {

constexpr absl::string_view kClassNames[kDiskClassCount] = {"sata", "scsi", "usb",  "unknown",
                                                            "sas",  "fc",   "nvme", "virtual"};

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
  return classes;
}

DiskClass ShortestIntervalClass(const std::vector<std::string>& classes,
                                const SchedulerPolicy& policy) {
  std::optional<DiskClass> best;
  for (const std::string& name : classes) {
    const DiskClass c = DiskClassOrUnknown(name);
    if (!best.has_value() || policy.For(c).interval < policy.For(*best).interval) best = c;
  }
  return best.value_or(DiskClass::kUnknown);
}

}  // namespace zfleet::controller
