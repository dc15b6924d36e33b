// The identity and administration commands: whoami, audit, forget, cancel-queued.
#include "absl/status/statusor.h"
#include "cli/command_runners.h"
#include "cli/render/format_util.h"
#include "cli/render/render_admin.h"
#include "common/status_macros.h"

namespace zfleet::cli {

absl::StatusOr<std::string> WhoAmIOutput(FleetApi& api, const Invocation& in) {
  ASSIGN_OR_RETURN(v1::WhoAmIResponse me, api.WhoAmI());
  return in.flags.json ? DumpJson(RenderWhoAmIJson(me)) : RenderWhoAmIText(me);
}

absl::StatusOr<std::string> AuditOutput(FleetApi& api, const Invocation& in) {
  v1::ListAuditRequest request;
  request.set_since(absl::ToUnixSeconds(in.since));
  ASSIGN_OR_RETURN(v1::ListAuditResponse audit, api.ListAudit(request));
  return in.flags.json ? DumpJson(RenderAuditJson(audit))
                       : RenderAuditText(audit, in.since, in.render);
}

absl::StatusOr<std::string> ForgetOutput(FleetApi& api, const Invocation& in) {
  v1::ForgetHostRequest request;
  request.set_host_id(in.flags.forget_host);
  ASSIGN_OR_RETURN(v1::ForgetHostResponse response, api.ForgetHost(request));
  return in.flags.json ? DumpJson(RenderForgetJson(request.host_id(), response))
                       : RenderForgetText(request.host_id(), response);
}

absl::StatusOr<std::string> CancelQueuedOutput(FleetApi& api, const Invocation& in) {
  v1::CancelQueuedRequest request;
  request.set_host_id(in.flags.host);
  ASSIGN_OR_RETURN(v1::CancelQueuedResponse response, api.CancelQueued(request));
  return in.flags.json ? DumpJson(RenderCancelQueuedJson(request, response))
                       : RenderCancelQueuedText(request, response);
}

}  // namespace zfleet::cli
