// The compact status of a pool (v1::PoolStatus) as `zfleet status` judges it. Shared so
// the controller (which stores these facts per snapshot) and the CLI (which judges pools
// from full snapshots elsewhere) agree on what counts. Pure; thread-compatible.
#ifndef ZFLEET_MODEL_POOL_STATUS_H_
#define ZFLEET_MODEL_POOL_STATUS_H_

#include "zfleet/v1/zfleet.pb.h"

namespace zfleet {

// Fills every PoolStatus field that the snapshot holds: pool, state, status_text, scan
// function/state/percent_done/end_time, data_errors (errors.count), device_errors and
// devices_with_errors. host_id, last_seen and host_reporting are left for the caller.
v1::PoolStatus PoolStatusOf(const v1::Pool& pool);

// PoolStatusOf(summary.pool()) plus the summary's host_id, last_seen and host_reporting.
v1::PoolStatus PoolStatusOf(const v1::PoolSummary& summary);

}  // namespace zfleet

#endif  // ZFLEET_MODEL_POOL_STATUS_H_
