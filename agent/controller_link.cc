#include "agent/controller_link.h"

#include <chrono>

#include "common/grpc/grpc_status.h"
#include "common/tls/grpc_credentials.h"
#include "grpcpp/grpcpp.h"

namespace zfleet::agent {
namespace {

// The agent backs off on its own (agent_loop.cc, up to a minute). gRPC's reconnect back-off
// (up to two minutes by default) would add to it: a channel that last failed to connect just
// before the controller came back fails every report fast until its next attempt, so an
// agent stayed silent for up to ~2 minutes after an outage. Kept short, the agent's own
// schedule decides when it tries again.
grpc::ChannelArguments ChannelArgs() {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 1000);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 1000);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 10000);
  return args;
}

}  // namespace

GrpcControllerLink::GrpcControllerLink(const std::string& target, absl::Duration deadline,
                                       const std::optional<tls::TlsFiles>& tls,
                                       absl::Duration tls_refresh)
    : stub_(v1::AgentService::NewStub(grpc::CreateCustomChannel(
          target,
          tls.has_value() ? tls::MutualTlsChannelCredentials(*tls, tls_refresh)
                          : grpc::InsecureChannelCredentials(),
          ChannelArgs()))),
      deadline_(deadline) {}

absl::StatusOr<v1::ReportResponse> GrpcControllerLink::Report(
    const v1::ReportRequest& request) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::milliseconds(absl::ToInt64Milliseconds(deadline_)));
  {
    absl::MutexLock lock(&mu_);
    if (canceled_) return absl::CancelledError("the agent is stopping");
    in_flight_ = &context;
  }
  v1::ReportResponse response;
  grpc::Status status = stub_->Report(&context, request, &response);
  {
    absl::MutexLock lock(&mu_);
    in_flight_ = nullptr;
  }
  if (!status.ok()) return FromGrpcStatus(status);
  return response;
}

void GrpcControllerLink::CancelInFlight() {
  absl::MutexLock lock(&mu_);
  canceled_ = true;  // and every later call: the agent is stopping
  if (in_flight_ != nullptr) in_flight_->TryCancel();
}

}  // namespace zfleet::agent
