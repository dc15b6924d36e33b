// Two network namespaces a test makes, joined by a veth pair, and faults on that link:
// random packet loss with nftables (`numgen random mod 100 < P drop`), a rate limit that
// queues and so delays with tc tbf (the kernel here has no netem), and a full outage.
// Needs root, `ip`, `nft` and `tc`. Everything lives inside the two namespaces, so deleting
// them removes the link, the nftables table and the qdiscs; nothing touches the host's own
// network.
#ifndef ZFLEET_TESTS_TESTING_NET_FAULT_LINK_H_
#define ZFLEET_TESTS_TESTING_NET_FAULT_LINK_H_

#include <memory>
#include <string>
#include <vector>

#include "tests/testing/fleet_fixture.h"

namespace zfleet::testing {

class NetFaultLink {
 public:
  // The link's two ends. No route leads there from the host: both ends sit in the test's
  // own namespaces, which have no other interface. 198.18.0.0/15 is the range set aside
  // for testing network devices (RFC 2544), used by nothing real.
  static constexpr const char* kControllerAddress = "198.18.0.1";
  static constexpr const char* kAgentAddress = "198.18.0.2";

  // Makes the namespaces zfleet-nf-PID-c (controller side) and zfleet-nf-PID-a (agent
  // side) and the link between them, after removing those a gone test process left
  // behind. Returns null and sets *error (a missing tool, no permission) on failure,
  // leaving nothing behind.
  static std::unique_ptr<NetFaultLink> Create(std::string* error);
  // Kills what still runs in the namespaces and deletes them.
  ~NetFaultLink();
  NetFaultLink(const NetFaultLink&) = delete;
  NetFaultLink& operator=(const NetFaultLink&) = delete;

  // `argv` to run inside the controller's or the agent's namespace (`ip netns exec`, which
  // execs: the process keeps the pid it is started with).
  std::vector<std::string> InController(const std::vector<std::string>& argv) const;
  std::vector<std::string> InAgent(const std::vector<std::string>& argv) const;
  // A ProcessFleet across the link: the controller (plaintext, listening on every address
  // of its namespace at `port`) and the CLI in the controller's namespace, the CLI over its
  // loopback, the agent in its own namespace reaching the controller over the link.
  ProcessFleet::Placement Placement(int port) const;

  // Each returns "" or what failed. Faults apply to both directions of the link.
  // Drops `percent` of the packets at random; 0 drops none.
  std::string SetLoss(int percent);
  // Limits the rate with tc tbf: `rate` and `burst` as tc takes them ("256kbit", "8kb"),
  // packets queued longer than `latency` ("300ms") are dropped.
  std::string Throttle(const std::string& rate, const std::string& burst,
                       const std::string& latency);
  // Drops every packet while `on`.
  std::string SetOutage(bool on);

 private:
  explicit NetFaultLink(std::string prefix) : prefix_(std::move(prefix)) {}
  std::string ControllerNs() const { return prefix_ + "-c"; }
  std::string AgentNs() const { return prefix_ + "-a"; }
  // Runs argv; "" when it exits 0, else the command and its stderr.
  static std::string Run(const std::vector<std::string>& argv);
  // Runs `nft ARGS…` in the controller's namespace.
  std::string Nft(const std::vector<std::string>& args) const;

  std::string prefix_;
};

// Removes namespace `ns`: kills every process in it, then deletes it. Best effort.
void DeleteNamespace(const std::string& ns);

}  // namespace zfleet::testing

#endif  // ZFLEET_TESTS_TESTING_NET_FAULT_LINK_H_
