// The agent's only door to ZFS: runs the host's own `zpool` by argv with a timeout, knows
// what that `zpool` supports (probed once), and acts only on pools it discovered itself.
#ifndef ZFLEET_AGENT_ZPOOL_CLIENT_H_
#define ZFLEET_AGENT_ZPOOL_CLIENT_H_

#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "agent/command_runner.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::agent {

// What this host's `zpool` accepts, learnt from its usage text, not from a version string.
struct ZpoolCapabilities {
  bool list_exact = false;    // `zpool list -p`
  bool status_exact = false;  // `zpool status -p`
  bool status_full_paths = false;  // `zpool status -P`
  bool scrub_pause = false;   // `zpool scrub -p`
  std::string generation;     // "legacy" or "openzfs"
};

// Pure: derives capabilities from the usage text `zpool` prints for `list`, `status` and
// `scrub` without arguments.
ZpoolCapabilities CapabilitiesFromUsage(absl::string_view list_usage,
                                        absl::string_view status_usage,
                                        absl::string_view scrub_usage);

// Raw outputs of one collection round, for parsing.
struct ZpoolOutputs {
  std::string list_text;    // `zpool list -H [-p]`
  std::string status_text;  // `zpool status -v [-p] [-P]`
};

// Thread-safe.
class ZpoolClient {
 public:
  // `runner` must outlive the client.
  ZpoolClient(const CommandRunner* runner, std::string zpool_path, absl::Duration timeout);

  // Probes the capabilities once (later calls return the first result). Returns the error of
  // running `zpool` when it cannot be executed at all.
  absl::StatusOr<ZpoolCapabilities> Probe();

  // Runs list and status. Records the listed pool names as the discovered set. Returns
  // Unavailable with zpool's own message when zpool fails (e.g. the daemon is down).
  absl::StatusOr<ZpoolOutputs> Collect();

  // `zpool scrub [-s|-p] POOL`. Returns NotFound for a pool not discovered by the last
  // Collect(), Unimplemented for pause where unsupported, FailedPrecondition with zpool's
  // message when zpool refuses.
  absl::Status Scrub(const std::string& pool, v1::CommandKind kind);

  const std::string& zpool_path() const { return zpool_path_; }

 private:
  absl::StatusOr<CommandResult> RunZpool(const std::vector<std::string>& args) const;

  const CommandRunner* runner_;
  const std::string zpool_path_;
  const absl::Duration timeout_;
  absl::Mutex mu_;
  bool probed_ ABSL_GUARDED_BY(mu_) = false;
  ZpoolCapabilities caps_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_set<std::string> discovered_ ABSL_GUARDED_BY(mu_);
};

}  // namespace zfleet::agent

#endif  // ZFLEET_AGENT_ZPOOL_CLIENT_H_
