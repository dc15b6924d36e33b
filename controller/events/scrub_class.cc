#include "controller/events/scrub_class.h"

#include "model/pool_facts.h"

namespace zfleet::controller {

DiskClass PoolScrubClass(const v1::Pool& pool, const SchedulerPolicy& policy) {
  return ShortestIntervalClass(ScrubClasses(pool), policy);
}

absl::Duration PoolInterval(const v1::Pool& pool, const SchedulerPolicy& policy) {
  return policy.For(PoolScrubClass(pool, policy)).interval;
}

}  // namespace zfleet::controller
