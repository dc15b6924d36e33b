#include "cli/fleet_client.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/grpc_status.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"

namespace zfleet::cli {
namespace {

template <typename Response>
absl::StatusOr<Response> Finish(const grpc::Status& status, Response response,
                                absl::string_view target, absl::Duration timeout) {
  if (!status.ok()) return ControllerError(status, target, timeout);
  return response;
}

}  // namespace

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

FleetClient::FleetClient(std::string target, absl::Duration timeout, const Clock& clock)
    : target_(std::move(target)),
      timeout_(timeout),
      clock_(clock),
      stub_(v1::FleetService::NewStub(
          grpc::CreateChannel(target_, grpc::InsecureChannelCredentials()))) {}

void FleetClient::Prepare(grpc::ClientContext* context) const {
  context->set_deadline(absl::ToChronoTime(clock_.Now() + timeout_));
}

absl::StatusOr<v1::ListHostsResponse> FleetClient::ListHosts() {
  grpc::ClientContext context;
  Prepare(&context);
  v1::ListHostsResponse response;
  grpc::Status status = stub_->ListHosts(&context, v1::ListHostsRequest(), &response);
  return Finish(status, std::move(response), target_, timeout_);
}

absl::StatusOr<v1::ListPoolsResponse> FleetClient::ListPools() {
  grpc::ClientContext context;
  Prepare(&context);
  v1::ListPoolsResponse response;
  grpc::Status status = stub_->ListPools(&context, v1::ListPoolsRequest(), &response);
  return Finish(status, std::move(response), target_, timeout_);
}

absl::StatusOr<v1::GetPoolResponse> FleetClient::GetPool(const v1::GetPoolRequest& request) {
  grpc::ClientContext context;
  Prepare(&context);
  v1::GetPoolResponse response;
  grpc::Status status = stub_->GetPool(&context, request, &response);
  return Finish(status, std::move(response), target_, timeout_);
}

absl::StatusOr<v1::RequestScrubResponse> FleetClient::RequestScrub(
    const v1::RequestScrubRequest& request) {
  grpc::ClientContext context;
  Prepare(&context);
  v1::RequestScrubResponse response;
  grpc::Status status = stub_->RequestScrub(&context, request, &response);
  return Finish(status, std::move(response), target_, timeout_);
}

}  // namespace zfleet::cli
