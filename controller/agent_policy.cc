#include "controller/agent_policy.h"

#include <string>

namespace zfleet::controller {

v1::AgentPolicy MakeAgentPolicy(const ControllerConfig& config,
                                const std::vector<PoolScrubState>& pools) {
  const SchedulerPolicy& scheduler = config.scheduler;
  v1::AgentPolicy policy;
  policy.set_autonomous_after_s(absl::ToInt64Seconds(config.autonomous_after));
  for (int i = 0; i < kDiskClassCount; ++i) {
    const DiskClass c = static_cast<DiskClass>(i);
    v1::ClassCadence* cls = policy.add_classes();
    cls->set_disk_class(std::string(DiskClassName(c)));
    cls->set_interval_s(absl::ToInt64Seconds(scheduler.For(c).interval));
    if (!scheduler.For(c).windows.AlwaysOpen()) {
      for (const std::string& spec : scheduler.For(c).windows.specs()) cls->add_windows(spec);
    }
  }
  policy.set_timezone(scheduler.timezone_name);
  for (const std::string& state : scheduler.skip_states) policy.add_skip_states(state);
  policy.set_max_per_host(static_cast<uint32_t>(scheduler.max_per_host));
  policy.set_load_threshold(scheduler.load_threshold);
  policy.set_at_window_end(std::string(WindowEndActionName(scheduler.at_window_end)));
  for (const PoolScrubState& pool : pools) {
    v1::PoolCadence* cadence = policy.add_pools();
    cadence->set_pool(pool.pool);
    cadence->set_first_seen(absl::ToUnixSeconds(pool.first_seen));
    if (!pool.last_finished.has_value()) continue;
    if (pool.last_finished->has_started_at()) {
      cadence->set_last_scrub_start(pool.last_finished->started_at());
    }
    if (pool.last_finished->has_ended_at()) {
      cadence->set_last_scrub_end(pool.last_finished->ended_at());
    }
  }
  return policy;
}

}  // namespace zfleet::controller
