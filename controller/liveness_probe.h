// Whether the controller can still answer, for systemd's watchdog (controller_app.cc): the
// path every write takes (every report), the writer's lock and a read through the writer.
// The readers (store_service.h) are not probed: a wedged reader stalls some queries, while
// a wedged writer stalls every agent. A lock never released (a deadlock, a call stuck
// inside the store) or a store that never answers makes Check block like any write would:
// the probe then never passes, the watchdog's pings stop, and systemd restarts the
// controller. Nothing here crashes or times out on its own.
#ifndef ZFLEET_CONTROLLER_LIVENESS_PROBE_H_
#define ZFLEET_CONTROLLER_LIVENESS_PROBE_H_

#include "absl/status/status.h"
#include "controller/store_service.h"

namespace zfleet::controller {

// Thread-safe: the writer under its lock, shared with the other services.
class LivenessProbe : public StoreService {
 public:
  using StoreService::StoreService;

  // Takes the writer's lock and reads through the writer (Store::Ping). OK when both answered;
  // the read's error when the store answers with one. Blocks for as long as the lock or the
  // store is held: that is what it measures.
  absl::Status Check();
};

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_LIVENESS_PROBE_H_
