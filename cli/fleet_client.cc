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

template <typename Response, typename Rpc>
absl::StatusOr<Response> FleetClient::Call(Rpc rpc) const {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(clock_.Now() + timeout_));
  Response response;
  const grpc::Status status = rpc(&context, &response);
  if (!status.ok()) return ControllerError(status, target_, timeout_);
  return response;
}

absl::StatusOr<v1::ListHostsResponse> FleetClient::ListHosts() {
  return Call<v1::ListHostsResponse>([this](grpc::ClientContext* c, v1::ListHostsResponse* r) {
    return stub_->ListHosts(c, v1::ListHostsRequest(), r);
  });
}

absl::StatusOr<v1::ListPoolsResponse> FleetClient::ListPools() {
  return Call<v1::ListPoolsResponse>([this](grpc::ClientContext* c, v1::ListPoolsResponse* r) {
    return stub_->ListPools(c, v1::ListPoolsRequest(), r);
  });
}

absl::StatusOr<v1::GetPoolResponse> FleetClient::GetPool(const v1::GetPoolRequest& request) {
  return Call<v1::GetPoolResponse>([&](grpc::ClientContext* c, v1::GetPoolResponse* r) {
    return stub_->GetPool(c, request, r);
  });
}

absl::StatusOr<v1::RequestScrubResponse> FleetClient::RequestScrub(
    const v1::RequestScrubRequest& request) {
  return Call<v1::RequestScrubResponse>([&](grpc::ClientContext* c, v1::RequestScrubResponse* r) {
    return stub_->RequestScrub(c, request, r);
  });
}

absl::StatusOr<v1::GetScheduleResponse> FleetClient::GetSchedule() {
  return Call<v1::GetScheduleResponse>([this](grpc::ClientContext* c, v1::GetScheduleResponse* r) {
    return stub_->GetSchedule(c, v1::GetScheduleRequest(), r);
  });
}

absl::StatusOr<v1::GetHistoryResponse> FleetClient::GetHistory(
    const v1::GetHistoryRequest& request) {
  return Call<v1::GetHistoryResponse>([&](grpc::ClientContext* c, v1::GetHistoryResponse* r) {
    return stub_->GetHistory(c, request, r);
  });
}

absl::StatusOr<v1::ListEventsResponse> FleetClient::ListEvents(
    const v1::ListEventsRequest& request) {
  return Call<v1::ListEventsResponse>([&](grpc::ClientContext* c, v1::ListEventsResponse* r) {
    return stub_->ListEvents(c, request, r);
  });
}

absl::StatusOr<v1::AckEventsResponse> FleetClient::AckEvents(const v1::AckEventsRequest& request) {
  return Call<v1::AckEventsResponse>([&](grpc::ClientContext* c, v1::AckEventsResponse* r) {
    return stub_->AckEvents(c, request, r);
  });
}

absl::StatusOr<v1::ListDisksResponse> FleetClient::ListDisks(const v1::ListDisksRequest& request) {
  return Call<v1::ListDisksResponse>([&](grpc::ClientContext* c, v1::ListDisksResponse* r) {
    return stub_->ListDisks(c, request, r);
  });
}

absl::StatusOr<v1::TriageResponse> FleetClient::Triage() {
  return Call<v1::TriageResponse>([this](grpc::ClientContext* c, v1::TriageResponse* r) {
    return stub_->Triage(c, v1::TriageRequest(), r);
  });
}

absl::StatusOr<v1::GetStatusResponse> FleetClient::GetStatus() {
  return Call<v1::GetStatusResponse>([this](grpc::ClientContext* c, v1::GetStatusResponse* r) {
    return stub_->GetStatus(c, v1::GetStatusRequest(), r);
  });
}

}  // namespace zfleet::cli
