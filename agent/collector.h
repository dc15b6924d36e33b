// When and where the host is read, and where controller commands run.
//
// InlineCollector reads on the caller's thread when a read is due: deterministic, for tests
// that drive the agent loop with a fake clock. ThreadCollector reads on a thread of its own,
// so a zpool that hangs (the ZFS daemon stuck under a failing disk) never stops the agent
// from reporting: the view then says "pools as read at T, zpool not answering since T'".
#ifndef ZFLEET_AGENT_COLLECTOR_H_
#define ZFLEET_AGENT_COLLECTOR_H_

#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "agent/host_reader.h"
#include "common/clock.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::agent {

// Runs one controller command (journal, zpool, ack) at the given time.
using CommandExecution = std::function<void(const v1::Command&, absl::Time)>;

// Called on the reading thread after each successful read of the pools, with them and the
// time: the agent's own scrubs (autonomy_handoff.h) act there, where a hung zpool stops
// only the collector, never the reports. May be empty.
using AfterPoolsRead = std::function<void(const std::vector<v1::Pool>&, absl::Time)>;

struct CollectorTiming {
  absl::Duration poll_interval = absl::Seconds(10);
  absl::Duration stack_check_interval = absl::Minutes(10);
  // A zpool call running longer than this counts as not answering (before its timeout).
  absl::Duration stuck_after = absl::Seconds(30);
};

class Collector {
 public:
  virtual ~Collector() = default;
  // The host as of `now`.
  virtual HostView View(absl::Time now) = 0;
  // Runs `commands` (ids already queued or run are skipped by the executor's journal), then
  // reads the host again.
  virtual void Submit(const std::vector<v1::Command>& commands) = 0;
  // When View() next has something new to give: the next read for the inline collector;
  // InfiniteFuture for the threaded one, which wakes its owner itself.
  virtual absl::Time NextDue() const = 0;
};

// Thread-compatible.
class InlineCollector final : public Collector {
 public:
  InlineCollector(HostReader* reader, CommandExecution execute, CollectorTiming timing,
                  const Clock* clock, AfterPoolsRead after_read = nullptr);
  HostView View(absl::Time now) override;
  void Submit(const std::vector<v1::Command>& commands) override;
  absl::Time NextDue() const override;

 private:
  HostReader* reader_;
  CommandExecution execute_;
  const CollectorTiming timing_;
  const Clock* clock_;
  AfterPoolsRead after_read_;
  HostView view_;
  absl::Time next_read_ = absl::InfinitePast();
  absl::Time next_stack_ = absl::InfinitePast();
};

// Thread-safe. Starts its thread on construction; Stop() ends it; the destructor waits for
// it to end, however long that takes.
class ThreadCollector final : public Collector {
 public:
  // `on_change` is called (on the collector's thread) whenever the view may have changed.
  ThreadCollector(HostReader* reader, CommandExecution execute, CollectorTiming timing,
                  const Clock* clock, std::function<void()> on_change,
                  AfterPoolsRead after_read = nullptr);
  ~ThreadCollector() override;

  HostView View(absl::Time now) override;
  void Submit(const std::vector<v1::Command>& commands) override;
  absl::Time NextDue() const override { return absl::InfiniteFuture(); }

  // Asks the thread to end and waits up to `grace` for it. Returns false when it did not end
  // in time (a zpool call still hangs): a process that must end now should then exit
  // without destroying the collector, whose destructor would wait.
  bool Stop(absl::Duration grace);

 private:
  void Run();
  bool Wakeable() const ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    return stop_ || !queue_.empty() || read_now_;
  }

  HostReader* reader_;
  CommandExecution execute_;
  const CollectorTiming timing_;
  const Clock* clock_;
  std::function<void()> on_change_;
  AfterPoolsRead after_read_;

  mutable absl::Mutex mu_;
  HostView view_ ABSL_GUARDED_BY(mu_);
  std::vector<v1::Command> queue_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_set<std::string> queued_ids_ ABSL_GUARDED_BY(mu_);
  bool read_now_ ABSL_GUARDED_BY(mu_) = false;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  bool done_ ABSL_GUARDED_BY(mu_) = false;
  std::optional<absl::Time> call_since_ ABSL_GUARDED_BY(mu_);  // a zpool call is running
  std::string call_what_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

}  // namespace zfleet::agent

#endif  // ZFLEET_AGENT_COLLECTOR_H_
