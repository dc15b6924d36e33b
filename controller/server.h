// The controller's gRPC server: AgentService for agents, FleetService for the CLI, both
// thin shells over ReportProcessor and FleetQueries.
#ifndef ZFLEET_CONTROLLER_SERVER_H_
#define ZFLEET_CONTROLLER_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/clock.h"
#include "controller/controller_config.h"
#include "controller/event_queries.h"
#include "controller/fleet_queries.h"
#include "controller/periodic_runner.h"
#include "controller/report_processor.h"
#include "controller/schedule_service.h"
#include "controller/store.h"
#include "grpcpp/grpcpp.h"

namespace zfleet::controller {

class ControllerServer {
 public:
  // Starts serving on `listen` ("127.0.0.1:0" picks a free port) and the scheduler's tick
  // (every config->scheduler.tick). `store`, `config` and `clock` must outlive the server.
  // Returns Unavailable when the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<ControllerServer>> Start(const std::string& listen,
                                                                 Store* store,
                                                                 const ControllerConfig* config,
                                                                 const Clock* clock);
  ~ControllerServer();  // shuts down

  int port() const { return port_; }
  // The scheduler, for tests that tick it by hand (its own thread ticks it too).
  ScheduleService& schedule() { return schedule_; }
  // Events, history, triage and the /metrics text.
  EventQueries& events() { return events_; }
  // One controller tick: the scheduler, then event checks (hosts missing, stalled and
  // overdue scrubs, retention). Its own thread runs it every scheduler.tick.
  void Tick();
  // Stops accepting calls and waits (at most `grace`) for calls under way. Idempotent.
  void Shutdown(absl::Duration grace = absl::Seconds(5));
  // Blocks until Shutdown().
  void Wait();

 private:
  class AgentServiceImpl;
  class FleetServiceImpl;
  ControllerServer(Store* store, const ControllerConfig* config, const Clock* clock);

  Store* store_;
  const ControllerConfig* config_;
  const Clock* clock_;

  absl::Mutex store_mu_;
  ReportProcessor reports_;
  FleetQueries queries_;
  EventQueries events_;
  ScheduleService schedule_;
  PeriodicRunner scheduler_runner_;
  std::unique_ptr<AgentServiceImpl> agent_service_;
  std::unique_ptr<FleetServiceImpl> fleet_service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  absl::Mutex shutdown_mu_;
  bool shut_down_ ABSL_GUARDED_BY(shutdown_mu_) = false;
};

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_SERVER_H_
