#include "cli/fleet_client.h"

#include <algorithm>
#include <initializer_list>
#include <memory>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "common/grpc/grpc_status.h"
#include "common/tls/grpc_credentials.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"

namespace zfleet::cli {

namespace {

// The CLI is one short process: the files are read at start and there is nothing to
// rotate, so the watcher's re-read only needs to be rare.
constexpr absl::Duration kTlsRefresh = absl::Hours(1);
// gRPC's words when a server has no thread left for a call: the controller caps its threads
// so that more reports than it can answer are refused at once rather than queued. Such a
// call never ran, so it is sent again, after a pause that doubles up to kMaxPause, until its
// deadline or kMaxAttempts.
constexpr absl::string_view kThreadsExhausted = "Server Threadpool Exhausted";
constexpr absl::Duration kFirstPause = absl::Milliseconds(50);
constexpr absl::Duration kMaxPause = absl::Seconds(1);
constexpr int kMaxAttempts = 30;

bool ThreadsExhausted(const grpc::Status& status) {
  return status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED &&
         status.error_message() == kThreadsExhausted;
}

// Whether `text` contains one of the lower-case `words`, in any case.
bool Mentions(absl::string_view text, std::initializer_list<absl::string_view> words) {
  const std::string lower = absl::AsciiStrToLower(text);
  for (absl::string_view word : words) {
    if (absl::StrContains(lower, word)) return true;
  }
  return false;
}

constexpr absl::string_view kHandshakeFailed =
    "TLS handshake failed (is the certificate from the controller's CA, and valid?)";

// OpenSSL's reason in gRPC's "…: Tls handshake failed: SSL_ERROR_SSL: error:0A000086:SSL
// routines::certificate verify failed", else gRPC's whole message.
absl::string_view OpenSslReason(absl::string_view message) {
  constexpr absl::string_view kRoutines = "routines::";
  const size_t at = message.rfind(kRoutines);
  if (at == absl::string_view::npos || at + kRoutines.size() == message.size()) return message;
  return message.substr(at + kRoutines.size());
}

// What gRPC reports (as seen with gRPC 1.51, OpenSSL 3, TLS 1.3):
//  - our CA does not vouch for the controller: "…Tls handshake failed: SSL_ERROR_SSL:
//    error:0A000086:SSL routines::certificate verify failed";
//  - the controller refuses our certificate: the handshake completes on our side first, so
//    only "…: Socket closed";
//  - TLS towards a plaintext listener: "…SSL routines::wrong version number";
//  - plaintext towards a TLS listener: "…: Socket closed".
std::string UnreachableReason(absl::string_view message, bool tls) {
  if (message.empty()) return "unavailable";
  const bool closed =
      Mentions(message, {"socket closed", "connection reset", "end of file", "connection closed"});
  if (tls) {
    if (Mentions(message, {"wrong version number"})) {
      return "TLS handshake failed: the controller does not speak TLS at this address (a "
             "plaintext listener?)";
    }
    if (Mentions(message, {"handshake", "ssl", "tls", "certificate"})) {
      return absl::StrCat(kHandshakeFailed, ": ", OpenSslReason(message));
    }
    if (closed) return absl::StrCat(kHandshakeFailed, ": the controller closed the connection");
  } else if (closed) {
    return absl::StrCat(message,
                        "; does the controller require TLS? pass --tls-ca/--tls-cert/--tls-key "
                        "or set ZFLEET_TLS_*");
  }
  return std::string(message);
}

}  // namespace

absl::Status ControllerError(const grpc::Status& status, const ControllerConnection& connection) {
  const absl::Status converted = FromGrpcStatus(status);
  const std::string& target = connection.target;
  switch (converted.code()) {
    case absl::StatusCode::kDeadlineExceeded:
      return absl::DeadlineExceededError(absl::StrCat("cannot reach controller at ", target,
                                                      ": no answer within ",
                                                      absl::FormatDuration(connection.timeout)));
    case absl::StatusCode::kUnavailable:
      return absl::UnavailableError(
          absl::StrCat("cannot reach controller at ", target, ": ",
                       UnreachableReason(converted.message(), connection.tls.has_value())));
    case absl::StatusCode::kResourceExhausted:
      if (!ThreadsExhausted(status)) return converted;
      return absl::ResourceExhaustedError(absl::StrCat(
          "controller at ", target, " is overloaded: no thread was free for the call within ",
          absl::FormatDuration(connection.timeout), "; try again"));
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

static std::shared_ptr<grpc::ChannelCredentials> CredentialsFor(
    const ControllerConnection& connection) {
  if (!connection.tls) return grpc::InsecureChannelCredentials();
  return tls::MutualTlsChannelCredentials(*connection.tls, kTlsRefresh);
}

FleetClient::FleetClient(ControllerConnection connection, const Clock& clock)
    : connection_(std::move(connection)),
      clock_(clock),
      stub_(v1::FleetService::NewStub(grpc::CreateCustomChannel(
          connection_.target, CredentialsFor(connection_), UnlimitedReplies()))) {}

template <typename Request, typename Response>
absl::StatusOr<Response> FleetClient::Call(Rpc<Request, Response> rpc,
                                           const Request& request) const {
  const absl::Time deadline = clock_.Now() + connection_.timeout;
  absl::Duration pause = kFirstPause;
  for (int attempt = 1;; ++attempt) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(deadline));
    Response response;
    const grpc::Status status = (stub_.get()->*rpc)(&context, request, &response);
    if (status.ok()) return response;
    if (!ThreadsExhausted(status) || attempt == kMaxAttempts || clock_.Now() + pause >= deadline) {
      return ControllerError(status, connection_);
    }
    absl::SleepFor(pause);
    pause = std::min(pause * 2, kMaxPause);
  }
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

absl::StatusOr<v1::ListIncidentsResponse> FleetClient::ListIncidents(
    const v1::ListIncidentsRequest& request) {
  return Call(&Stub::ListIncidents, request);
}

absl::StatusOr<v1::AckIncidentsResponse> FleetClient::AckIncidents(
    const v1::AckIncidentsRequest& request) {
  return Call(&Stub::AckIncidents, request);
}

absl::StatusOr<v1::ListDisksResponse> FleetClient::ListDisks(const v1::ListDisksRequest& request) {
  return Call(&Stub::ListDisks, request);
}

absl::StatusOr<v1::TriageResponse> FleetClient::Triage() {
  return Call(&Stub::Triage, v1::TriageRequest());
}

absl::StatusOr<v1::GetStatusResponse> FleetClient::GetStatus(const v1::GetStatusRequest& request) {
  return Call(&Stub::GetStatus, request);
}

absl::StatusOr<v1::WhoAmIResponse> FleetClient::WhoAmI() {
  return Call(&Stub::WhoAmI, v1::WhoAmIRequest());
}

absl::StatusOr<v1::ListAuditResponse> FleetClient::ListAudit(const v1::ListAuditRequest& request) {
  return Call(&Stub::ListAudit, request);
}

absl::StatusOr<v1::ForgetHostResponse> FleetClient::ForgetHost(
    const v1::ForgetHostRequest& request) {
  return Call(&Stub::ForgetHost, request);
}

absl::StatusOr<v1::CancelQueuedResponse> FleetClient::CancelQueued(
    const v1::CancelQueuedRequest& request) {
  return Call(&Stub::CancelQueued, request);
}

}  // namespace zfleet::cli
