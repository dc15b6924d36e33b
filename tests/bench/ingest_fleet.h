// Simulated agents for ingest_bench: each host's reports as zfleet-agent sends them, with
// its pools (raidz2 groups of identified SATA or SAS disks), host info and stack checks.
// Most reports repeat the host's previous one (only the sequence, times and load move, as
// an agent's periodic report does); a share of them change something material first: one
// disk's checksum counter rises, or a pool's scrub starts, moves or ends.
//
// A host keeps only what sets it apart (its number, sequence and the few changes it made),
// tens of bytes; its report (20 KB serialized at 4 x 24 disks, several times that as a
// message) is written on demand into a message the caller reuses from host to host. So
// 100,000 hosts take megabytes, not gigabytes, and writing into a warm message allocates
// next to nothing.
#ifndef ZFLEET_TESTS_BENCH_INGEST_FLEET_H_
#define ZFLEET_TESTS_BENCH_INGEST_FLEET_H_

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::bench {

struct FleetShape {
  int pools = 4;          // per host
  int disks = 24;         // per pool, in raidz2 groups of at most 12
  double changed = 0.01;  // share of reports that change something material
};

// What every simulated host of a run shares: its agents started at unix second `start`,
// and the instance and stream ids name `run`, so two runs never look like one agent.
struct Fleet {
  FleetShape shape;
  int64_t start = 0;
  std::string run;
};

// One simulated host. Not thread-safe: each host is driven by one thread at a time.
class SimulatedHost {
 public:
  // Host number `index` (host_id node00042.dc1).
  explicit SimulatedHost(int index) : index_(index) {}

  // Writes the next report at unix second `now` into `*report`: the previous one, changed
  // first with probability fleet.shape.changed (drawn from `rng`). Every field is
  // rewritten, so `*report` may hold any host's report of the same fleet, or nothing.
  void Next(const Fleet& fleet, int64_t now, std::mt19937_64& rng, v1::ReportRequest* report);

  // Writes the report last made by Next() as of `now`, with `load1`, without moving on
  // (before the first Next(): sequence 0).
  void Write(const Fleet& fleet, int64_t now, double load1, v1::ReportRequest* report) const;

  // Reports sent that changed something.
  int64_t changes() const { return changes_; }

 private:
  struct ScanChange {  // a pool's scan other than its initial finished scrub
    int pool = 0;
    bool scanning = false;
    double percent = 0;
    int64_t start_time = 0;
    int64_t end_time = 0;
  };
  struct DiskChange {  // a disk with checksum errors
    int pool = 0;
    int disk = 0;  // in the pool, counting across its raidz2 groups
    uint64_t checksum_errors = 0;
  };
  struct Changes {
    std::vector<ScanChange> scans;
    std::vector<DiskChange> disks;
  };

  void Change(const Fleet& fleet, int64_t now, std::mt19937_64& rng);

  int index_;
  uint64_t sequence_ = 0;
  int64_t changes_ = 0;
  std::unique_ptr<Changes> changed_;  // null until the host's first change, as for most
};

}  // namespace zfleet::bench

#endif  // ZFLEET_TESTS_BENCH_INGEST_FLEET_H_
