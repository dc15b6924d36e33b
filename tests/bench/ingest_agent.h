// The real zfleet-agent as a fleet runs it, measured the way ingest_bench measures its
// servers: on a fake host of FleetShape's pools and disks (tests/testing/fake_zpool.sh
// printing them as OpenZFS 2.1 does), with its default agent.toml (zpool read every 10 s),
// reporting to the bench's controller at the interval the controller sets (30 s by default).
#ifndef ZFLEET_TESTS_BENCH_INGEST_AGENT_H_
#define ZFLEET_TESTS_BENCH_INGEST_AGENT_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tests/bench/ingest_fleet.h"

namespace zfleet::bench {

struct AgentFigures {
  double seconds = 0;        // measured: from the agent's start to the last sample
  double cpu_seconds = 0;    // its own user + system (not its zpool children's)
  double rss_mb = 0;         // VmRSS at the end
  double anon_rss_mb = 0;    // of which its own memory (RssAnon)
  double file_rss_mb = 0;    // and pages of its binary and libraries (RssFile)
  double peak_rss_mb = 0;    // VmHWM
  double median_rss_mb = 0;  // of the once-a-second samples
  // The controller's view at the end: pools of the host, and seconds since its last report
  // (-1 when the controller does not know the host).
  int pools_seen = 0;
  double last_seen_ago = -1;
};

// Runs `agent_bin` as host "bench-agent" against the plaintext controller at `address` for
// `run_for`, sampling /proc every second; its files (fake zpool, state dir, log) go under
// `dir`, which must exist. Returns Unavailable, with the last line of its log, when the
// agent does not start or exits early.
absl::StatusOr<AgentFigures> MeasureAgent(const std::string& agent_bin, const std::string& address,
                                          const FleetShape& shape, const std::string& dir,
                                          absl::Duration run_for);

void PrintAgentFigures(const AgentFigures& f, const FleetShape& shape);

}  // namespace zfleet::bench

#endif  // ZFLEET_TESTS_BENCH_INGEST_AGENT_H_
