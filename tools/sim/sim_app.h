// zfleet-sim's shell: reads the policy and fleet files, runs the scheduler and the cron
// baseline, prints the report and writes the trace. The clock is read only by main.
#ifndef ZFLEET_TOOLS_SIM_SIM_APP_H_
#define ZFLEET_TOOLS_SIM_SIM_APP_H_

#include <cstdint>
#include <string>

#include "absl/time/time.h"

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
};

// Returns the exit code: 0, or 1 after one line "zfleet-sim: reason" on stderr.
int RunSim(const SimFlags& flags, absl::Time now);

}  // namespace zfleet::controller

#endif  // ZFLEET_TOOLS_SIM_SIM_APP_H_
