// The AgentPolicy each reply carries: what an agent needs to keep its own pools' cadence
// while it cannot reach the controller (docs/DESIGN.md, "When the controller is away").
// Pure.
#ifndef ZFLEET_CONTROLLER_AGENT_POLICY_H_
#define ZFLEET_CONTROLLER_AGENT_POLICY_H_

#include <vector>

#include "controller/config/controller_config.h"
#include "controller/store/pool_table.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::controller {

// The policy for a host whose present pools are `pools` (PoolTable::ListScrubStatesOfHost):
// config.autonomous_after; every class's interval and windows, what happens at a window's
// end, the timezone, skip states, per-host cap and load threshold of config.scheduler; and
// per pool its first sight and its last finished scrub, from which the scheduler dates it
// too. Fleet-wide caps, label caps and early starts are left out: an agent alone knows only
// its own host.
v1::AgentPolicy MakeAgentPolicy(const ControllerConfig& config,
                                const std::vector<PoolScrubState>& pools);

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_AGENT_POLICY_H_
