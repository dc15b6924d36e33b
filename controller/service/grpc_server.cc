#include "controller/service/grpc_server.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "common/grpc/grpc_status.h"
#include "common/log.h"
#include "zfleet/v1/zfleet.grpc.pb.h"

namespace zfleet::controller {
namespace {

// Copies a StatusOr's value into the reply or turns its error into the RPC's status.
template <typename T>
grpc::Status Reply(absl::StatusOr<T> result, T* reply) {
  if (!result.ok()) return ToGrpcStatus(result.status());
  *reply = *std::move(result);
  return grpc::Status::OK;
}

}  // namespace

class GrpcServer::AgentServiceImpl final : public v1::AgentService::Service {
 public:
  explicit AgentServiceImpl(ReportProcessor* reports) : reports_(reports) {}
  grpc::Status Report(grpc::ServerContext*, const v1::ReportRequest* request,
                      v1::ReportResponse* response) override {
    auto result = reports_->Process(*request);
    if (!result.ok() && result.status().code() != absl::StatusCode::kInvalidArgument) {
      spdlog::error("report from {}: {}", request->host_id(), result.status().message());
    }
    return Reply(std::move(result), response);
  }

 private:
  ReportProcessor* reports_;
};

class GrpcServer::FleetServiceImpl final : public v1::FleetService::Service {
 public:
  FleetServiceImpl(FleetQueries* queries, ScheduleService* schedule, EventQueries* events)
      : queries_(queries), schedule_(schedule), events_(events) {}
  grpc::Status ListEvents(grpc::ServerContext*, const v1::ListEventsRequest* request,
                          v1::ListEventsResponse* response) override {
    return Reply(events_->ListEvents(*request), response);
  }
  grpc::Status AckEvents(grpc::ServerContext*, const v1::AckEventsRequest* request,
                         v1::AckEventsResponse* response) override {
    return Reply(events_->AckEvents(*request), response);
  }
  grpc::Status GetHistory(grpc::ServerContext*, const v1::GetHistoryRequest* request,
                          v1::GetHistoryResponse* response) override {
    return Reply(events_->GetHistory(*request), response);
  }
  grpc::Status ListDisks(grpc::ServerContext*, const v1::ListDisksRequest* request,
                         v1::ListDisksResponse* response) override {
    return Reply(events_->ListDisks(*request), response);
  }
  grpc::Status Triage(grpc::ServerContext*, const v1::TriageRequest* request,
                      v1::TriageResponse* response) override {
    return Reply(events_->Triage(*request), response);
  }
  grpc::Status GetSchedule(grpc::ServerContext*, const v1::GetScheduleRequest*,
                           v1::GetScheduleResponse* response) override {
    return Reply(schedule_->GetSchedule(), response);
  }
  grpc::Status ListHosts(grpc::ServerContext*, const v1::ListHostsRequest*,
                         v1::ListHostsResponse* response) override {
    return Reply(queries_->ListHosts(), response);
  }
  grpc::Status ListPools(grpc::ServerContext*, const v1::ListPoolsRequest*,
                         v1::ListPoolsResponse* response) override {
    return Reply(queries_->ListPools(), response);
  }
  grpc::Status GetStatus(grpc::ServerContext*, const v1::GetStatusRequest*,
                         v1::GetStatusResponse* response) override {
    return Reply(queries_->GetStatus(), response);
  }
  grpc::Status GetPool(grpc::ServerContext*, const v1::GetPoolRequest* request,
                       v1::GetPoolResponse* response) override {
    return Reply(queries_->GetPool(*request), response);
  }
  grpc::Status RequestScrub(grpc::ServerContext*, const v1::RequestScrubRequest* request,
                            v1::RequestScrubResponse* response) override {
    auto result = queries_->RequestScrub(*request);
    if (result.ok()) {
      spdlog::info("scrub {} requested for {}/{} (command {})",
                   v1::ScrubAction_Name(request->action()), request->host_id(), request->pool(),
                   result->command_id());
    }
    return Reply(std::move(result), response);
  }

 private:
  FleetQueries* queries_;
  ScheduleService* schedule_;
  EventQueries* events_;
};

GrpcServer::GrpcServer(Controller* controller)
    : agent_service_(std::make_unique<AgentServiceImpl>(&controller->reports())),
      fleet_service_(std::make_unique<FleetServiceImpl>(
          &controller->fleet(), &controller->schedule(), &controller->events())) {}

absl::StatusOr<std::unique_ptr<GrpcServer>> GrpcServer::Start(const std::string& listen,
                                                              Controller* controller) {
  std::unique_ptr<GrpcServer> server(new GrpcServer(controller));
  grpc::ServerBuilder builder;
  builder.AddListeningPort(listen, grpc::InsecureServerCredentials(), &server->port_);
  // A host with hundreds of pools sends reports past gRPC's default 4 MiB.
  builder.SetMaxReceiveMessageSize(256 << 20);
  builder.RegisterService(server->agent_service_.get());
  builder.RegisterService(server->fleet_service_.get());
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", listen));
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
