// A controller and an agent as real processes on 127.0.0.1, and the real `zfleet` CLI
// pointed at them; in plaintext, or over mutual TLS with a PKI made by
// `zfleet-controller pki` in the test's directory.
#ifndef ZFLEET_TESTS_TESTING_FLEET_FIXTURE_H_
#define ZFLEET_TESTS_TESTING_FLEET_FIXTURE_H_

#include <signal.h>

#include <functional>
#include <utility>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "tests/testing/child_process.h"
#include "tests/testing/temp_dir.h"

namespace zfleet::testing {

std::string BinaryPath(const std::string& name);  // zfleet, zfleet-agent, zfleet-controller

// A port on 127.0.0.1 that was free a moment ago.
int FreeLoopbackPort();

// A plain HTTP/1.0 GET of `path` on 127.0.0.1:`port` (5 s to answer): the whole response,
// status line and headers included; "" when nothing answers.
std::string HttpGet(int port, const std::string& path);

// Whether something accepts a TCP connection on 127.0.0.1:`port`.
bool AcceptsConnections(int port);

// Polls `done` every `every` for at most `timeout`; whether it came true.
bool WaitFor(const std::function<bool()>& done, absl::Duration timeout,
             absl::Duration every = absl::Milliseconds(200));

// controller.toml [classes.*] tables giving every disk class the scrub `interval`.
std::string EveryClassScrubbedEvery(absl::Duration interval);
// An interval after which the scheduler starts nothing of its own during a test: only the
// scrubs the test asks for run.
inline constexpr absl::Duration kNeverDue = absl::Hours(24 * 3650);

class ProcessFleet {
 public:
  // `dir` holds the database, configs and logs; it must outlive the fleet.
  explicit ProcessFleet(const TempDir* dir) : dir_(dir) {}

  // From now on every process uses mutual TLS: makes DIR/pki (CA, controller certificate)
  // and an admin user "oncall" the CLI acts as. Call before starting anything. Returns
  // false (and fails the test) when `zfleet-controller pki` fails.
  bool EnableMutualTls();
  bool mutual_tls() const { return mutual_tls_; }
  // DIR/pki, where `Issue*` put their files.
  std::string PkiDir() const { return dir_->File("pki"); }
  // `zfleet-controller pki issue` for a user in `role` / an agent; false (and a test
  // failure) when it fails.
  bool IssueUser(const std::string& name, const std::string& role) const;
  bool IssueAgent(const std::string& host_id) const;

  // Where each process runs and how it reaches the controller, for a fleet split across
  // network namespaces (see NetFaultLink). An empty field keeps the default: everything
  // on 127.0.0.1 at a free port. Call before starting anything.
  struct Placement {
    std::vector<std::string> controller_prefix;  // argv before the binary, e.g. ip netns exec NS
    std::string listen;                          // the controller's --listen
    std::vector<std::string> controller_flags;   // more flags, e.g. --insecure-plaintext
    std::vector<std::string> agent_prefix;
    std::string agent_target;  // the agent's --controller
    std::vector<std::string> cli_prefix;
    std::string cli_target;  // the CLI's --controller
  };
  void Place(Placement placement) { placement_ = std::move(placement); }

  // Starts zfleet-controller with agents told to report every second, `agents_toml` added
  // to its [agents] table and `extra_toml` appended to its controller.toml.
  void StartController(const std::string& extra_toml = "", const std::string& agents_toml = "");
  // Stops the controller with `signal` (SIGKILL: as a crash would, mid-write or not).
  void StopController(int signal = SIGTERM) {
    if (controller_ != nullptr) controller_->Stop(signal);
    controller_.reset();
  }
  // Starts zfleet-agent as `host_id` using `zpool` (under mutual TLS with the certificate
  // of `cert_host`, issued on first use; default: `host_id`'s own).
  void StartAgent(const std::string& host_id, const std::string& zpool,
                  const std::string& agent_toml = "[agent]\npoll_interval = \"1s\"\n",
                  const std::string& cert_host = "");
  // Stops the agent with `signal` (SIGKILL: as a crash would, whatever it was doing).
  void StopAgent(int signal = SIGTERM) {
    if (agent_ != nullptr) agent_->Stop(signal);
    agent_.reset();
  }
  // Sends `signal` to the running controller: SIGSTOP freezes it (its socket still accepts,
  // nothing is answered), SIGCONT thaws it.
  void SignalController(int signal) const {
    if (controller_ != nullptr) kill(controller_->pid(), signal);
  }
  // DIR/agent-state, the agent's --state-dir, kept across StartAgent calls.
  std::string AgentStateDir() const { return dir_->File("agent-state"); }
  // Stops the agent with `signal` and returns its exit status and how long it took to end
  // (it is killed after 5 s).
  std::pair<int, absl::Duration> StopAgentTimed(int signal);

  // Where the CLI reaches the controller.
  const std::string& address() const { return address_; }
  // Runs `zfleet --controller ADDRESS ARGS…` (as the admin "oncall" under mutual TLS).
  RunResult Cli(const std::vector<std::string>& args, int timeout_s = 30) const;
  // The same as the user `user` (issued with IssueUser).
  RunResult CliAs(const std::string& user, const std::vector<std::string>& args,
                  int timeout_s = 30) const;
  // `zfleet --json ARGS…` parsed; null JSON when the call fails or prints no JSON.
  nlohmann::json CliJson(const std::vector<std::string>& args) const;
  // Polls `zfleet --json ARGS…` every 200 ms for at most `timeout_s` until `done` holds.
  // Returns the last document.
  nlohmann::json WaitForJson(const std::vector<std::string>& args,
                             const std::function<bool(const nlohmann::json&)>& done,
                             int timeout_s = 60) const;
  std::string Logs() const;

 private:
  // --tls-ca/--tls-cert/--tls-key for a certificate DIR/pki/<stem>.crt|.key; none in
  // plaintext.
  std::vector<std::string> TlsFlags(const std::string& stem) const;

  // address_ on first use, then the placement's fields where it sets them.
  void Resolve();

  const TempDir* dir_;
  bool mutual_tls_ = false;
  Placement placement_;
  std::string address_;
  std::unique_ptr<ChildProcess> controller_;
  std::unique_ptr<ChildProcess> agent_;
};

}  // namespace zfleet::testing

#endif  // ZFLEET_TESTS_TESTING_FLEET_FIXTURE_H_
