// Read-only connections to the store's database file (Store::OpenReader), so that what only
// reads (the CLI's queries, the /metrics page, the scheduler's view of the fleet) runs
// beside the writer instead of queueing behind a report's transaction and its fsync. WAL
// lets a reader see the last committed transaction while the writer writes the next one.
//
// Thread-safe: each reader has a mutex of its own; Read takes a free reader, or waits for
// one. A reader never waits for the writer's lock (there is none in here); SQLite itself
// makes it wait only while the WAL index is rebuilt (busy_timeout, store.cc).
#ifndef ZFLEET_CONTROLLER_STORE_READER_POOL_H_
#define ZFLEET_CONTROLLER_STORE_READER_POOL_H_

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "controller/store/store.h"

namespace zfleet::controller {

class ReaderPool {
 public:
  // Opens `count` readers (at least one) of the database file at `path`, which a writer
  // has opened (Store::Open). Returns Store::OpenReader's error: InvalidArgument for an
  // in-memory path, FailedPrecondition for a schema this binary does not read, Internal.
  static absl::StatusOr<std::unique_ptr<ReaderPool>> Open(const std::string& path, int count);
  ReaderPool(const ReaderPool&) = delete;
  ReaderPool& operator=(const ReaderPool&) = delete;

  // Runs `fn` on one reader, inside one read transaction (Store::RunInReadTransaction): it
  // sees one snapshot, the last commit before its first read, however many statements it
  // runs. `fn` must only read (a write fails with Internal) and must not call Read again.
  // Returns fn's error, or the transaction's.
  absl::Status Read(const std::function<absl::Status(Store&)>& fn);

  size_t size() const { return readers_.size(); }

 private:
  struct Reader {
    absl::Mutex mu;
    std::unique_ptr<Store> store ABSL_GUARDED_BY(mu);
  };

  explicit ReaderPool(std::vector<std::unique_ptr<Reader>> readers);
  // A reader with its mutex held by the caller: the first free one from a rotating start,
  // else (all busy) the one at that start, waited for.
  Reader& Acquire();

  const std::vector<std::unique_ptr<Reader>> readers_;
  std::atomic<size_t> next_{0};  // where the next Acquire starts looking
};

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_STORE_READER_POOL_H_
