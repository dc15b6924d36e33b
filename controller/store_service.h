// What every service of the controller works with: the store's writer with the one lock
// that serializes it, the readers beside it (reader_pool.h) where the store is a file, the
// config and the clock.
#ifndef ZFLEET_CONTROLLER_STORE_SERVICE_H_
#define ZFLEET_CONTROLLER_STORE_SERVICE_H_

#include <functional>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "common/clock.h"
#include "controller/config/controller_config.h"
#include "controller/store/reader_pool.h"
#include "controller/store/store.h"

namespace zfleet::controller {

// Runs `fn` on a consistent view of the store: on a reader of `readers` inside one read
// transaction (ReaderPool::Read), never waiting for `writer_mu`; without readers (null: an
// in-memory store, which no second connection can see) on `writer` under `writer_mu`.
// `fn` must only read. Returns fn's error, or the read transaction's.
absl::Status ReadStore(ReaderPool* readers, Store* writer, absl::Mutex* writer_mu,
                       const std::function<absl::Status(Store&)>& fn)
    ABSL_LOCKS_EXCLUDED(writer_mu);

// A base of the services (ReportProcessor, FleetQueries, EventQueries, ScheduleService,
// AdminService, LivenessProbe), which inherit these constructors. Owns nothing: all must
// outlive the service. Every write (and every read that decides a write) goes to `store`,
// the writer, under `store_mu`, shared by all the services; a read that writes nothing goes
// through Read, to a reader when there are any.
class StoreService {
 public:
  // Reads, too, go to `store` under `store_mu`.
  StoreService(Store* store, absl::Mutex* store_mu, const ControllerConfig* config,
               const Clock* clock)
      : StoreService(store, store_mu, nullptr, config, clock) {}
  // Reads go to `readers` (null: to `store` under `store_mu`).
  StoreService(Store* store, absl::Mutex* store_mu, ReaderPool* readers,
               const ControllerConfig* config, const Clock* clock)
      : store_(store), store_mu_(store_mu), readers_(readers), config_(config), clock_(clock) {}

 protected:
  // ReadStore over this service's readers and writer.
  absl::Status Read(const std::function<absl::Status(Store&)>& fn) ABSL_LOCKS_EXCLUDED(store_mu_) {
    return ReadStore(readers_, store_, store_mu_, fn);
  }

  Store* const store_;
  absl::Mutex* const store_mu_;
  ReaderPool* const readers_;  // null: reads go to the writer
  const ControllerConfig* const config_;
  const Clock* const clock_;
};

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_STORE_SERVICE_H_
