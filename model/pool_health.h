// When on-call must look at a pool. Pure: a PoolStatus (or PoolSummary) in, a verdict out.
#ifndef ZFLEET_MODEL_POOL_HEALTH_H_
#define ZFLEET_MODEL_POOL_HEALTH_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "zfleet/v1/zfleet.pb.h"

namespace zfleet {

struct PoolHealth {
  // Why the pool is unhealthy, one short phrase per criterion, in a fixed order:
  // "state DEGRADED", "3 data errors", "device errors on sdb, sdc",
  // "status: <zpool's status text>", "host not reporting". Empty means healthy.
  std::vector<std::string> problems;
  // The pool's data error count; nullopt when the host did not say.
  std::optional<uint64_t> data_errors;
  // READ + WRITE + CKSUM summed over leaf devices; nullopt when no leaf has a counter.
  std::optional<uint64_t> device_errors;

  bool healthy() const { return problems.empty(); }
};

// A pool is unhealthy when its state is not ONLINE, it has data errors, any vdev
// (interior or leaf) has a non-zero counter, zpool printed a status text, or its host
// is not reporting (then everything else may be stale).
PoolHealth EvaluatePool(const v1::PoolStatus& status);
// The same verdict from a full snapshot: EvaluatePool(PoolStatusOf(summary)).
PoolHealth EvaluatePool(const v1::PoolSummary& summary);

}  // namespace zfleet

#endif  // ZFLEET_MODEL_POOL_HEALTH_H_
