// Synthetic fleets for the benchmarks: 4 pools per host (2 sata, 1 sas, 1 nvme), 40 hosts
// per rack, last scrubs spread over each class's interval, a few never scrubbed.
#ifndef ZFLEET_TESTS_BENCH_BENCH_FLEET_H_
#define ZFLEET_TESTS_BENCH_BENCH_FLEET_H_

#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "controller/config/controller_config.h"
#include "tests/testing/windowed_policy.h"
#include "tools/sim/sim_fleet.h"

namespace zfleet::bench {

inline controller::SimFleet MakeBenchFleet(int hosts) {
  controller::SimFleet fleet;
  fleet.hosts.reserve(hosts);
  for (int h = 0; h < hosts; ++h) {
    controller::SimHost host;
    host.name = absl::StrFormat("h%06d", h);
    host.labels["rack"] = absl::StrFormat("r%04d", h / 40);
    host.load = h % 97 == 0 ? 12.0 : 1.0;  // about 1% of hosts too busy to scrub
    struct Spec {
      const char* name;
      DiskClass cls;
      double size;
      double rate;
      int interval_days;
    };
    const Spec specs[] = {{"tank0", DiskClass::kSata, 8e12, 400e6, 7},
                          {"tank1", DiskClass::kSata, 4e12, 300e6, 7},
                          {"bulk", DiskClass::kSas, 16e12, 600e6, 30},
                          {"fast", DiskClass::kNvme, 4e12, 2e9, 30}};
    for (int p = 0; p < 4; ++p) {
      controller::SimPool pool;
      pool.name = specs[p].name;
      pool.disk_class = specs[p].cls;
      pool.size_bytes = specs[p].size;
      pool.scan_bytes_per_s = specs[p].rate;
      int seed = h * 4 + p;
      if (seed % 50 != 0) {  // 2% never scrubbed
        pool.last_scrub_age_days = (seed * 7919 % (specs[p].interval_days * 100)) / 100.0;
      }
      host.pools.push_back(pool);
    }
    fleet.hosts.push_back(std::move(host));
  }
  return fleet;
}

// The policy (windows, per-host and per-rack caps), sized for a fleet of this many
// hosts.
inline controller::ControllerConfig MakeBenchPolicy() {
  auto config = controller::ParseControllerConfig(testing::WindowedPolicyToml(2000, 8), "bench.toml");
  if (!config.ok()) {
    std::fprintf(stderr, "bench policy: %s\n", std::string(config.status().message()).c_str());
    std::abort();
  }
  return *config;
}

}  // namespace zfleet::bench

#endif  // ZFLEET_TESTS_BENCH_BENCH_FLEET_H_
