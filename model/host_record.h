// A host as the controller knows it.
#ifndef ZFLEET_MODEL_HOST_RECORD_H_
#define ZFLEET_MODEL_HOST_RECORD_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet {

struct HostRecord {
  std::string host_id;
  std::string instance_id;
  absl::Time first_seen;
  absl::Time last_seen;
  v1::HostInfo info;
  std::string collect_error;  // last zpool collection error the agent reported, "" if none
  uint32_t pool_count = 0;    // pools currently present
  // zpool on the host has not answered since then (a hung call or timeouts only); nullopt:
  // it answers. The detail says what hangs.
  std::optional<absl::Time> zpool_stuck_since;
  std::string zpool_stuck_detail;
};

// Where the host's observations stand: the agent's stream (one per state directory) and the
// last observation of it the controller applied.
struct HostStream {
  std::string stream_id;  // "": the host's agent sends no stream (older agents)
  uint64_t last_sequence = 0;
  absl::Time last_observed = absl::InfinitePast();
};

// What the controller tracks about a host besides its reports.
struct HostLiveness {
  std::string host_id;
  absl::Time last_seen;
  std::optional<absl::Time> missing_since;  // set while the host is declared missing
  std::optional<bool> stack_attention;      // a stack check at warn or fail; nullopt: unknown
  std::optional<absl::Time> zpool_stuck_since;  // zpool on it has not answered since
};

}  // namespace zfleet

#endif  // ZFLEET_MODEL_HOST_RECORD_H_
