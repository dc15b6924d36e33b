// Which class scrubs a pool, and so its interval: the one rule the controller's scheduler,
// its overdue check and an agent acting alone share, so a pool is never "overdue" by an
// interval the scheduler does not use. Pure.
#ifndef ZFLEET_MODEL_SCRUB_CLASS_H_
#define ZFLEET_MODEL_SCRUB_CLASS_H_

#include "absl/time/time.h"
#include "schedule_policy/scrub_cadence.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet {

// The class with the shortest interval among the pool's data-path disks that name one
// (ScrubClasses, model/pool_facts.h); kUnknown when none does.
DiskClass PoolScrubClass(const v1::Pool& pool, const ScrubCadence& cadence);

// That class's interval.
absl::Duration PoolInterval(const v1::Pool& pool, const ScrubCadence& cadence);

}  // namespace zfleet

#endif  // ZFLEET_MODEL_SCRUB_CLASS_H_
