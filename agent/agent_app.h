// Wiring of the zfleet-agent binary: real clock, real zpool, real gRPC.
#ifndef ZFLEET_AGENT_AGENT_APP_H_
#define ZFLEET_AGENT_AGENT_APP_H_

#include <string>

namespace zfleet::agent {

struct AgentFlags {
  std::string controller = "127.0.0.1:7400";
  std::string host_id;     // default: the hostname
  std::string zpool;       // default: `zpool` found on PATH
  std::string config;      // agent.toml; empty = defaults
  // The outbox of observations not yet delivered, the command journal and the stream id.
  std::string state_dir = "/var/lib/zfleet-agent";
  bool json = false;       // inspect only
  std::string dev_root = "/dev";  // where leaf device paths are resolved (tests: a fixture)
  std::string sys_root = "/sys";
  // Mutual TLS to the controller; each flag overrides agent.toml's [tls] key.
  std::string tls_ca;
  std::string tls_cert;
  std::string tls_key;
};

// Runs the report loop until SIGINT/SIGTERM. Returns the process exit code; prints one
// error line to stderr on bad flags or config.
int RunAgent(const AgentFlags& flags);

// `zfleet-agent inspect`: prints the agent's view of this host and exits.
int RunInspect(const AgentFlags& flags);

}  // namespace zfleet::agent

#endif  // ZFLEET_AGENT_AGENT_APP_H_
