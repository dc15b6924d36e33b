#include "cli/fleet_client.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/grpc/grpc_status.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"

namespace zfleet::cli {

absl::Status ControllerError(const grpc::Status& status, absl::string_view target,
                             absl::Duration timeout) {
  const absl::Status converted = FromGrpcStatus(status);
  switch (converted.code()) {
    case absl::StatusCode::kDeadlineExceeded:
      return absl::DeadlineExceededError(absl::StrCat("cannot reach controller at ", target,
                                                      ": no answer within ",
                                                      absl::FormatDuration(timeout)));
    case absl::StatusCode::kUnavailable:
      return absl::UnavailableError(
          absl::StrCat("cannot reach controller at ", target, ": ",
                       converted.message().empty() ? "unavailable" : converted.message()));
    default:
      if (!converted.message().empty()) return converted;
      return absl::Status(converted.code(),
                          absl::StrCat("controller at ", target, " answered ",
                                       absl::StatusCodeToString(converted.code())));
  }
}

// Fleet-wide answers (status of thousands of pools) exceed gRPC's default 4 MiB limit.
static grpc::ChannelArguments UnlimitedReplies() {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(-1);
  return args;
}

FleetClient::FleetClient(std::string target, absl::Duration timeout, const Clock& clock)
    : target_(std::move(target)),
      timeout_(timeout),
      clock_(clock),
      stub_(v1::FleetService::NewStub(
          grpc::CreateCustomChannel(target_, grpc::InsecureChannelCredentials(),
                                    UnlimitedReplies()))) {}

template <typename Request, typename Response>
absl::StatusOr<Response> FleetClient::Call(Rpc<Request, Response> rpc,
                                           const Request& request) const {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(clock_.Now() + timeout_));
  Response response;
  const grpc::Status status = (stub_.get()->*rpc)(&context, request, &response);
  if (!status.ok()) return ControllerError(status, target_, timeout_);
  return response;
}

using Stub = v1::FleetService::Stub;

absl::StatusOr<v1::ListHostsResponse> FleetClient::ListHosts() {
  return Call(&Stub::ListHosts, v1::ListHostsRequest());
}

absl::StatusOr<v1::ListPoolsResponse> FleetClient::ListPools() {
  return Call(&Stub::ListPools, v1::ListPoolsRequest());
}

absl::StatusOr<v1::GetPoolResponse> FleetClient::GetPool(const v1::GetPoolRequest& request) {
  return Call(&Stub::GetPool, request);
}

absl::StatusOr<v1::RequestScrubResponse> FleetClient::RequestScrub(
    const v1::RequestScrubRequest& request) {
  return Call(&Stub::RequestScrub, request);
}

absl::StatusOr<v1::GetScheduleResponse> FleetClient::GetSchedule() {
  return Call(&Stub::GetSchedule, v1::GetScheduleRequest());
}

absl::StatusOr<v1::GetHistoryResponse> FleetClient::GetHistory(
    const v1::GetHistoryRequest& request) {
  return Call(&Stub::GetHistory, request);
}

absl::StatusOr<v1::ListEventsResponse> FleetClient::ListEvents(
    const v1::ListEventsRequest& request) {
  return Call(&Stub::ListEvents, request);
}

absl::StatusOr<v1::AckEventsResponse> FleetClient::AckEvents(const v1::AckEventsRequest& request) {
  return Call(&Stub::AckEvents, request);
}

absl::StatusOr<v1::ListDisksResponse> FleetClient::ListDisks(const v1::ListDisksRequest& request) {
  return Call(&Stub::ListDisks, request);
}

absl::StatusOr<v1::TriageResponse> FleetClient::Triage() {
  return Call(&Stub::Triage, v1::TriageRequest());
}

absl::StatusOr<v1::GetStatusResponse> FleetClient::GetStatus() {
  return Call(&Stub::GetStatus, v1::GetStatusRequest());
}

}  // namespace zfleet::cli
