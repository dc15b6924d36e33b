// The agent's only door to ZFS: runs the host's own `zpool` by argv with a timeout, knows
// what that `zpool` supports (probed once), and acts only on pools it discovered itself.
#ifndef ZFLEET_AGENT_ZPOOL_ZPOOL_CLIENT_H_
#define ZFLEET_AGENT_ZPOOL_ZPOOL_CLIENT_H_

#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "agent/host/command_runner.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::agent {

// What this host's `zpool` accepts, learnt from its usage text, not from a version string.
struct ZpoolCapabilities {
  bool list_exact = false;         // `zpool list -p`
  bool status_exact = false;       // `zpool status -p`
  bool status_full_paths = false;  // `zpool status -P`
  bool status_json = false;        // `zpool status -j --json-int` (OpenZFS 2.3+)
  bool scrub_pause = false;        // `zpool scrub -p`
  // "legacy" (Solaris, zfs-fuse), "openzfs" (text with -p or scrub -p: 0.6 to 2.2) or
  // "openzfs-json" (status -j).
  std::string generation;
};

// Pure: derives capabilities from the usage text `zpool CMD -?` prints for `list`, `status`
// and `scrub` (stdout and stderr together; other lines are ignored). A command's usage is
// its line ("\tstatus [-vx] [pool] ...") plus the deeper-indented lines that continue it, as
// 0.8+ wraps long usages ("\t    [interval [count]]"). A flag counts when it appears in a
// cluster such as "[-gHLpPv]" or "[-s | -p]"; `status_json` also needs "--json-int".
ZpoolCapabilities CapabilitiesFromUsage(absl::string_view list_usage,
                                        absl::string_view status_usage,
                                        absl::string_view scrub_usage);

// Raw outputs of one collection round, for parsing.
struct ZpoolOutputs {
  std::string list_text;  // `zpool list -H [-p]`
  // `zpool status -v -j --json-int [-P]` when status_is_json, else `zpool status -v [-p] [-P]`.
  std::string status_text;
  bool status_is_json = false;
};

// Thread-safe.
class ZpoolClient {
 public:
  // `runner` must outlive the client.
  ZpoolClient(const CommandRunner* runner, std::string zpool_path, absl::Duration timeout);

  // Probes the capabilities once (later calls return the first result). Returns the error of
  // running `zpool` when it cannot be executed at all.
  absl::StatusOr<ZpoolCapabilities> Probe();

  // Runs list and status: status as JSON where the probe found `-j`, and as text when that
  // is unsupported or the JSON run fails or prints no complete JSON document (then the text
  // run decides). Records the listed pool names as the discovered set. Returns Unavailable
  // with zpool's own message when zpool fails (e.g. the daemon is down).
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

#endif  // ZFLEET_AGENT_ZPOOL_ZPOOL_CLIENT_H_
