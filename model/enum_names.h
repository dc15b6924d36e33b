// The names of the wire enums as JSON output, the CLI and the database spell them
// ("critical", "running", "manual"), and setters that keep a message's enum and its name
// field (read by clients older than the enum) in step. Pure.
#ifndef ZFLEET_MODEL_ENUM_NAMES_H_
#define ZFLEET_MODEL_ENUM_NAMES_H_

#include <optional>

#include "absl/strings/string_view.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet {

// "info", "warning", "critical"; "" for SEVERITY_UNSPECIFIED.
absl::string_view SeverityName(v1::Severity severity);
// The inverse; nullopt for any other text.
std::optional<v1::Severity> ParseSeverity(absl::string_view name);

// "requested", "running", "finished", "canceled", "failed"; "" for unspecified.
absl::string_view RunStateName(v1::ScrubRunState state);
std::optional<v1::ScrubRunState> ParseRunState(absl::string_view name);

// "manual", "scheduled", "external", "agent"; "" for unspecified.
absl::string_view TriggerName(v1::ScrubTrigger trigger);
std::optional<v1::ScrubTrigger> ParseTrigger(absl::string_view name);

// Set the enum field and its name field together.
void SetSeverity(v1::Event& event, v1::Severity severity);
void SetSeverity(v1::TriageItem& item, v1::Severity severity);
void SetRunState(v1::ScrubRun& run, v1::ScrubRunState state);
void SetTrigger(v1::ScrubRun& run, v1::ScrubTrigger trigger);

// The enum of a message from any controller: the field when set, else parsed from the name
// an older controller sent (UNSPECIFIED when neither says).
v1::Severity SeverityOf(const v1::Event& event);
v1::Severity SeverityOf(const v1::TriageItem& item);
v1::ScrubRunState RunStateOf(const v1::ScrubRun& run);
v1::ScrubTrigger TriggerOf(const v1::ScrubRun& run);

// RUN_REQUESTED or RUN_RUNNING.
bool IsOpen(v1::ScrubRunState state);
// RUN_FINISHED, RUN_CANCELED or RUN_FAILED.
bool IsEnded(v1::ScrubRunState state);

}  // namespace zfleet

#endif  // ZFLEET_MODEL_ENUM_NAMES_H_
