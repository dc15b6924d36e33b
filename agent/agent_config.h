// agent.toml: how often to look at zpool, labels for the scheduler's caps, and class
// overrides (file-backed pools have no transport to derive a class from).
//
//   [agent]
//   poll_interval = "10s"     # how often zpool is read; a change is reported at once
//   zpool_timeout = "60s"
//   stack_check_interval = "10m"  # kernel module, DKMS, services: checked this often
//   [labels]
//   rack = "r07"
//   [classes]
//   pools = { "demo-*" = "sata" }                          # pool-name glob → class
//   devices = { "/dev/disk/by-id/nvme-*" = "nvme" }        # device-path glob → class
//   [tls]                     # mutual TLS to the controller; the --tls-* flags win
//   ca = "/etc/zfleet/ca.crt"
//   cert = "/etc/zfleet/agent.crt"
//   key = "/etc/zfleet/agent.key"
#ifndef ZFLEET_AGENT_AGENT_CONFIG_H_
#define ZFLEET_AGENT_AGENT_CONFIG_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "agent/disks/disk_class.h"
#include "common/tls_paths.h"

namespace zfleet::agent {

struct AgentConfig {
  absl::Duration poll_interval = absl::Seconds(10);
  absl::Duration zpool_timeout = absl::Seconds(60);
  absl::Duration stack_check_interval = absl::Minutes(10);
  std::map<std::string, std::string> labels;
  // Glob → class, in file order; the first match wins.
  std::vector<std::pair<std::string, std::string>> pool_classes;
  std::vector<std::pair<std::string, std::string>> device_classes;
  TlsPaths tls;  // all empty: plaintext
};

// The classes docs/DESIGN.md knows.
bool IsKnownClass(absl::string_view cls);

// Parses agent.toml text. `source_name` names the file in errors, which read
// "agent.toml:LINE: reason". Unknown keys, bad durations and unknown classes are errors.
absl::StatusOr<AgentConfig> ParseAgentConfig(absl::string_view text,
                                             absl::string_view source_name);

// Reads and parses the file; NotFound-style error naming the path when unreadable.
absl::StatusOr<AgentConfig> LoadAgentConfig(const std::string& path);

// The class override for a pool or device, or "" when none matches.
std::string ClassOverride(const AgentConfig& config, absl::string_view pool,
                          absl::string_view device_path);

// ClassOverride over a copy of `config`'s class globs, in the form disks/ takes overrides;
// it does not refer to `config` afterwards.
ClassOverrideFn ClassOverridesOf(const AgentConfig& config);

}  // namespace zfleet::agent

#endif  // ZFLEET_AGENT_AGENT_CONFIG_H_
