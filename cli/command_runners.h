// The commands behind RunCli, one function each, and what they share. Internal to the
// CLI: RunCli checks every argument first, then calls exactly one runner.
#ifndef ZFLEET_CLI_COMMAND_RUNNERS_H_
#define ZFLEET_CLI_COMMAND_RUNNERS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "cli/command_line.h"
#include "cli/commands.h"
#include "cli/fleet_client.h"
#include "cli/pool_ref.h"
#include "cli/render/render_options.h"

namespace zfleet::cli {

// One run's arguments after checking: the raw flags plus their parsed forms.
struct Invocation {
  Flags flags;
  PoolRef ref;                       // pool, history, scrub
  absl::Time since;                  // events, audit
  std::string min_severity;          // events: "", info, warning, critical
  std::vector<int64_t> event_ids;    // ack: incident (or event) ids, positive, no duplicates
  std::string user;                  // ack: who acknowledges on plaintext; never empty
  RenderOptions render;              // colour is already off for --json
  const Environment* env = nullptr;  // the world, for the commands that wait (never null)
  absl::Duration interval;           // watch: positive
};

// A command: one or more calls on `api`, then the rendered result.
using Runner = CliResult (*)(FleetApi& api, const Invocation& in);

// Most commands: the rendered answer to their calls on `api`, or the first call's error.
// Each is made a Runner by RunOutput below.
using Output = absl::StatusOr<std::string> (*)(FleetApi& api, const Invocation& in);

// pool_commands.cc
absl::StatusOr<std::string> StatusOutput(FleetApi& api, const Invocation& in);
absl::StatusOr<std::string> HostsOutput(FleetApi& api, const Invocation& in);
absl::StatusOr<std::string> PoolsOutput(FleetApi& api, const Invocation& in);
absl::StatusOr<std::string> PoolOutput(FleetApi& api, const Invocation& in);
absl::StatusOr<std::string> HistoryOutput(FleetApi& api, const Invocation& in);
absl::StatusOr<std::string> ScrubOutput(FleetApi& api, const Invocation& in);
absl::StatusOr<std::string> ScheduleOutput(FleetApi& api, const Invocation& in);
// event_commands.cc
absl::StatusOr<std::string> EventsOutput(FleetApi& api, const Invocation& in);
absl::StatusOr<std::string> TriageOutput(FleetApi& api, const Invocation& in);
absl::StatusOr<std::string> IncidentsOutput(FleetApi& api, const Invocation& in);
absl::StatusOr<std::string> DisksOutput(FleetApi& api, const Invocation& in);
// admin_commands.cc
absl::StatusOr<std::string> WhoAmIOutput(FleetApi& api, const Invocation& in);
absl::StatusOr<std::string> AuditOutput(FleetApi& api, const Invocation& in);
// REQUIRES: flags.forget_host checked and flags.yes (RunCli refuses the run otherwise).
absl::StatusOr<std::string> ForgetOutput(FleetApi& api, const Invocation& in);
absl::StatusOr<std::string> CancelQueuedOutput(FleetApi& api, const Invocation& in);
// `ack` is a Runner of its own: it prints what it acknowledged even when unknown ids
// fail the run.
CliResult RunAck(FleetApi& api, const Invocation& in);
// `scrub`: ScrubOutput, or with --wait the request, then the run followed until it ends
// (scrub_wait.cc).
CliResult RunScrub(FleetApi& api, const Invocation& in);
// `watch`: status or triage drawn every in.interval (watch.cc).
CliResult RunWatch(FleetApi& api, const Invocation& in);

// kExitUsage with "zfleet: <why>; run 'zfleet --help'" (newlines in `why` become "; ").
CliResult UsageResult(absl::string_view why);
// kExitFailure with "zfleet: <why>" on one line, and `out` (e.g. a partial result).
CliResult FailureResult(absl::string_view why, std::string out = "");
// kExitOk with the text, or FailureResult with the error's message.
CliResult OutputResult(absl::StatusOr<std::string> out);

// The Runner of an Output: OutputResult of what it returns.
template <Output output>
CliResult RunOutput(FleetApi& api, const Invocation& in) {
  return OutputResult(output(api, in));
}

}  // namespace zfleet::cli

#endif  // ZFLEET_CLI_COMMAND_RUNNERS_H_
