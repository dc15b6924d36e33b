// The scheduler's invariants on a simulated run, checked by brute force on its segments:
// every scrub segment starts inside its class's windows (outages closing them), and at no
// start does any cap (fleet, host, each capped label value) hold more scrubs than it allows.
#ifndef ZFLEET_TESTS_TOOLS_SIM_SIM_INVARIANTS_H_
#define ZFLEET_TESTS_TOOLS_SIM_SIM_INVARIANTS_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "controller/schedule/scheduler_policy.h"
#include "gtest/gtest.h"
#include "tools/sim/simulator.h"

namespace zfleet::controller {

inline void ExpectCapsAndWindowsHold(const SimFleet& fleet, const SchedulerPolicy& policy,
                                     const SimOptions& options, const SimRun& run) {
  std::vector<std::pair<const SimHost*, const SimPool*>> flat;
  for (const SimHost& h : fleet.hosts) {
    for (const SimPool& p : h.pools) flat.emplace_back(&h, &p);
  }
  for (const SimSegment& s : run.segments) {
    ASSERT_LT(s.pool, flat.size());
    ASSERT_TRUE(
        PolicyAt(policy, options, s.start).WindowOpen(flat[s.pool].second->disk_class, s.start))
        << "scrub " << s.scrub_id << " started outside its window at " << s.start;
    int fleet_count = 0;
    std::map<const SimHost*, int> per_host;
    std::map<std::pair<std::string, std::string>, int> per_label;  // (key, value) → scrubs
    for (const SimSegment& o : run.segments) {
      if (!(o.start <= s.start && s.start < o.end)) continue;
      const SimHost* host = flat[o.pool].first;
      ++fleet_count;
      ++per_host[host];
      for (const auto& [key, cap] : policy.max_per_label) {
        if (auto it = host->labels.find(key); it != host->labels.end()) {
          ++per_label[{key, it->second}];
        }
      }
    }
    ASSERT_LE(fleet_count, policy.max_concurrent) << s.start;
    for (const auto& [host, n] : per_host) ASSERT_LE(n, policy.max_per_host) << s.start;
    for (const auto& [key, cap] : policy.max_per_label) {
      for (const auto& [label, n] : per_label) {
        if (label.first != key) continue;
        ASSERT_LE(n, cap) << key << "=" << label.second << " at " << s.start;
      }
    }
  }
}

}  // namespace zfleet::controller

#endif  // ZFLEET_TESTS_TOOLS_SIM_SIM_INVARIANTS_H_
