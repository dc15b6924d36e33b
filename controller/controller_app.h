// Wiring of the zfleet-controller binary.
#ifndef ZFLEET_CONTROLLER_CONTROLLER_APP_H_
#define ZFLEET_CONTROLLER_CONTROLLER_APP_H_

#include <string>

namespace zfleet::controller {

struct ControllerFlags {
  std::string listen = "127.0.0.1:7400";
  std::string db;
  std::string config;
  std::string metrics_listen;
  // Mutual TLS; each flag overrides controller.toml's [tls] key.
  std::string tls_ca;
  std::string tls_cert;
  std::string tls_key;
  bool insecure_plaintext = false;  // allow plaintext on a non-loopback --listen
  bool metrics_tls = false;         // serve /metrics over HTTPS with the same certificates
};

// Serves until SIGINT/SIGTERM. Returns the exit code; one error line on stderr on failure.
int RunController(const ControllerFlags& flags);

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_CONTROLLER_APP_H_
