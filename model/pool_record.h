// A pool as the controller knows it: its latest snapshot and when it was seen.
#ifndef ZFLEET_MODEL_POOL_RECORD_H_
#define ZFLEET_MODEL_POOL_RECORD_H_

#include <string>

#include "absl/time/time.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet {

struct PoolRecord {
  std::string host_id;
  v1::Pool pool;  // the latest snapshot
  absl::Time first_seen;
  absl::Time last_seen;   // last report that contained this pool
  absl::Time changed_at;  // when the latest snapshot was stored
};

}  // namespace zfleet

#endif  // ZFLEET_MODEL_POOL_RECORD_H_
