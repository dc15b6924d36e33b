// Which class scrubs a pool, and so its interval: the one rule the scheduler and the tick's
// overdue check share, so a pool is never "overdue" by an interval the scheduler does not
// use. Pure.
#ifndef ZFLEET_CONTROLLER_EVENTS_SCRUB_CLASS_H_
#define ZFLEET_CONTROLLER_EVENTS_SCRUB_CLASS_H_

#include "absl/time/time.h"
#include "controller/schedule/scheduler_policy.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::controller {

// The class with the shortest interval among the pool's data-path disks that name one
// (model's ScrubClasses); kUnknown when none does.
DiskClass PoolScrubClass(const v1::Pool& pool, const SchedulerPolicy& policy);

// That class's interval.
absl::Duration PoolInterval(const v1::Pool& pool, const SchedulerPolicy& policy);

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_EVENTS_SCRUB_CLASS_H_
