#include "agent/controller_link.h"

#include <chrono>

#include "common/grpc/grpc_status.h"
#include "common/tls/grpc_credentials.h"
#include "grpcpp/grpcpp.h"

namespace zfleet::agent {
namespace {

// How long a report waits for the connection to the controller to come up.
constexpr absl::Duration kConnectWait = absl::Seconds(5);
// Its wait is cut in slices this long, so CancelInFlight ends it quickly.
constexpr auto kConnectSlice = std::chrono::milliseconds(250);

}  // namespace

GrpcControllerLink::GrpcControllerLink(const std::string& target, absl::Duration deadline,
                                       const std::optional<tls::TlsFiles>& tls,
                                       absl::Duration tls_refresh)
    : channel_(grpc::CreateChannel(target, tls.has_value()
                                               ? tls::MutualTlsChannelCredentials(*tls, tls_refresh)
                                               : grpc::InsecureChannelCredentials())),
      stub_(v1::AgentService::NewStub(channel_)),
      deadline_(deadline) {}

void GrpcControllerLink::Connect() {
  grpc_connectivity_state state = channel_->GetState(/*try_to_connect=*/true);
  if (state == GRPC_CHANNEL_READY) return;
  // The agent keeps its own back-off; when it decides to try, the channel tries at once
  // rather than after gRPC's own back-off (up to two minutes).
  if (state == GRPC_CHANNEL_TRANSIENT_FAILURE) {
    grpc::experimental::ChannelResetConnectionBackoff(channel_.get());
  }
  const auto until = std::chrono::system_clock::now() +
                     std::chrono::milliseconds(absl::ToInt64Milliseconds(
                         std::min(kConnectWait, deadline_)));
  while (state != GRPC_CHANNEL_READY && std::chrono::system_clock::now() < until) {
    {
      absl::MutexLock lock(&mu_);
      if (canceled_) return;
    }
    channel_->WaitForStateChange(state, std::min(until, std::chrono::system_clock::now() +
                                                            kConnectSlice));
    state = channel_->GetState(/*try_to_connect=*/true);
  }
}

absl::StatusOr<v1::ReportResponse> GrpcControllerLink::Report(
    const v1::ReportRequest& request) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::milliseconds(absl::ToInt64Milliseconds(deadline_)));
  // A synchronous client makes progress on a connection (TCP, TLS handshake, HTTP/2
  // settings) only while a call of its own waits on the channel. A report that failed fast
  // on a channel still connecting left the handshake unattended until the next report,
  // which then failed fast again: after an outage an agent could stay silent for minutes
  // with the controller up. So the report first waits for the connection itself.
  Connect();
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
