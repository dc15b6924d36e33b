// A small HTTP/1.1 server for Prometheus: GET /metrics answers with what `render` returns
// (text/plain; version=0.0.4), 500 with the error when it fails; every other path is 404.
// Built on Debian's cpp-httplib, kept out of this header.
//
// Thread-safe. `render` runs on the server's threads (at most two at a time) and must be
// thread-safe itself (EventQueries::Metrics is).
#ifndef ZFLEET_CONTROLLER_SERVICE_METRICS_SERVER_H_
#define ZFLEET_CONTROLLER_SERVICE_METRICS_SERVER_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace zfleet::controller {

class MetricsServer {
 public:
  using Render = std::function<absl::StatusOr<std::string>()>;

  // Listens on `listen` ("HOST:PORT", "[V6]:PORT"; port 0 picks a free one) and serves
  // until Stop(). InvalidArgument for a malformed address, Unavailable when it cannot be
  // bound (naming the address).
  static absl::StatusOr<std::unique_ptr<MetricsServer>> Start(const std::string& listen,
                                                              Render render);
  ~MetricsServer();  // Stop()
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  int port() const { return port_; }
  // Stops accepting, lets requests under way finish, and joins the server thread.
  // Idempotent.
  void Stop();

 private:
  class Impl;
  MetricsServer(std::unique_ptr<Impl> impl, int port);
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_SERVICE_METRICS_SERVER_H_
