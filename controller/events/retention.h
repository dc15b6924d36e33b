// Retention of the store's growing tables, run from the controller's tick (event_tick.h):
// events, resolved incidents, disk counter samples, agent commands, scrub runs and the audit trail, each by the
// age config.retention gives it (pool snapshots are thinned by event_tick itself, by
// config.history_retention). The work of one pass is bounded, so a huge backlog (a store
// that never had retention) does not hold the store lock for long: at most `batch` rows of
// each table, and one day of counter samples. A pass that leaves work behind runs again at
// the next tick, else the next one waits an hour.
//
// Thread-compatible, like Store: callers hold the controller's store mutex.
#ifndef ZFLEET_CONTROLLER_EVENTS_RETENTION_H_
#define ZFLEET_CONTROLLER_EVENTS_RETENTION_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "controller/config/controller_config.h"
#include "controller/store/store.h"

namespace zfleet::controller {

// Rows one pass deleted.
struct RetentionPass {
  bool ran = false;  // false: the pass was not due yet
  int64_t events = 0;
  int64_t incidents = 0;  // resolved ones, by config.retention.events
  int64_t counters = 0;  // counter samples
  int64_t commands = 0;
  int64_t scrub_runs = 0;
  int64_t audit = 0;
  bool more = false;  // work is left: the next tick runs another pass
};

// One pass at `now` if one is due. Each table's deletion is atomic on its own (REQUIRES: no
// transaction open). Returns the first error (Internal; ResourceExhausted when the disk is
// full), leaving the tables done so far trimmed.
absl::StatusOr<RetentionPass> TrimStore(Store& store, const RetentionPolicy& policy,
                                        absl::Time now);

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_EVENTS_RETENTION_H_
