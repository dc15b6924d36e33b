// The on-call commands: events, incidents, ack, triage, disks.
#include <utility>

#include "absl/status/statusor.h"
#include "cli/command_runners.h"
#include "cli/render/format_util.h"
#include "cli/render/render_disks.h"
#include "cli/render/render_events.h"
#include "cli/render/render_incidents.h"
#include "cli/render/render_triage.h"
#include "common/status_macros.h"

namespace zfleet::cli {

absl::StatusOr<std::string> EventsOutput(FleetApi& api, const Invocation& in) {
  v1::ListEventsRequest request;
  request.set_since(absl::ToUnixSeconds(in.since));
  request.set_min_severity(in.min_severity);
  request.set_host_id(in.flags.host);
  request.set_unacknowledged_only(in.flags.unacked);
  ASSIGN_OR_RETURN(v1::ListEventsResponse events, api.ListEvents(request));
  return in.flags.json ? DumpJson(RenderEventsJson(events))
                       : RenderEventsText(events, in.since, in.render);
}

absl::StatusOr<std::string> TriageOutput(FleetApi& api, const Invocation& in) {
  ASSIGN_OR_RETURN(v1::TriageResponse triage, api.Triage());
  return in.flags.json ? DumpJson(RenderTriageJson(triage)) : RenderTriageText(triage, in.render);
}

absl::StatusOr<std::string> DisksOutput(FleetApi& api, const Invocation& in) {
  const Flags& f = in.flags;
  v1::ListDisksRequest request;
  request.set_model(f.model);
  request.set_host_id(f.host);
  ASSIGN_OR_RETURN(v1::ListDisksResponse disks, api.ListDisks(request));
  if (f.by_model) {
    return f.json ? DumpJson(RenderModelsJson(disks)) : RenderModelsText(disks, in.render);
  }
  return f.json ? DumpJson(RenderDisksJson(disks)) : RenderDisksText(disks, in.render);
}

absl::StatusOr<std::string> IncidentsOutput(FleetApi& api, const Invocation& in) {
  v1::ListIncidentsRequest request;
  request.set_all(in.flags.all);
  request.set_host_id(in.flags.host);
  ASSIGN_OR_RETURN(v1::ListIncidentsResponse incidents, api.ListIncidents(request));
  return in.flags.json ? DumpJson(RenderIncidentsJson(incidents))
                       : RenderIncidentsText(incidents, in.flags.all, in.render);
}

namespace {

template <typename Request, typename Response>
absl::StatusOr<AckOutcome> Ack(const Invocation& in,
                               absl::StatusOr<Response> (FleetApi::*call)(const Request&),
                               FleetApi& api, std::string noun) {
  Request request;
  for (int64_t id : in.event_ids) request.add_ids(id);
  request.set_by(in.user);
  ASSIGN_OR_RETURN(Response response, (api.*call)(request));
  return AckOutcome{std::move(noun),
                    {response.acknowledged().begin(), response.acknowledged().end()},
                    {response.unknown().begin(), response.unknown().end()}};
}

}  // namespace

CliResult RunAck(FleetApi& api, const Invocation& in) {
  absl::StatusOr<AckOutcome> outcome =
      in.flags.ack_events ? Ack(in, &FleetApi::AckEvents, api, "event")
                          : Ack(in, &FleetApi::AckIncidents, api, "incident");
  if (!outcome.ok()) return FailureResult(outcome.status().message());
  std::string out =
      in.flags.json ? DumpJson(RenderAckJson(in.user, *outcome)) : RenderAckText(*outcome);
  const std::string unknown = AckUnknownMessage(*outcome);
  // The known ids are acknowledged by now; the unknown ones still fail the run, so a
  // script notices a typo.
  if (!unknown.empty()) return FailureResult(unknown, std::move(out));
  return {kExitOk, std::move(out), ""};
}

}  // namespace zfleet::cli
