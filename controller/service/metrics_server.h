// A small HTTP/1.1 server for Prometheus: GET /metrics answers with what `render` returns
// (text/plain; version=0.0.4), 500 with the error when it fails; every other path is 404.
// Built on Debian's cpp-httplib, kept out of this header.
//
// With TLS files it serves HTTPS instead and requires every client to present a
// certificate that chains to the CA bundle (any role: /metrics is read-only). The served
// certificate/key and the CA bundle are re-read when one of the files changes (mtime,
// size or inode, checked at each new connection), so a rotated certificate or CA is used
// by the next scrape without a restart. A new set that cannot be used (unreadable, not
// PEM, key not matching the certificate: a rotation caught between its two renames) is
// ignored with a warning and the previous set stays in use until the files change again.
//
// Thread-safe. `render` runs on the server's threads (at most two at a time) and must be
// thread-safe itself (EventQueries::Metrics is).
#ifndef ZFLEET_CONTROLLER_SERVICE_METRICS_SERVER_H_
#define ZFLEET_CONTROLLER_SERVICE_METRICS_SERVER_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/tls/tls_files.h"

namespace zfleet::controller {

class MetricsServer {
 public:
  using Render = std::function<absl::StatusOr<std::string>()>;

  // Listens on `listen` ("HOST:PORT", "[V6]:PORT"; a bare ":PORT" or "PORT" binds
  // 127.0.0.1, loopback by default; port 0 picks a free one) and serves until Stop().
  // `tls` nullptr: plain HTTP. Otherwise HTTPS with mutual TLS over `*tls` (read at once
  // and on change; the pointer is not kept). REQUIRES: tls::CheckTlsFiles(*tls) was OK.
  // InvalidArgument for a malformed address or TLS files that cannot be loaded,
  // Unavailable when it cannot be bound (naming the address).
  static absl::StatusOr<std::unique_ptr<MetricsServer>> Start(const std::string& listen,
                                                              Render render,
                                                              const tls::TlsFiles* tls = nullptr);
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
