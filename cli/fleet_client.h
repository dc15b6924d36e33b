// The CLI's side of FleetService: one interface the commands use, and the gRPC client
// that implements it. Commands take the interface so tests can hand them canned fleets.
#ifndef ZFLEET_CLI_FLEET_CLIENT_H_
#define ZFLEET_CLI_FLEET_CLIENT_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "common/tls/tls_files.h"
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
  virtual absl::StatusOr<v1::ListIncidentsResponse> ListIncidents(
      const v1::ListIncidentsRequest& request) = 0;
  // As AckEvents, for incidents.
  virtual absl::StatusOr<v1::AckIncidentsResponse> AckIncidents(
      const v1::AckIncidentsRequest& request) = 0;
  virtual absl::StatusOr<v1::ListDisksResponse> ListDisks(const v1::ListDisksRequest& request) = 0;
  virtual absl::StatusOr<v1::TriageResponse> Triage() = 0;
  // Host totals, the fleet's pool counts, and the compact status of the pools the request
  // lists, for `zfleet status`.
  virtual absl::StatusOr<v1::GetStatusResponse> GetStatus(const v1::GetStatusRequest& request) = 0;
  // Who the controller takes the caller for, and over which transport.
  virtual absl::StatusOr<v1::WhoAmIResponse> WhoAmI() = 0;
  // The controller's record of writes, newest first.
  virtual absl::StatusOr<v1::ListAuditResponse> ListAudit(const v1::ListAuditRequest& request) = 0;
  // Removes a host and all the controller stored about it (admin).
  virtual absl::StatusOr<v1::ForgetHostResponse> ForgetHost(
      const v1::ForgetHostRequest& request) = 0;
  // Cancels scrub requests not started yet, fleet-wide or on one host (admin).
  virtual absl::StatusOr<v1::CancelQueuedResponse> CancelQueued(
      const v1::CancelQueuedRequest& request) = 0;
};

// How to reach the controller, as the command line decided it.
struct ControllerConnection {
  std::string target;  // "HOST:PORT" or a gRPC URI
  absl::Duration timeout = absl::Seconds(10);  // per call
  // Set: mutual TLS with these files (all three set; CheckTlsFiles passed). Unset: plaintext.
  std::optional<tls::TlsFiles> tls{};
};

// Owns a FleetService stub on a channel to `connection.target`: mutual TLS when
// `connection.tls` is set, else plaintext. The channel connects lazily, so construction
// never fails; a controller that is down (or refuses our certificate) shows up as an
// error from the first call. Each call gets its own deadline of `connection.timeout` from
// `clock`'s now and does not wait for the channel to become ready; a call the controller
// refused for want of a free thread is sent again within that deadline. Thread-safe.
// REQUIRES: connection.tls, when set, passed tls::CheckTlsFiles.
class FleetClient final : public FleetApi {
 public:
  explicit FleetClient(ControllerConnection connection, const Clock& clock = SystemClock::Get());

  absl::StatusOr<v1::ListHostsResponse> ListHosts() override;
  absl::StatusOr<v1::ListPoolsResponse> ListPools() override;
  absl::StatusOr<v1::GetPoolResponse> GetPool(const v1::GetPoolRequest& request) override;
  absl::StatusOr<v1::RequestScrubResponse> RequestScrub(
      const v1::RequestScrubRequest& request) override;
  absl::StatusOr<v1::GetScheduleResponse> GetSchedule() override;
  absl::StatusOr<v1::GetHistoryResponse> GetHistory(const v1::GetHistoryRequest& request) override;
  absl::StatusOr<v1::ListEventsResponse> ListEvents(const v1::ListEventsRequest& request) override;
  absl::StatusOr<v1::AckEventsResponse> AckEvents(const v1::AckEventsRequest& request) override;
  absl::StatusOr<v1::ListIncidentsResponse> ListIncidents(
      const v1::ListIncidentsRequest& request) override;
  absl::StatusOr<v1::AckIncidentsResponse> AckIncidents(
      const v1::AckIncidentsRequest& request) override;
  absl::StatusOr<v1::ListDisksResponse> ListDisks(const v1::ListDisksRequest& request) override;
  absl::StatusOr<v1::TriageResponse> Triage() override;
  absl::StatusOr<v1::GetStatusResponse> GetStatus(const v1::GetStatusRequest& request) override;
  absl::StatusOr<v1::WhoAmIResponse> WhoAmI() override;
  absl::StatusOr<v1::ListAuditResponse> ListAudit(const v1::ListAuditRequest& request) override;
  absl::StatusOr<v1::ForgetHostResponse> ForgetHost(const v1::ForgetHostRequest& request) override;
  absl::StatusOr<v1::CancelQueuedResponse> CancelQueued(
      const v1::CancelQueuedRequest& request) override;

 private:
  // A blocking unary method of the stub, e.g. &v1::FleetService::Stub::ListHosts.
  template <typename Request, typename Response>
  using Rpc = grpc::Status (v1::FleetService::Stub::*)(grpc::ClientContext*, const Request&,
                                                       Response*);

  // Runs `rpc` with `request` on a fresh context carrying the per-call deadline; converts
  // a failure with ControllerError.
  template <typename Request, typename Response>
  absl::StatusOr<Response> Call(Rpc<Request, Response> rpc, const Request& request) const;

  const ControllerConnection connection_;
  const Clock& clock_;
  std::unique_ptr<v1::FleetService::Stub> stub_;
};

// Turns a failed RPC into what on-call reads, on one line. UNAVAILABLE and
// DEADLINE_EXCEEDED become "cannot reach controller at TARGET: <reason>" (same code), where
// the reason is
//  - "no answer within TIMEOUT" for a deadline;
//  - over TLS, when gRPC's message speaks of the handshake, SSL or a certificate, or the
//    connection was closed (what the controller does to a certificate it refuses):
//    "TLS handshake failed (is the certificate from the controller's CA, and valid?): "
//    and OpenSSL's reason ("certificate verify failed"), "the controller closed the
//    connection", or else gRPC's message; "TLS handshake failed: the controller does not
//    speak TLS at this address (a plaintext listener?)" when OpenSSL saw no TLS at all;
//  - over plaintext, when the connection was closed or reset (what a TLS listener does to
//    a plaintext client): gRPC's message and "; does the controller require TLS? pass
//    --tls-ca/--tls-cert/--tls-key or set ZFLEET_TLS_*";
//  - otherwise gRPC's message.
// Any other code keeps the server's message (e.g. NOT_FOUND "unknown pool h1/tank",
// PERMISSION_DENIED `viewer "alice" may not start a scrub (needs operator)`), or
// "controller at TARGET answered CODE" when the server sent none. REQUIRES: !status.ok().
absl::Status ControllerError(const grpc::Status& status, const ControllerConnection& connection);

}  // namespace zfleet::cli

#endif  // ZFLEET_CLI_FLEET_CLIENT_H_
