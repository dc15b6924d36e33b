#include "controller/service/grpc_server.h"

#include <chrono>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/grpc/grpc_status.h"
#include "common/log.h"
#include "common/tls/grpc_credentials.h"
#include "controller/auth/access.h"
#include "controller/ingest/received_report.h"
#include "controller/service/call_identity.h"
#include "zfleet/v1/zfleet.grpc.pb.h"

namespace zfleet::controller {
namespace {

// Above the report limit (model/report_limits.h), so an oversized report gets its clear
// InvalidArgument from the controller rather than gRPC's bare RESOURCE_EXHAUSTED.
constexpr int kMaxReceiveBytes = 64 << 20;
// Threads serving calls, at most. Past them a call is refused at once (RESOURCE_EXHAUSTED;
// an agent keeps its observation and sends it again after its back-off) instead of waiting in
// memory: a fleet larger than the controller can answer would otherwise queue reports by the
// gigabyte, each answered after its caller gave up. Far above what a controller that keeps
// up needs: answers from memory take microseconds, and a group commit takes 64 reports.
constexpr int kMaxServingThreads = 256;
// Refused reports are logged once per (certificate, claimed host); past this many pairs the
// set starts over rather than grow without bound.
constexpr size_t kMaxRefusalsRemembered = 10000;

// Copies a StatusOr's value into the reply or turns its error into the RPC's status.
template <typename T>
grpc::Status Reply(absl::StatusOr<T> result, T* reply) {
  if (!result.ok()) return ToGrpcStatus(result.status());
  *reply = *std::move(result);
  return grpc::Status::OK;
}

absl::string_view ScrubActionName(v1::ScrubAction action) {
  switch (action) {
    case v1::START:
      return "scrub-start";
    case v1::STOP:
      return "scrub-stop";
    case v1::PAUSE:
      return "scrub-pause";
    default:
      return "scrub";
  }
}

absl::string_view ScrubActionWords(v1::ScrubAction action) {
  switch (action) {
    case v1::STOP:
      return "stop a scrub";
    case v1::PAUSE:
      return "pause a scrub";
    default:
      return "start a scrub";
  }
}

// The method's path, as generated code names it.
constexpr char kReportMethod[] = "/zfleet.v1.AgentService/Report";

// A message's bytes in one piece.
absl::StatusOr<std::string> Flatten(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  if (!buffer.Dump(&slices).ok()) return absl::InvalidArgumentError("the call carries no report");
  std::string bytes;
  bytes.reserve(buffer.Length());
  for (const grpc::Slice& slice : slices) {
    bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  return bytes;
}

}  // namespace

// AgentService.Report, taking the report's bytes rather than a parsed ReportRequest: most
// reports are answered from their envelope alone (ingest/received_report.h), and parsing
// every vdev of each would cost more than the rest of the answer. Registered as generated
// code registers a method, with byte buffers for messages.
class GrpcServer::AgentServiceImpl final : public grpc::Service {
 public:
  AgentServiceImpl(ReportProcessor* reports, bool mtls) : reports_(reports), mtls_(mtls) {
    AddMethod(new grpc::internal::RpcServiceMethod(
        kReportMethod, grpc::internal::RpcMethod::NORMAL_RPC,
        new grpc::internal::RpcMethodHandler<AgentServiceImpl, grpc::ByteBuffer, grpc::ByteBuffer>(
            [](AgentServiceImpl* service, grpc::ServerContext* context,
               const grpc::ByteBuffer* request, grpc::ByteBuffer* response) {
              return service->Report(*context, *request, *response);
            },
            this)));
  }

  grpc::Status Report(grpc::ServerContext& context, const grpc::ByteBuffer& request,
                      grpc::ByteBuffer& response) {
    absl::StatusOr<std::string> bytes = Flatten(request);
    if (!bytes.ok()) return ToGrpcStatus(bytes.status());
    absl::StatusOr<ReceivedReport> received = ReceiveReport(*std::move(bytes));
    if (!received.ok()) return ToGrpcStatus(received.status());
    const std::string& host_id = received->envelope.host_id();
    const Caller caller = CallerOf(context, mtls_);
    if (absl::Status allowed = AuthorizeReport(caller, host_id); !allowed.ok()) {
      LogRefusalOnce(caller, host_id, allowed);
      return ToGrpcStatus(allowed);
    }
    // A call its agent gave up on (its deadline passed while it waited for a thread) is
    // not worth the work: the agent sends the observation again. Under a load the
    // controller cannot hold, this keeps it from falling further behind.
    if (context.IsCancelled()) {
      return grpc::Status(grpc::StatusCode::CANCELLED, "the call was cancelled before it ran");
    }
    absl::StatusOr<std::string> reply = reports_->Process(*received);
    if (!reply.ok()) {
      // A refused report is the agent's to fix, and a full disk is logged once a minute by
      // the store's health, not once per report.
      const absl::StatusCode code = reply.status().code();
      if (code != absl::StatusCode::kInvalidArgument &&
          code != absl::StatusCode::kResourceExhausted) {
        spdlog::error("report from {}: {}", host_id, reply.status().message());
      }
      return ToGrpcStatus(reply.status());
    }
    grpc::Slice slice(*reply);
    response = grpc::ByteBuffer(&slice, 1);
    return grpc::Status::OK;
  }

 private:
  void LogRefusalOnce(const Caller& caller, const std::string& host_id, const absl::Status& why) {
    absl::MutexLock lock(&refusals_mu_);
    if (refusals_.size() >= kMaxRefusalsRemembered) refusals_.clear();
    if (!refusals_.insert(absl::StrCat(caller.name, "\n", host_id)).second) return;
    spdlog::warn("refused a report from {}: {}", caller.peer, why.message());
  }

  ReportProcessor* reports_;
  const bool mtls_;
  absl::Mutex refusals_mu_;
  absl::flat_hash_set<std::string> refusals_ ABSL_GUARDED_BY(refusals_mu_);
};

class GrpcServer::FleetServiceImpl final : public v1::FleetService::Service {
 public:
  FleetServiceImpl(Controller* controller, bool mtls) : controller_(controller), mtls_(mtls) {}

  grpc::Status ListEvents(grpc::ServerContext* context, const v1::ListEventsRequest* request,
                          v1::ListEventsResponse* response) override {
    return Read(
        context, "list events", [&] { return controller_->events().ListEvents(*request); },
        response);
  }
  grpc::Status GetHistory(grpc::ServerContext* context, const v1::GetHistoryRequest* request,
                          v1::GetHistoryResponse* response) override {
    return Read(
        context, "read history", [&] { return controller_->events().GetHistory(*request); },
        response);
  }
  grpc::Status ListDisks(grpc::ServerContext* context, const v1::ListDisksRequest* request,
                         v1::ListDisksResponse* response) override {
    return Read(
        context, "list disks", [&] { return controller_->events().ListDisks(*request); }, response);
  }
  grpc::Status Triage(grpc::ServerContext* context, const v1::TriageRequest* request,
                      v1::TriageResponse* response) override {
    return Read(
        context, "read triage", [&] { return controller_->events().Triage(*request); }, response);
  }
  grpc::Status ListIncidents(grpc::ServerContext* context, const v1::ListIncidentsRequest* request,
                             v1::ListIncidentsResponse* response) override {
    return Read(
        context, "list incidents", [&] { return controller_->events().ListIncidents(*request); },
        response);
  }
  grpc::Status GetSchedule(grpc::ServerContext* context, const v1::GetScheduleRequest*,
                           v1::GetScheduleResponse* response) override {
    return Read(
        context, "read the schedule", [&] { return controller_->schedule().GetSchedule(); },
        response);
  }
  grpc::Status ListHosts(grpc::ServerContext* context, const v1::ListHostsRequest*,
                         v1::ListHostsResponse* response) override {
    return Read(
        context, "list hosts", [&] { return controller_->fleet().ListHosts(); }, response);
  }
  grpc::Status ListPools(grpc::ServerContext* context, const v1::ListPoolsRequest*,
                         v1::ListPoolsResponse* response) override {
    return Read(
        context, "list pools", [&] { return controller_->fleet().ListPools(); }, response);
  }
  grpc::Status GetStatus(grpc::ServerContext* context, const v1::GetStatusRequest* request,
                         v1::GetStatusResponse* response) override {
    return Read(
        context, "read the fleet status", [&] { return controller_->fleet().GetStatus(*request); },
        response);
  }
  grpc::Status GetPool(grpc::ServerContext* context, const v1::GetPoolRequest* request,
                       v1::GetPoolResponse* response) override {
    return Read(
        context, "read a pool", [&] { return controller_->fleet().GetPool(*request); }, response);
  }
  grpc::Status ListAudit(grpc::ServerContext* context, const v1::ListAuditRequest* request,
                         v1::ListAuditResponse* response) override {
    return Read(
        context, "read the audit trail", [&] { return controller_->admin().ListAudit(*request); },
        response);
  }

  // Anyone the server let in may ask who it is, whatever its role.
  grpc::Status WhoAmI(grpc::ServerContext* context, const v1::WhoAmIRequest*,
                      v1::WhoAmIResponse* response) override {
    const Caller caller = CallerOf(*context, mtls_);
    response->set_name(caller.name);
    response->set_role(std::string(RoleName(caller.role)));
    response->set_transport(caller.mtls ? "mtls" : "plaintext");
    response->set_peer(caller.peer);
    if (caller.cert_not_after.has_value()) {
      response->set_cert_not_after(absl::ToUnixSeconds(*caller.cert_not_after));
    }
    return grpc::Status::OK;
  }

  grpc::Status RequestScrub(grpc::ServerContext* context, const v1::RequestScrubRequest* request,
                            v1::RequestScrubResponse* response) override {
    WriteCall call{Access::kOperate, ScrubActionWords(request->action()),
                   ScrubActionName(request->action()),
                   absl::StrCat(request->host_id(), "/", request->pool())};
    return Write(
        context, call, [&](const Caller&) { return controller_->fleet().RequestScrub(*request); },
        [&](const v1::RequestScrubResponse& done) {
          std::string detail =
              done.command_id().empty()
                  ? absl::StrCat("queued for the scheduler, run ", done.scrub_run_id())
                  : absl::StrCat("command ", done.command_id(), ", run ", done.scrub_run_id());
          if (request->now()) absl::StrAppend(&detail, ", --now");
          return detail;
        },
        response);
  }
  grpc::Status AckEvents(grpc::ServerContext* context, const v1::AckEventsRequest* request,
                         v1::AckEventsResponse* response) override {
    return Ack(context, *request, response, "acknowledge events", "events ",
               &EventQueries::AckEvents);
  }
  grpc::Status AckIncidents(grpc::ServerContext* context, const v1::AckIncidentsRequest* request,
                            v1::AckIncidentsResponse* response) override {
    return Ack(context, *request, response, "acknowledge incidents", "incidents ",
               &EventQueries::AckIncidents);
  }
  grpc::Status ForgetHost(grpc::ServerContext* context, const v1::ForgetHostRequest* request,
                          v1::ForgetHostResponse* response) override {
    WriteCall call{Access::kAdminister, "forget a host", "forget-host", request->host_id()};
    return Write(
        context, call, [&](const Caller&) { return controller_->admin().ForgetHost(*request); },
        [](const v1::ForgetHostResponse& done) {
          return absl::StrCat("removed ", done.pools(), " pools and ", done.events(), " events");
        },
        response);
  }
  grpc::Status CancelQueued(grpc::ServerContext* context, const v1::CancelQueuedRequest* request,
                            v1::CancelQueuedResponse* response) override {
    WriteCall call{Access::kAdminister, "cancel queued scrub requests", "cancel-queued",
                   request->host_id().empty() ? "fleet" : request->host_id()};
    return Write(
        context, call,
        [&](const Caller& caller) {
          return controller_->admin().CancelQueued(*request, caller.name);
        },
        [](const v1::CancelQueuedResponse& done) {
          return absl::StrCat("canceled ", done.runs_canceled(), " requests");
        },
        response);
  }

 private:
  // AckEvents, AckIncidents: an operator's write of who acknowledged; under mutual TLS the
  // certificate names who, never a typed name.
  template <typename Request, typename Response>
  grpc::Status Ack(grpc::ServerContext* context, const Request& request, Response* response,
                   absl::string_view what, absl::string_view noun,
                   absl::StatusOr<Response> (EventQueries::*ack)(const Request&)) {
    WriteCall call{Access::kOperate, what, "ack",
                   absl::StrCat(noun, absl::StrJoin(request.ids(), ","))};
    return Write(
        context, call,
        [&](const Caller& caller) {
          Request by = request;
          if (caller.mtls || by.by().empty()) by.set_by(caller.name);
          return (controller_->events().*ack)(by);
        },
        [](const Response& done) {
          std::string detail =
              absl::StrCat("acknowledged ", absl::StrJoin(done.acknowledged(), ","));
          if (!done.unknown().empty()) {
            absl::StrAppend(&detail, "; unknown ", absl::StrJoin(done.unknown(), ","));
          }
          return detail;
        },
        response);
  }

  struct WriteCall {
    Access access;
    absl::string_view what;    // in words, for a refusal
    absl::string_view action;  // AuditEntry.action
    std::string target;
  };

  // `read()` returns absl::StatusOr<Response>.
  template <typename Response, typename ReadFn>
  grpc::Status Read(grpc::ServerContext* context, absl::string_view what, ReadFn read,
                    Response* reply) {
    const Caller caller = CallerOf(*context, mtls_);
    if (absl::Status allowed = Authorize(caller, Access::kRead, what); !allowed.ok()) {
      return ToGrpcStatus(allowed);
    }
    return Reply(read(), reply);
  }

  // Authorizes, runs `write(caller)` (returns absl::StatusOr<Response>), and records the
  // outcome in the audit trail either way; `detail(response)` says what a success did.
  template <typename Response, typename WriteFn, typename DetailFn>
  grpc::Status Write(grpc::ServerContext* context, const WriteCall& call, WriteFn write,
                     DetailFn detail, Response* reply) {
    const Caller caller = CallerOf(*context, mtls_);
    v1::AuditEntry entry;
    entry.set_who(caller.name);
    entry.set_role(std::string(RoleName(caller.role)));
    entry.set_peer(caller.peer);
    entry.set_action(std::string(call.action));
    entry.set_target(call.target);
    if (absl::Status allowed = Authorize(caller, call.access, call.what); !allowed.ok()) {
      entry.set_result("denied");
      entry.set_detail(std::string(allowed.message()));
      Audit(entry);
      return ToGrpcStatus(allowed);
    }
    absl::StatusOr<Response> result = write(caller);
    if (result.ok()) {
      entry.set_result("ok");
      entry.set_detail(detail(*result));
      spdlog::info("{} by {} ({}): {} — {}", call.action, caller.name, RoleName(caller.role),
                   call.target, entry.detail());
    } else {
      entry.set_result(std::string(result.status().message()));
    }
    Audit(entry);
    return Reply(std::move(result), reply);
  }

  void Audit(const v1::AuditEntry& entry) {
    if (absl::Status recorded = controller_->admin().Record(entry); !recorded.ok()) {
      spdlog::error("cannot record the audit entry for {} {} by {}: {}", entry.action(),
                    entry.target(), entry.who(), recorded.message());
    }
  }

  Controller* controller_;
  const bool mtls_;
};

GrpcServer::GrpcServer(Controller* controller, bool mtls)
    : agent_service_(std::make_unique<AgentServiceImpl>(&controller->reports(), mtls)),
      fleet_service_(std::make_unique<FleetServiceImpl>(controller, mtls)) {}

absl::StatusOr<std::unique_ptr<GrpcServer>> GrpcServer::Start(const GrpcServerOptions& options,
                                                              Controller* controller) {
  const bool mtls = options.tls.has_value();
  std::unique_ptr<GrpcServer> server(new GrpcServer(controller, mtls));
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen,
                           mtls ? tls::MutualTlsServerCredentials(*options.tls, options.tls_refresh)
                                : grpc::InsecureServerCredentials(),
                           &server->port_);
  builder.SetMaxReceiveMessageSize(kMaxReceiveBytes);
  grpc::ResourceQuota quota("zfleet-controller");
  quota.SetMaxThreads(kMaxServingThreads);
  builder.SetResourceQuota(quota);
  builder.RegisterService(server->agent_service_.get());
  builder.RegisterService(server->fleet_service_.get());
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", options.listen));
  }
  return server;
}

void GrpcServer::Shutdown(absl::Duration grace) {
  absl::MutexLock lock(&shutdown_mu_);
  if (shut_down_) return;
  shut_down_ = true;
  if (server_ == nullptr) return;  // never started
  server_->Shutdown(std::chrono::system_clock::now() +
                    std::chrono::milliseconds(absl::ToInt64Milliseconds(grace)));
}

void GrpcServer::Wait() { server_->Wait(); }

GrpcServer::~GrpcServer() { Shutdown(); }

}  // namespace zfleet::controller
