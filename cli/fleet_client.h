// The CLI's side of FleetService: one interface the commands use, and the gRPC client
// that implements it. Commands take the interface so tests can hand them canned fleets.
#ifndef ZFLEET_CLI_FLEET_CLIENT_H_
#define ZFLEET_CLI_FLEET_CLIENT_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "grpcpp/channel.h"
#include "grpcpp/support/status.h"
#include "zfleet/v1/zfleet.grpc.pb.h"

namespace zfleet::cli {

// Every method returns the controller's answer, or an error whose message is fit to
// print after "zfleet: " (see ControllerError).
class FleetApi {
 public:
  virtual ~FleetApi() = default;
  virtual absl::StatusOr<v1::ListHostsResponse> ListHosts() = 0;
  virtual absl::StatusOr<v1::ListPoolsResponse> ListPools() = 0;
  virtual absl::StatusOr<v1::GetPoolResponse> GetPool(const v1::GetPoolRequest& request) = 0;
  virtual absl::StatusOr<v1::RequestScrubResponse> RequestScrub(
      const v1::RequestScrubRequest& request) = 0;
  virtual absl::StatusOr<v1::GetScheduleResponse> GetSchedule() = 0;
  virtual absl::StatusOr<v1::GetHistoryResponse> GetHistory(
      const v1::GetHistoryRequest& request) = 0;
  virtual absl::StatusOr<v1::ListEventsResponse> ListEvents(
      const v1::ListEventsRequest& request) = 0;
  // Acknowledges the known ids; unknown ones come back in the response, not as an error.
  virtual absl::StatusOr<v1::AckEventsResponse> AckEvents(const v1::AckEventsRequest& request) = 0;
  virtual absl::StatusOr<v1::ListDisksResponse> ListDisks(const v1::ListDisksRequest& request) = 0;
  virtual absl::StatusOr<v1::TriageResponse> Triage() = 0;
  // Host totals and each present pool's compact status, for `zfleet status`.
  virtual absl::StatusOr<v1::GetStatusResponse> GetStatus() = 0;
};

// Owns a FleetService stub on an insecure channel to `target` ("HOST:PORT"). The channel
// connects lazily, so construction never fails; a controller that is down shows up as
// an error from the first call. Each call gets its own deadline of `timeout` from
// `clock`'s now and does not wait for the channel to become ready. Thread-safe.
class FleetClient final : public FleetApi {
 public:
  FleetClient(std::string target, absl::Duration timeout, const Clock& clock = SystemClock::Get());

  absl::StatusOr<v1::ListHostsResponse> ListHosts() override;
  absl::StatusOr<v1::ListPoolsResponse> ListPools() override;
  absl::StatusOr<v1::GetPoolResponse> GetPool(const v1::GetPoolRequest& request) override;
  absl::StatusOr<v1::RequestScrubResponse> RequestScrub(
      const v1::RequestScrubRequest& request) override;
  absl::StatusOr<v1::GetScheduleResponse> GetSchedule() override;
  absl::StatusOr<v1::GetHistoryResponse> GetHistory(const v1::GetHistoryRequest& request) override;
  absl::StatusOr<v1::ListEventsResponse> ListEvents(const v1::ListEventsRequest& request) override;
  absl::StatusOr<v1::AckEventsResponse> AckEvents(const v1::AckEventsRequest& request) override;
  absl::StatusOr<v1::ListDisksResponse> ListDisks(const v1::ListDisksRequest& request) override;
  absl::StatusOr<v1::TriageResponse> Triage() override;
  absl::StatusOr<v1::GetStatusResponse> GetStatus() override;

 private:
  // A blocking unary method of the stub, e.g. &v1::FleetService::Stub::ListHosts.
  template <typename Request, typename Response>
  using Rpc = grpc::Status (v1::FleetService::Stub::*)(grpc::ClientContext*, const Request&,
                                                       Response*);

  // Runs `rpc` with `request` on a fresh context carrying the per-call deadline; converts
  // a failure with ControllerError.
  template <typename Request, typename Response>
  absl::StatusOr<Response> Call(Rpc<Request, Response> rpc, const Request& request) const;

  const std::string target_;
  const absl::Duration timeout_;
  const Clock& clock_;
  std::unique_ptr<v1::FleetService::Stub> stub_;
};

// Turns a failed RPC into what on-call reads. UNAVAILABLE and DEADLINE_EXCEEDED become
// "cannot reach controller at TARGET: <reason>" (same code), where the reason is gRPC's
// message, or "no answer within TIMEOUT" for a deadline. Any other code keeps the
// server's message (e.g. NOT_FOUND "unknown pool h1/tank"), or "controller at TARGET
// answered CODE" when the server sent none. REQUIRES: !status.ok().
absl::Status ControllerError(const grpc::Status& status, absl::string_view target,
                             absl::Duration timeout);

}  // namespace zfleet::cli

#endif  // ZFLEET_CLI_FLEET_CLIENT_H_
