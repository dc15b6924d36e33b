#include "controller/group_commit.h"

#include <algorithm>
#include <vector>

namespace zfleet::controller {

void GroupCommit::Run(Job& job) {
  Waiting me{&job};
  absl::MutexLock lock(&mu_);
  line_.push_back(&me);
  auto turn = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return me.done || line_.front() == &me; };
  mu_.Await(absl::Condition(&turn));
  if (me.done) return;  // a leader ran it
  const size_t n = std::min(line_.size(), static_cast<size_t>(std::max(max_group_, 1)));
  const std::vector<Waiting*> group(line_.begin(), line_.begin() + static_cast<ptrdiff_t>(n));
  mu_.Unlock();
  {
    absl::MutexLock store_lock(store_mu_);
    RunGroup(group);
  }
  mu_.Lock();
  // The group is still at the front: only its leader takes from there.
  for (Waiting* w : group) {
    w->done = true;
    line_.pop_front();
  }
  ++groups_;
}

size_t GroupCommit::waiting() const {
  absl::MutexLock lock(&mu_);
  return line_.size();
}

uint64_t GroupCommit::groups() const {
  absl::MutexLock lock(&mu_);
  return groups_;
}

void GroupCommit::RunGroup(const std::vector<Waiting*>& group) {
  std::vector<absl::Status> own(group.size());
  const absl::Status commit = store_->RunInTransaction([&]() -> absl::Status {
    for (size_t i = 0; i < group.size(); ++i) {
      own[i] = store_->Atomically(group[i]->job->in_transaction);
      // Some errors (a full disk) make SQLite roll the whole transaction back: the jobs
      // before this one are gone too, and the ones after would each commit alone.
      if (!store_->InTransaction()) {
        return own[i].ok() ? absl::AbortedError("the transaction was rolled back") : own[i];
      }
    }
    return absl::OkStatus();
  });
  for (size_t i = 0; i < group.size(); ++i) {
    group[i]->job->after(own[i].ok() ? commit : own[i]);
  }
}

}  // namespace zfleet::controller
