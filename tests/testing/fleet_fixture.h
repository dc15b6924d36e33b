// A controller and an agent as real processes on 127.0.0.1, and the real `zfleet` CLI
// pointed at them.
#ifndef ZFLEET_TESTS_TESTING_FLEET_FIXTURE_H_
#define ZFLEET_TESTS_TESTING_FLEET_FIXTURE_H_

#include <signal.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "nlohmann/json.hpp"
#include "tests/testing/child_process.h"
#include "tests/testing/temp_dir.h"

namespace zfleet::testing {

std::string BinaryPath(const std::string& name);  // zfleet, zfleet-agent, zfleet-controller

// A port on 127.0.0.1 that was free a moment ago.
int FreeLoopbackPort();

class ProcessFleet {
 public:
  // `dir` holds the database, configs and logs; it must outlive the fleet.
  explicit ProcessFleet(const TempDir* dir) : dir_(dir) {}

  // Starts zfleet-controller with agents told to report every second.
  void StartController();
  // Stops the controller with `signal` (SIGKILL: as a crash would, mid-write or not).
  void StopController(int signal = SIGTERM) {
    if (controller_ != nullptr) controller_->Stop(signal);
    controller_.reset();
  }
  // Starts zfleet-agent as `host_id` using `zpool`.
  void StartAgent(const std::string& host_id, const std::string& zpool,
                  const std::string& agent_toml = "[agent]\npoll_interval = \"1s\"\n");
  void StopAgent() { agent_.reset(); }

  const std::string& address() const { return address_; }
  // Runs `zfleet --controller ADDRESS ARGS…`.
  RunResult Cli(const std::vector<std::string>& args, int timeout_s = 30) const;
  // `zfleet --json ARGS…` parsed; null JSON when the call fails or prints no JSON.
  nlohmann::json CliJson(const std::vector<std::string>& args) const;
  // Polls `zfleet --json ARGS…` every 200 ms for at most `timeout_s` until `done` holds.
  // Returns the last document.
  nlohmann::json WaitForJson(const std::vector<std::string>& args,
                             const std::function<bool(const nlohmann::json&)>& done,
                             int timeout_s = 60) const;
  std::string Logs() const;

 private:
  const TempDir* dir_;
  std::string address_;
  std::unique_ptr<ChildProcess> controller_;
  std::unique_ptr<ChildProcess> agent_;
};

}  // namespace zfleet::testing

#endif  // ZFLEET_TESTS_TESTING_FLEET_FIXTURE_H_
