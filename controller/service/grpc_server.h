// The controller's gRPC server: AgentService for agents and FleetService for the CLI, thin
// shells that turn each call into one call on the Controller and its result into the reply.
// Each call is first authorized (auth/access.h) from the caller's client certificate under
// mutual TLS, or as the local admin on plaintext; every write a person asks for, allowed or
// refused, is recorded in the audit trail.
#ifndef ZFLEET_CONTROLLER_SERVICE_GRPC_SERVER_H_
#define ZFLEET_CONTROLLER_SERVICE_GRPC_SERVER_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/tls/tls_files.h"
#include "controller/controller.h"
#include "grpcpp/grpcpp.h"

namespace zfleet::controller {

struct GrpcServerOptions {
  std::string listen = "127.0.0.1:0";  // "127.0.0.1:0" picks a free port
  // Mutual TLS with these files (re-read every `tls_refresh`); nullopt serves plaintext.
  // The caller checks the plaintext policy (auth/listen_policy.h) and the files
  // (tls::CheckTlsFiles) first.
  std::optional<tls::TlsFiles> tls;
  absl::Duration tls_refresh = absl::Seconds(2);
};

class GrpcServer {
 public:
  // Starts serving `controller`. `controller` must outlive the server. Returns Unavailable
  // when the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<GrpcServer>> Start(const GrpcServerOptions& options,
                                                           Controller* controller);
  ~GrpcServer();  // Shutdown()

  int port() const { return port_; }
  // Stops accepting calls and waits (at most `grace`) for calls under way. Idempotent.
  void Shutdown(absl::Duration grace = absl::Seconds(5));
  // Blocks until Shutdown().
  void Wait();

 private:
  class AgentServiceImpl;
  class FleetServiceImpl;
  GrpcServer(Controller* controller, bool mtls);

  std::unique_ptr<AgentServiceImpl> agent_service_;
  std::unique_ptr<FleetServiceImpl> fleet_service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  absl::Mutex shutdown_mu_;
  bool shut_down_ ABSL_GUARDED_BY(shutdown_mu_) = false;
};

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_SERVICE_GRPC_SERVER_H_
