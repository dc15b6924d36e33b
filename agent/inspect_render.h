// `zfleet-agent inspect`: the agent's whole view, as text for people or JSON for scripts.
// Pure: no I/O.
#ifndef ZFLEET_AGENT_INSPECT_RENDER_H_
#define ZFLEET_AGENT_INSPECT_RENDER_H_

#include <string>
#include <vector>

#include "agent/zpool/zpool_client.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::agent {

struct InspectView {
  std::string zpool_path;
  ZpoolCapabilities capabilities;
  std::vector<v1::Pool> pools;
  int unparsed_count = 0;
  std::vector<v1::StackCheck> stack_checks;
  std::string collect_error;  // why zpool could not be read; "" when it could
};

// One JSON document: {"zpool": {...}, "collect_error": null|"…", "pools": [pool JSON…],
// "unparsed_lines": N,
// "stack_checks": [{"name", "level", "evidence", "fix"}…]}.
std::string RenderInspectJson(const InspectView& view);
// zpool-status-like text with identity and class per leaf.
std::string RenderInspectText(const InspectView& view);

}  // namespace zfleet::agent

#endif  // ZFLEET_AGENT_INSPECT_RENDER_H_
