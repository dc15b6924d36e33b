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
#include "cli/render_options.h"

namespace zfleet::cli {

// One run's arguments after checking: the raw flags plus their parsed forms.
struct Invocation {
  Flags flags;
  PoolRef ref;                     // pool, history, scrub
  absl::Time since;                // events
  std::string min_severity;        // events: "", info, warning, critical
  std::vector<int64_t> event_ids;  // ack: positive, no duplicates
  std::string user;                // ack: who acknowledges; never empty
  RenderOptions render;            // colour is already off for --json
};

// A command: one or more calls on `api`, then the rendered result.
using Runner = CliResult (*)(FleetApi& api, const Invocation& in);

CliResult RunStatus(FleetApi& api, const Invocation& in);
CliResult RunHosts(FleetApi& api, const Invocation& in);
CliResult RunPools(FleetApi& api, const Invocation& in);
CliResult RunPool(FleetApi& api, const Invocation& in);
CliResult RunHistory(FleetApi& api, const Invocation& in);
CliResult RunScrub(FleetApi& api, const Invocation& in);
CliResult RunSchedule(FleetApi& api, const Invocation& in);
CliResult RunEvents(FleetApi& api, const Invocation& in);
CliResult RunAck(FleetApi& api, const Invocation& in);
CliResult RunTriage(FleetApi& api, const Invocation& in);
CliResult RunDisks(FleetApi& api, const Invocation& in);

// kExitUsage with "zfleet: <why>; run 'zfleet --help'" (newlines in `why` become "; ").
CliResult UsageResult(absl::string_view why);
// kExitFailure with "zfleet: <why>" on one line, and `out` (e.g. a partial result).
CliResult FailureResult(absl::string_view why, std::string out = "");
// kExitOk with the text, or FailureResult with the error's message.
CliResult OutputResult(absl::StatusOr<std::string> out);

}  // namespace zfleet::cli

#endif  // ZFLEET_CLI_COMMAND_RUNNERS_H_
