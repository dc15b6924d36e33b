#include "controller/server.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "common/grpc_status.h"
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

class ControllerServer::AgentServiceImpl final : public v1::AgentService::Service {
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

class ControllerServer::FleetServiceImpl final : public v1::FleetService::Service {
 public:
  FleetServiceImpl(FleetQueries* queries, ScheduleService* schedule)
      : queries_(queries), schedule_(schedule) {}
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
  grpc::Status GetPool(grpc::ServerContext*, const v1::GetPoolRequest* request,
                       v1::GetPoolResponse* response) override {
    return Reply(queries_->GetPool(*request), response);
  }
  grpc::Status RequestScrub(grpc::ServerContext*, const v1::RequestScrubRequest* request,
                            v1::RequestScrubResponse* response) override {
    auto result = queries_->RequestScrub(*request);
    if (result.ok()) {
      spdlog::info("scrub {} requested for {}/{} (command {})",
                   v1::ScrubAction_Name(request->action()), request->host_id(),
                   request->pool(), result->command_id());
    }
    return Reply(std::move(result), response);
  }

 private:
  FleetQueries* queries_;
  ScheduleService* schedule_;
};

ControllerServer::ControllerServer(Store* store, const ControllerConfig* config,
                                   const Clock* clock)
    : reports_(store, &store_mu_, config, clock),
      queries_(store, &store_mu_, config, clock),
      schedule_(store, &store_mu_, config, clock),
      scheduler_runner_(config->scheduler.tick,
                        [this] {
                          if (absl::Status s = schedule_.Tick(); !s.ok()) {
                            spdlog::error("scheduler: {}", s.message());
                          }
                        }),
      agent_service_(std::make_unique<AgentServiceImpl>(&reports_)),
      fleet_service_(std::make_unique<FleetServiceImpl>(&queries_, &schedule_)) {
  queries_.set_on_scrub_requested([this] { scheduler_runner_.Kick(); });
}

absl::StatusOr<std::unique_ptr<ControllerServer>> ControllerServer::Start(
    const std::string& listen, Store* store, const ControllerConfig* config,
    const Clock* clock) {
  std::unique_ptr<ControllerServer> server(new ControllerServer(store, config, clock));
  grpc::ServerBuilder builder;
  builder.AddListeningPort(listen, grpc::InsecureServerCredentials(), &server->port_);
  builder.RegisterService(server->agent_service_.get());
  builder.RegisterService(server->fleet_service_.get());
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", listen));
  }
  server->scheduler_runner_.Start();
  return server;
}

void ControllerServer::Shutdown(absl::Duration grace) {
  absl::MutexLock lock(&shutdown_mu_);
  if (shut_down_) return;
  shut_down_ = true;
  scheduler_runner_.Stop();
  if (server_ == nullptr) return;  // never started
  server_->Shutdown(std::chrono::system_clock::now() +
                    std::chrono::milliseconds(absl::ToInt64Milliseconds(grace)));
}

void ControllerServer::Wait() { server_->Wait(); }

ControllerServer::~ControllerServer() { Shutdown(); }

}  // namespace zfleet::controller
