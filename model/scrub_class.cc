#include "model/scrub_class.h"

#include "model/pool_facts.h"

namespace zfleet {

DiskClass PoolScrubClass(const v1::Pool& pool, const ScrubCadence& cadence) {
  return ShortestIntervalClass(ScrubClasses(pool), cadence);
}

absl::Duration PoolInterval(const v1::Pool& pool, const ScrubCadence& cadence) {
  return cadence.For(PoolScrubClass(pool, cadence)).interval;
}

}  // namespace zfleet
