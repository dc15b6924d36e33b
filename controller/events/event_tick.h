// The event checks of the controller's periodic tick: hosts that stopped reporting, stalled
// scans, overdue scrubs, and retention (thinning of old snapshots here, the other tables in
// retention.h). Detection is pure (event_detector.h); this reads and writes through the
// store.
//
// Thread-compatible, like Store: callers hold the controller's store mutex.
#ifndef ZFLEET_CONTROLLER_EVENTS_EVENT_TICK_H_
#define ZFLEET_CONTROLLER_EVENTS_EVENT_TICK_H_

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "controller/config/controller_config.h"
#include "controller/store/store.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::controller {

// REQUIRES: no transaction open (each step runs in its own). Every tick: host_missing /
// host_back (silence counted from `watching_since` at the earliest: when the controller
// started); stalled scans (config.scheduler.stall_after) as scrub concerns and
// scrub_stalled events. At most hourly: overdue scrubs (class intervals from
// config.scheduler; pools in skip_states or on missing hosts are left out) and
// scrub_overdue events. At most daily: thins snapshots older than
// config.history_retention. Every tick, after those checks: incidents opened, updated and
// resolved as triage finds them (incidents.h). When due (retention.h): trims events, counter
// samples, commands, scrub runs and audit entries by config.retention. Runs every step; returns the
// first error (Internal, or ResourceExhausted for a full disk).
absl::Status OnTick(Store& store, const ControllerConfig& config, absl::Time now,
                    absl::Time watching_since = absl::InfinitePast());

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_EVENTS_EVENT_TICK_H_
