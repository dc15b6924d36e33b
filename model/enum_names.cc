#include "model/enum_names.h"

#include <utility>

namespace zfleet {
namespace {

template <typename Enum, size_t N>
absl::string_view NameIn(const std::pair<Enum, absl::string_view> (&names)[N], Enum value) {
  for (const auto& [e, name] : names) {
    if (e == value) return name;
  }
  return "";
}

template <typename Enum, size_t N>
std::optional<Enum> ParseIn(const std::pair<Enum, absl::string_view> (&names)[N],
                            absl::string_view name) {
  for (const auto& [e, n] : names) {
    if (n == name) return e;
  }
  return std::nullopt;
}

constexpr std::pair<v1::Severity, absl::string_view> kSeverities[] = {
    {v1::SEVERITY_INFO, "info"},
    {v1::SEVERITY_WARNING, "warning"},
    {v1::SEVERITY_CRITICAL, "critical"},
};

constexpr std::pair<v1::ScrubRunState, absl::string_view> kRunStates[] = {
    {v1::RUN_REQUESTED, "requested"}, {v1::RUN_RUNNING, "running"}, {v1::RUN_FINISHED, "finished"},
    {v1::RUN_CANCELED, "canceled"},   {v1::RUN_FAILED, "failed"},
};

constexpr std::pair<v1::ScrubTrigger, absl::string_view> kTriggers[] = {
    {v1::TRIGGER_MANUAL, "manual"},
    {v1::TRIGGER_SCHEDULED, "scheduled"},
    {v1::TRIGGER_EXTERNAL, "external"},
    {v1::TRIGGER_AGENT, "agent"},
};

}  // namespace

absl::string_view SeverityName(v1::Severity severity) { return NameIn(kSeverities, severity); }
std::optional<v1::Severity> ParseSeverity(absl::string_view name) {
  return ParseIn(kSeverities, name);
}

absl::string_view RunStateName(v1::ScrubRunState state) { return NameIn(kRunStates, state); }
std::optional<v1::ScrubRunState> ParseRunState(absl::string_view name) {
  return ParseIn(kRunStates, name);
}

absl::string_view TriggerName(v1::ScrubTrigger trigger) { return NameIn(kTriggers, trigger); }
std::optional<v1::ScrubTrigger> ParseTrigger(absl::string_view name) {
  return ParseIn(kTriggers, name);
}

void SetSeverity(v1::Event& event, v1::Severity severity) {
  event.set_severity(severity);
  event.set_severity_name(std::string(SeverityName(severity)));
}

void SetSeverity(v1::TriageItem& item, v1::Severity severity) {
  item.set_severity(severity);
  item.set_severity_name(std::string(SeverityName(severity)));
}

void SetRunState(v1::ScrubRun& run, v1::ScrubRunState state) {
  run.set_state(state);
  run.set_state_name(std::string(RunStateName(state)));
}

void SetTrigger(v1::ScrubRun& run, v1::ScrubTrigger trigger) {
  run.set_trigger(trigger);
  run.set_trigger_name(std::string(TriggerName(trigger)));
}

v1::Severity SeverityOf(const v1::Event& event) {
  if (event.severity() != v1::SEVERITY_UNSPECIFIED) return event.severity();
  return ParseSeverity(event.severity_name()).value_or(v1::SEVERITY_UNSPECIFIED);
}

v1::Severity SeverityOf(const v1::TriageItem& item) {
  if (item.severity() != v1::SEVERITY_UNSPECIFIED) return item.severity();
  return ParseSeverity(item.severity_name()).value_or(v1::SEVERITY_UNSPECIFIED);
}

v1::ScrubRunState RunStateOf(const v1::ScrubRun& run) {
  if (run.state() != v1::SCRUB_RUN_STATE_UNSPECIFIED) return run.state();
  return ParseRunState(run.state_name()).value_or(v1::SCRUB_RUN_STATE_UNSPECIFIED);
}

v1::ScrubTrigger TriggerOf(const v1::ScrubRun& run) {
  if (run.trigger() != v1::SCRUB_TRIGGER_UNSPECIFIED) return run.trigger();
  return ParseTrigger(run.trigger_name()).value_or(v1::SCRUB_TRIGGER_UNSPECIFIED);
}

bool IsOpen(v1::ScrubRunState state) {
  return state == v1::RUN_REQUESTED || state == v1::RUN_RUNNING;
}

bool IsEnded(v1::ScrubRunState state) {
  return state == v1::RUN_FINISHED || state == v1::RUN_CANCELED || state == v1::RUN_FAILED;
}

}  // namespace zfleet
