// The pool-centred commands: status, hosts, pools, pool, history, scrub, schedule.
#include "absl/status/statusor.h"
#include "cli/command_runners.h"
#include "cli/format_util.h"
#include "cli/render_history.h"
#include "cli/render_hosts.h"
#include "cli/render_pool_detail.h"
#include "cli/render_pools.h"
#include "cli/render_schedule.h"
#include "cli/render_scrub.h"
#include "cli/render_status.h"
#include "common/status_macros.h"

namespace zfleet::cli {
namespace {

absl::StatusOr<std::string> StatusOutput(FleetApi& api, const Invocation& in) {
  StatusInput input;
  input.only_unhealthy = in.flags.unhealthy_only;
  ASSIGN_OR_RETURN(input.status, api.GetStatus());
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
  return in.flags.json ? DumpJson(RenderHistoryJson(in.ref, response))
                       : RenderHistoryText(in.ref, response, in.render);
}

absl::StatusOr<std::string> ScrubOutput(FleetApi& api, const Invocation& in) {
  const Flags& f = in.flags;
  v1::RequestScrubRequest request;
  request.set_host_id(in.ref.host);
  request.set_pool(in.ref.pool);
  request.set_action(f.stop ? v1::STOP : f.pause ? v1::PAUSE : v1::START);
  request.set_now(f.now);
  ASSIGN_OR_RETURN(v1::RequestScrubResponse response, api.RequestScrub(request));
  return f.json ? DumpJson(RenderScrubJson(in.ref, request.action(), response, f.now))
                : RenderScrubText(in.ref, request.action(), response, f.now);
}

absl::StatusOr<std::string> ScheduleOutput(FleetApi& api, const Invocation& in) {
  ASSIGN_OR_RETURN(v1::GetScheduleResponse schedule, api.GetSchedule());
  return in.flags.json ? DumpJson(RenderScheduleJson(schedule))
                       : RenderScheduleText(schedule, in.render);
}

}  // namespace

CliResult RunStatus(FleetApi& api, const Invocation& in) {
  return OutputResult(StatusOutput(api, in));
}
CliResult RunHosts(FleetApi& api, const Invocation& in) {
  return OutputResult(HostsOutput(api, in));
}
CliResult RunPools(FleetApi& api, const Invocation& in) {
  return OutputResult(PoolsOutput(api, in));
}
CliResult RunPool(FleetApi& api, const Invocation& in) { return OutputResult(PoolOutput(api, in)); }
CliResult RunHistory(FleetApi& api, const Invocation& in) {
  return OutputResult(HistoryOutput(api, in));
}
CliResult RunScrub(FleetApi& api, const Invocation& in) {
  return OutputResult(ScrubOutput(api, in));
}
CliResult RunSchedule(FleetApi& api, const Invocation& in) {
  return OutputResult(ScheduleOutput(api, in));
}

}  // namespace zfleet::cli
