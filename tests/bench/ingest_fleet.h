// Simulated agents for ingest_bench: each host's reports as zfleet-agent sends them, with
// its pools (raidz2 groups of identified SATA or SAS disks), host info and stack checks.
// Most reports repeat the host's previous one (only the sequence, times and load move, as
// an agent's periodic report does); a share of them change something material first: one
// disk's checksum counter rises, or a pool's scrub starts, moves or ends.
#ifndef ZFLEET_TESTS_BENCH_INGEST_FLEET_H_
#define ZFLEET_TESTS_BENCH_INGEST_FLEET_H_

#include <cstdint>
#include <random>
#include <string>

#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::bench {

struct FleetShape {
  int pools = 4;          // per host
  int disks = 24;         // per pool, in raidz2 groups of at most 12
  double changed = 0.01;  // share of reports that change something material
};

// One simulated host. Not thread-safe: each host is driven by one thread.
class SimulatedHost {
 public:
  // Host number `index` (host_id node00042.dc1), its agent started at unix second `start`
  // (the instance and stream ids name `run`, so two runs never look like one agent).
  SimulatedHost(int index, const FleetShape& shape, int64_t start, const std::string& run);

  // The next report at unix second `now`: the previous one, changed first with probability
  // shape.changed (drawn from `rng`). The reference stays valid until the next call.
  const v1::ReportRequest& Next(int64_t now, std::mt19937_64& rng);

  // The report last returned by Next() (before the first call: without sequence and times).
  const v1::ReportRequest& report() const { return report_; }
  // Reports sent that changed something.
  int64_t changes() const { return changes_; }

 private:
  void Change(int64_t now, std::mt19937_64& rng);

  FleetShape shape_;
  v1::ReportRequest report_;
  int64_t changes_ = 0;
};

}  // namespace zfleet::bench

#endif  // ZFLEET_TESTS_BENCH_INGEST_FLEET_H_
