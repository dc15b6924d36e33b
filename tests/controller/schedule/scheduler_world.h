// Test helpers for the scheduler tests: a small fleet and a compact view of the actions.
#ifndef ZFLEET_TESTS_CONTROLLER_SCHEDULE_SCHEDULER_WORLD_H_
#define ZFLEET_TESTS_CONTROLLER_SCHEDULE_SCHEDULER_WORLD_H_

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "controller/schedule/scheduler.h"

namespace zfleet::controller {

// 2026-11-03 is a Tuesday.
inline absl::Time At(int day, int hour, int minute = 0) {
  return absl::FromCivil(absl::CivilSecond(2026, 11, day, hour, minute, 0), absl::UTCTimeZone());
}
inline const absl::Time kNow = At(3, 2);  // Tuesday 02:00 UTC
inline absl::Duration Days(double n) { return absl::Hours(24) * n; }
// The default tick: the plan counts a scrub as holding its slots that much longer than it
// runs, since the next one starts only at the scheduler's first tick after it ends.
inline const absl::Duration kTick = SchedulerPolicy().tick;

inline ScrubWindows Windows(const std::vector<std::string>& specs) {
  return *ScrubWindows::Parse(specs);
}

// A small fleet: host 0 and 1 in rack r07, host 2 unlabeled. Pool 0 (sata on host 0) is due
// since a day; the others are not due.
struct World {
  FleetSnapshot fleet;
  SchedulerPolicy policy;
  std::vector<RunningScrub> running;
  std::vector<ManualRequest> manual;

  World() {
    AddHost("h0", "r07");
    AddHost("h1", "r07");
    AddHost("h2", "");
    AddPool(0, "tank", DiskClass::kSata, 8);  // 0: due 1 day ago
    AddPool(0, "bulk", DiskClass::kSas, 1);   // 1
    AddPool(1, "tank", DiskClass::kSata, 1);  // 2
    AddPool(2, "fast", DiskClass::kNvme, 1);  // 3
  }
  void AddHost(const std::string& id, const std::string& rack) {
    HostSnapshot h;
    h.id = id;
    if (!rack.empty()) h.labels["rack"] = rack;
    h.load1 = 1.0;
    fleet.hosts.push_back(h);
  }
  size_t AddPool(size_t host, const std::string& name, DiskClass cls, double age_days) {
    PoolSnapshot p;
    p.host = host;
    p.name = name;
    p.disk_class = cls;
    p.last_scrub_start = kNow - Days(age_days);
    p.last_scrub_end = kNow - Days(age_days) + absl::Hours(5);
    p.first_seen = kNow - Days(100);
    fleet.pools.push_back(p);
    return fleet.pools.size() - 1;
  }
  void Run(size_t pool, ScrubTrigger trigger = ScrubTrigger::kScheduled,
           RunState state = RunState::kRunning) {
    running.push_back({pool, trigger, state, kNow - absl::Hours(1), kNow - absl::Minutes(1)});
  }
  Decision Decide(absl::Time now = kNow) const {
    return controller::Decide(now, fleet, policy, running, manual);
  }
};

// "start:0:due" style summary of the actions, in order.
inline std::vector<std::string> Actions(const Decision& d) {
  std::vector<std::string> out;
  for (const Action& a : d.actions) {
    out.push_back(absl::StrCat(ActionKindName(a.kind), ":", a.pool, ":", a.reason));
  }
  return out;
}

// `pools` SATA pools, one per host, all in rack r1, each due at `due` and scrubbing for
// `hours` (size at the pool's own rate).
inline FleetSnapshot OneRack(int pools, absl::Time due, double hours) {
  FleetSnapshot fleet;
  for (int i = 0; i < pools; ++i) {
    HostSnapshot h;
    h.id = absl::StrCat("h", i);
    h.labels["rack"] = "r1";
    fleet.hosts.push_back(h);
    PoolSnapshot p;
    p.host = static_cast<size_t>(i);
    p.name = "tank";
    p.disk_class = DiskClass::kSata;
    p.last_scrub_start = due - Days(7);
    p.last_scrub_end = due - Days(7) + absl::Hours(hours);
    p.size_bytes = hours * 3600 * 100e6;
    p.scan_bytes_per_s = 100e6;
    fleet.pools.push_back(p);
  }
  return fleet;
}

}  // namespace zfleet::controller

#endif  // ZFLEET_TESTS_CONTROLLER_SCHEDULE_SCHEDULER_WORLD_H_
