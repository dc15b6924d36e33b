// zfleet-sim: runs the fleet scheduler over a simulated fleet on a virtual clock and
// compares it with per-host cron.
#include <cstdio>

#include "CLI/CLI.hpp"
#include "common/clock.h"
#include "tools/sim/sim_app.h"

int main(int argc, char** argv) {
  zfleet::controller::SimFlags flags;
  CLI::App app{
      "zfleet-sim: runs the zfleet scrub scheduler over a simulated fleet on a "
      "virtual clock and prints its figures beside per-host cron's"};
  app.add_option("--policy", flags.policy, "controller.toml (default: built-in defaults)");
  app.add_option("--fleet", flags.fleet, "fleet.json: hosts, labels, load, pools")->required();
  app.add_option("--days", flags.days, "days to simulate (1 to 3650)")->required();
  app.add_option("--seed", flags.seed, "seed for --jitter")->capture_default_str();
  app.add_option("--jitter", flags.jitter,
                 "vary each scrub's rate by up to this fraction (0 to 0.9)")
      ->capture_default_str();
  app.add_option("--start", flags.start, "RFC 3339 start (default: the coming Monday 00:00 UTC)");
  app.add_option("--trace", flags.trace,
                 "write every running segment as CSV: scrub_id,host,pool,class,start,end "
                 "(UTC; empty end = still running at the end)");
  app.add_option("--outage", flags.outages,
                 "CLASS:FROM/TO: the class's windows closed from FROM to TO (RFC 3339, or a "
                 "duration after --start such as 7d); the scheduler is not told in advance; "
                 "repeatable");
  app.add_flag("--json", flags.json, "print one JSON document");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "zfleet-sim: %s (see --help)\n", e.what());
    return 2;
  }
  return zfleet::controller::RunSim(flags, zfleet::SystemClock::Get().Now());
}
