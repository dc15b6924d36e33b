// zfleet-sim's shell: reads the policy and fleet files, runs the scheduler and the cron
// baseline, prints the report and writes the trace. The clock is read only by main.
#ifndef ZFLEET_TOOLS_SIM_SIM_APP_H_
#define ZFLEET_TOOLS_SIM_SIM_APP_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "tools/sim/simulator.h"

namespace zfleet::controller {

struct SimFlags {
  std::string policy;  // controller.toml; empty = defaults
  std::string fleet;   // fleet.json (required)
  int days = 0;        // 1 to 3650
  uint64_t seed = 1;
  double jitter = 0;  // 0 to 0.9
  std::string start;  // RFC 3339; empty = the coming Monday 00:00 UTC after `now`
  std::string trace;  // CSV path; empty = none
  bool json = false;
  std::vector<std::string> outages;  // "CLASS:FROM/TO" each (ParseSimOutage)
};

// "sata:2026-11-09T00:00:00Z/2026-12-09T00:00:00Z" or, relative to the simulation's
// `start`, "sata:7d/37d": the class's windows closed from FROM to TO. InvalidArgument
// "--outage \"TEXT\": why" for an unknown class, a bad time or TO not after FROM.
absl::StatusOr<SimOutage> ParseSimOutage(absl::string_view text, absl::Time start);

// Returns the exit code: 0, or 1 after one line "zfleet-sim: reason" on stderr.
int RunSim(const SimFlags& flags, absl::Time now);

}  // namespace zfleet::controller

#endif  // ZFLEET_TOOLS_SIM_SIM_APP_H_
