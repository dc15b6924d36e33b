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
};

// Serves until SIGINT/SIGTERM. Returns the exit code; one error line on stderr on failure.
int RunController(const ControllerFlags& flags);

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_CONTROLLER_APP_H_
