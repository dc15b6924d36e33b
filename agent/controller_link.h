// The agent's side of AgentService.Report, behind an interface so the loop is tested
// without sockets.
#ifndef ZFLEET_AGENT_CONTROLLER_LINK_H_
#define ZFLEET_AGENT_CONTROLLER_LINK_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/tls/tls_files.h"
#include "zfleet/v1/zfleet.grpc.pb.h"

namespace zfleet::agent {

class ControllerLink {
 public:
  virtual ~ControllerLink() = default;
  // Sends one report. Returns the controller's reply, or the RPC's error (Unavailable when
  // the controller cannot be reached).
  virtual absl::StatusOr<v1::ReportResponse> Report(const v1::ReportRequest& request) = 0;
  // Ends a Report() in flight on another thread at once (Cancelled), for a quick shutdown
  // while the controller does not answer.
  virtual void CancelInFlight() {}
};

// gRPC implementation; every call carries `deadline`. Thread-safe.
class GrpcControllerLink final : public ControllerLink {
 public:
  // Plaintext when `tls` is nullopt; else mutual TLS with those files, re-read every
  // `tls_refresh` so a rotated certificate is used without a restart. REQUIRES:
  // tls::CheckTlsFiles(*tls) was OK.
  GrpcControllerLink(const std::string& target, absl::Duration deadline,
                     const std::optional<tls::TlsFiles>& tls = std::nullopt,
                     absl::Duration tls_refresh = absl::Seconds(10));
  absl::StatusOr<v1::ReportResponse> Report(const v1::ReportRequest& request) override;
  void CancelInFlight() override;

 private:
  // Brings the channel to READY (or gives up after a few seconds, or when canceled).
  void Connect();

  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::AgentService::Stub> stub_;
  absl::Duration deadline_;
  absl::Mutex mu_;
  grpc::ClientContext* in_flight_ ABSL_GUARDED_BY(mu_) = nullptr;
  bool canceled_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace zfleet::agent

#endif  // ZFLEET_AGENT_CONTROLLER_LINK_H_
