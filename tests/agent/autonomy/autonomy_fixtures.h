// Pools and policies for the autonomy tests: a fixed "now", pools of one disk class with a
// chosen last scrub, and the controller's AgentPolicy with the default cadence.
#ifndef ZFLEET_TESTS_AGENT_AUTONOMY_AUTONOMY_FIXTURES_H_
#define ZFLEET_TESTS_AGENT_AUTONOMY_AUTONOMY_FIXTURES_H_

#include <optional>
#include <string>
#include <utility>

#include "absl/time/time.h"
#include "agent/autonomy/autonomy_policy.h"
#include "tests/testing/pool_builders.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::agent::testing {

// Wednesday 2026-11-04 12:00 UTC.
inline const absl::Time kNow =
    absl::FromCivil(absl::CivilSecond(2026, 11, 4, 12, 0, 0), absl::UTCTimeZone());
inline absl::Duration Days(int n) { return absl::Hours(24 * n); }
inline int64_t Unix(absl::Time t) { return absl::ToUnixSeconds(t); }

// Pool `name`, ONLINE, a mirror of two data disks of class `cls`; its scan shows a scrub that
// started at `last_scrub` and finished an hour later, or no scan when nullopt.
inline v1::Pool ClassPool(const std::string& name, const std::string& cls,
                          std::optional<absl::Time> last_scrub) {
  v1::Pool pool;
  pool.set_name(name);
  pool.set_state("ONLINE");
  zfleet::testing::AddMirror(pool, {zfleet::testing::ClassedLeaf("sda", "data", cls),
                                    zfleet::testing::ClassedLeaf("sdb", "data", cls)})
      ->set_role("data");
  v1::Scan* scan = pool.mutable_scan();
  if (!last_scrub.has_value()) {
    scan->set_function("none");
    scan->set_state("none");
    return pool;
  }
  scan->set_function("scrub");
  scan->set_state("finished");
  scan->set_start_time(Unix(*last_scrub));
  scan->set_end_time(Unix(*last_scrub + absl::Hours(1)));
  return pool;
}

// `pool` with a scan under way: `function` scrub or resilver, `state` scanning or paused.
inline v1::Pool Scanning(v1::Pool pool, const std::string& function, absl::Time since,
                         const std::string& state = "scanning") {
  v1::Scan* scan = pool.mutable_scan();
  scan->Clear();
  scan->set_function(function);
  scan->set_state(state);
  scan->set_start_time(Unix(since));
  scan->set_percent_done(12.5);
  return pool;
}

// The controller's policy with the defaults of controller.toml (sata weekly, sas monthly,
// always open, one scrub per host, load 8) and autonomy after 24h; no pools listed.
inline v1::AgentPolicy WirePolicy() {
  v1::AgentPolicy policy;
  policy.set_autonomous_after_s(24 * 3600);
  for (const auto& [cls, days] : {std::pair{"sata", 7}, std::pair{"sas", 30}}) {
    v1::ClassCadence* c = policy.add_classes();
    c->set_disk_class(cls);
    c->set_interval_s(days * 24 * 3600);
  }
  policy.set_timezone("UTC");
  for (const char* state : {"DEGRADED", "FAULTED", "UNAVAIL", "SUSPENDED"}) {
    policy.add_skip_states(state);
  }
  policy.set_max_per_host(1);
  policy.set_load_threshold(8);
  return policy;
}

// What the controller knew of `pool`: first seen, and its last finished scrub if any.
inline v1::PoolCadence Known(const std::string& pool, absl::Time first_seen,
                             std::optional<absl::Time> last_scrub = std::nullopt) {
  v1::PoolCadence known;
  known.set_pool(pool);
  known.set_first_seen(Unix(first_seen));
  if (last_scrub.has_value()) {
    known.set_last_scrub_start(Unix(*last_scrub));
    known.set_last_scrub_end(Unix(*last_scrub + absl::Hours(1)));
  }
  return known;
}

}  // namespace zfleet::agent::testing

#endif  // ZFLEET_TESTS_AGENT_AUTONOMY_AUTONOMY_FIXTURES_H_
