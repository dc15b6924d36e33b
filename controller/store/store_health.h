// Whether the controller's database disk is full, as the store's writes find it, and the log
// lines about it. A write refused for lack of space (sqlite.h: IsDiskFull) sets the flag and
// is counted; the next write that reaches the disk clears it. SQLite rolls the refused
// transaction back, so nothing committed before is lost and the agent sends its report again.
//
// While the disk is full every report fails the same way; one line per report would bury
// the log. So it gets one line when the disk is found full, then at most one a minute
// saying how many writes were refused meanwhile, and one when space returns.
//
// Thread-safe.
#ifndef ZFLEET_CONTROLLER_STORE_STORE_HEALTH_H_
#define ZFLEET_CONTROLLER_STORE_STORE_HEALTH_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace zfleet::controller {

class StoreHealth {
 public:
  // `db_path` names the database in messages ("" for an in-memory one).
  explicit StoreHealth(std::string db_path) : db_path_(std::move(db_path)) {}

  // The outcome of a write at `now` whose success means it reached the disk (an agent
  // report always rewrites its host's row): OK clears the flag, a full-disk error sets it
  // and counts; other errors are not about space and change nothing. Logs as the header
  // says.
  void Observe(const absl::Status& status, absl::Time now);
  // The same for a write whose success proves nothing (the tick may have had nothing to
  // write): only a full-disk error counts, OK leaves the flag as it is.
  void ObserveFailure(const absl::Status& status, absl::Time now);

  bool disk_full() const;
  // Writes refused for a full disk since the controller started.
  int64_t disk_full_errors() const;

  // What a caller refused for a full disk is told: ResourceExhausted "controller database
  // disk is full (PATH)".
  absl::Status DiskFullError() const;

 private:
  // Logs when the disk is found full, then at most once a minute.
  void CountRefusal(const absl::Status& status, absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::string db_path_;
  mutable absl::Mutex mu_;
  bool full_ ABSL_GUARDED_BY(mu_) = false;
  int64_t refused_total_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t refused_this_episode_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t refused_unlogged_ ABSL_GUARDED_BY(mu_) = 0;  // since the last line
  std::optional<absl::Time> last_line_ ABSL_GUARDED_BY(mu_);
  bool episode_logged_ ABSL_GUARDED_BY(mu_) = false;  // this episode's start was logged
};

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_STORE_STORE_HEALTH_H_
