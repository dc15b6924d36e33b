// Group commit: the writes of many callers in one transaction, so that one fsync serves
// them all (with synchronous=FULL a commit costs a disk flush, a few milliseconds, while a
// report's own writes cost a fraction of that). A caller hands in a Job and blocks; the
// first caller in line becomes the leader, takes the store lock, runs up to `max_group`
// waiting jobs in one transaction, each in a savepoint of its own, commits, tells each job
// how the commit went, and hands the line to the next. So no job's caller returns before
// its writes are committed (or known lost), as with a transaction of its own.
//
// Thread-safe.
#ifndef ZFLEET_CONTROLLER_GROUP_COMMIT_H_
#define ZFLEET_CONTROLLER_GROUP_COMMIT_H_

#include <cstdint>
#include <deque>
#include <functional>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "controller/store/store.h"

namespace zfleet::controller {

class GroupCommit {
 public:
  struct Job {
    // Runs inside the group's transaction, under the store lock. Its error undoes its own
    // writes only (a savepoint), and is its own: the group commits the others.
    std::function<absl::Status()> in_transaction;
    // Runs once the group's transaction has ended, under the store lock, with the job's
    // own status, else the commit's (OK: what the job wrote is on disk).
    std::function<void(const absl::Status& outcome)> after;
  };

  // `store` and `store_mu` must outlive this.
  GroupCommit(Store* store, absl::Mutex* store_mu, int max_group)
      : store_(store), store_mu_(store_mu), max_group_(max_group) {}

  // Runs `job` in the next group and returns once its `after` has run.
  void Run(Job& job);

  // Jobs waiting or running, and the transactions run so far (for tests and /metrics).
  size_t waiting() const;
  uint64_t groups() const;

 private:
  struct Waiting {
    Job* job;
    bool done = false;
  };
  // Runs `group` in one transaction and tells each job; under the store lock.
  void RunGroup(const std::vector<Waiting*>& group);

  Store* const store_;
  absl::Mutex* const store_mu_;
  const int max_group_;
  mutable absl::Mutex mu_;
  std::deque<Waiting*> line_ ABSL_GUARDED_BY(mu_);
  uint64_t groups_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_GROUP_COMMIT_H_
