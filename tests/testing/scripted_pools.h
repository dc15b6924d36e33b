// A fake host whose pools a test (or the soak) changes while the agent watches: the fake
// `zpool` (fake_zpool.sh) prints what ScriptedPools writes, and Timeline plays a list of
// changes one hold apart while finishing every scrub the agent starts.
#ifndef ZFLEET_TESTS_TESTING_SCRIPTED_POOLS_H_
#define ZFLEET_TESTS_TESTING_SCRIPTED_POOLS_H_

#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "tests/testing/temp_dir.h"

namespace zfleet::testing {

// The fake zpool's pools, each a mirror of two disks. DEGRADED: the second disk is UNAVAIL.
// The test changes them; a scrub the agent runs finishes at once (FinishNewScrubs).
// Thread-safe.
class ScriptedPools {
 public:
  ScriptedPools(const TempDir* dir, std::vector<std::string> names);

  const std::string& zpool() const { return path_; }
  std::vector<std::string> names() const;

  void SetDegraded(const std::string& pool, bool degraded);
  bool degraded(const std::string& pool) const;
  // Raises the first disk's READ counter by one.
  void AddReadError(const std::string& pool);
  int read_errors(const std::string& pool) const;
  // Finishes, as of now, each scrub the agent started since the last call.
  void FinishNewScrubs();
  // Pool → how many scrubs the agent started there (`zpool scrub POOL`).
  std::map<std::string, int> ScrubCalls() const;
  // The states the pool went through, in order, after the first (all pools together).
  std::vector<std::string> StateChanges() const;
  // The same for one pool.
  std::vector<std::string> StateChanges(const std::string& pool) const;

 private:
  struct Pool {
    std::string name, disk1, disk2;
    bool degraded = false;
    int read_errors = 0;
    int scrubs_seen = 0;
    std::string scrubbed_at;  // ctime of the last scrub's end; empty: never scrubbed
    std::vector<std::string> changes;
  };

  Pool& Find(const std::string& name) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  const Pool& Find(const std::string& name) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // list.txt and status.txt in legacy zpool's format, each replaced in one rename so the
  // fake never prints half a file.
  void WriteLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Replace(const std::string& name, const std::string& content) const;

  const TempDir* dir_;
  std::string path_;
  mutable absl::Mutex mu_;
  std::vector<Pool> pools_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> changes_ ABSL_GUARDED_BY(mu_);
};

// Runs `steps` one `hold` apart on a thread of its own, and finishes the agent's scrubs
// every 100 ms, until Stop() (or the destructor); steps not run by then are dropped.
class Timeline {
 public:
  Timeline(ScriptedPools* pools, std::vector<std::function<void()>> steps, absl::Duration hold);
  ~Timeline();
  // Waits (at most `limit`) until every step ran; false if they did not.
  bool WaitForSteps(absl::Duration limit);
  void Stop();

 private:
  absl::Mutex mu_;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  bool steps_done_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace zfleet::testing

#endif  // ZFLEET_TESTS_TESTING_SCRIPTED_POOLS_H_
