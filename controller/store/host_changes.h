// Which hosts' stored state has changed, as a version per host that every write to it
// raises. The report path's in-memory shortcut (controller/ingest/ingest_cache.h) trusts
// what it remembers of a host only while the host's version is the one it saw; so any
// writer, now or later (the scheduler, a CLI request, expiry, administration), invalidates
// it without having to know about it.
//
// The versions are raised by temporary triggers on the store's connection over every table
// whose rows say what a report is compared with or what its reply holds: hosts, pools,
// scrub runs, commands, scan progress and scrub concerns. Writes made inside
// `Suppressed()` (the batched last-seen flush, which only writes what a report that changed
// nothing would write) do not count.
#ifndef ZFLEET_CONTROLLER_STORE_HOST_CHANGES_H_
#define ZFLEET_CONTROLLER_STORE_HOST_CHANGES_H_

#include <cstdint>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "controller/store/sqlite.h"

namespace zfleet::controller {

// Thread-safe. Versions start at 0 and only rise; a host whose row is deleted keeps its
// version (a host made again under the same name gets a new row id).
class HostChanges {
 public:
  // The version of the host with row id `host_row`.
  uint64_t Version(int64_t host_row) const;
  // Raises the host's version unless inside Suppressed().
  void Changed(int64_t host_row);

  // While alive, Changed() does nothing. Not nested; one at a time (the store's writer).
  class Suppressed {
   public:
    explicit Suppressed(HostChanges* changes);
    ~Suppressed();
    Suppressed(const Suppressed&) = delete;
    Suppressed& operator=(const Suppressed&) = delete;

   private:
    HostChanges* changes_;
  };

  // Registers the SQL function the triggers call and creates the triggers on `db` (for
  // the life of the connection). `this` must outlive `db`. Internal on an SQLite error.
  absl::Status Watch(Database& db);

 private:
  mutable absl::Mutex mu_;
  absl::flat_hash_map<int64_t, uint64_t> versions_ ABSL_GUARDED_BY(mu_);
  bool suppressed_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_STORE_HOST_CHANGES_H_
