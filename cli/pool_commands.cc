// The pool-centred commands: status, hosts, pools, pool, history, scrub, schedule.
#include "absl/status/statusor.h"
#include "cli/command_runners.h"
#include "cli/render/format_util.h"
#include "cli/render/render_history.h"
#include "cli/render/render_hosts.h"
#include "cli/render/render_pool_detail.h"
#include "cli/render/render_pools.h"
#include "cli/render/render_schedule.h"
#include "cli/render/render_scrub.h"
#include "cli/render/render_status.h"
#include "common/status_macros.h"

namespace zfleet::cli {

absl::StatusOr<std::string> StatusOutput(FleetApi& api, const Invocation& in) {
  StatusInput input;
  input.request.set_unhealthy_only(in.flags.unhealthy_only);
  input.request.set_limit(in.flags.all ? 0 : static_cast<uint32_t>(in.flags.limit));
  ASSIGN_OR_RETURN(input.status, api.GetStatus(input.request));
  return in.flags.json ? DumpJson(RenderStatusJson(input)) : RenderStatusText(input, in.render);
}

absl::StatusOr<std::string> HostsOutput(FleetApi& api, const Invocation& in) {
  ASSIGN_OR_RETURN(v1::ListHostsResponse hosts, api.ListHosts());
  return in.flags.json ? DumpJson(RenderHostsJson(hosts)) : RenderHostsText(hosts, in.render);
}

absl::StatusOr<std::string> PoolsOutput(FleetApi& api, const Invocation& in) {
  ASSIGN_OR_RETURN(v1::ListPoolsResponse pools, api.ListPools());
  return in.flags.json ? DumpJson(RenderPoolsJson(pools)) : RenderPoolsText(pools, in.render);
}

absl::StatusOr<std::string> PoolOutput(FleetApi& api, const Invocation& in) {
  v1::GetPoolRequest request;
  request.set_host_id(in.ref.host);
  request.set_pool(in.ref.pool);
  ASSIGN_OR_RETURN(v1::GetPoolResponse response, api.GetPool(request));
  return in.flags.json ? DumpJson(RenderPoolDetailJson(response))
                       : RenderPoolDetailText(response, in.render);
}

absl::StatusOr<std::string> HistoryOutput(FleetApi& api, const Invocation& in) {
  v1::GetHistoryRequest request;
  request.set_host_id(in.ref.host);
  request.set_pool(in.ref.pool);
  ASSIGN_OR_RETURN(v1::GetHistoryResponse response, api.GetHistory(request));
  return in.flags.json ? DumpJson(RenderHistoryJson(request, response))
                       : RenderHistoryText(request, response, in.render);
}

absl::StatusOr<std::string> ScrubOutput(FleetApi& api, const Invocation& in) {
  const Flags& f = in.flags;
  v1::RequestScrubRequest request;
  request.set_host_id(in.ref.host);
  request.set_pool(in.ref.pool);
  request.set_action(f.stop ? v1::STOP : f.pause ? v1::PAUSE : v1::START);
  request.set_now(f.now);
  ASSIGN_OR_RETURN(v1::RequestScrubResponse response, api.RequestScrub(request));
  return f.json ? DumpJson(RenderScrubJson(request, response)) : RenderScrubText(request, response);
}

absl::StatusOr<std::string> ScheduleOutput(FleetApi& api, const Invocation& in) {
  ASSIGN_OR_RETURN(v1::GetScheduleResponse schedule, api.GetSchedule());
  return in.flags.json ? DumpJson(RenderScheduleJson(schedule))
                       : RenderScheduleText(schedule, in.render);
}

}  // namespace zfleet::cli
