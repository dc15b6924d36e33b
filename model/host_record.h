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
};

// What the controller tracks about a host besides its reports.
struct HostLiveness {
  std::string host_id;
  absl::Time last_seen;
  std::optional<absl::Time> missing_since;  // set while the host is declared missing
  std::optional<bool> stack_attention;      // a stack check at warn or fail; nullopt: unknown
};

}  // namespace zfleet

#endif  // ZFLEET_MODEL_HOST_RECORD_H_
