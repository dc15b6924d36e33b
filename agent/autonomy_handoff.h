// The agent alone while its controller is away (agent/autonomy/), wired between the agent's
// two threads. The collector's thread runs zpool: after every read of the pools it lets the
// scrubber act (its `zpool scrub` may hang like any zpool call, and must never stop the
// reports). The loop's thread talks to the controller: it puts the scrubber's pending
// scrubs into each report and hands back what the controller answered (its policy, that it
// was reached, which scrubs it recorded). What crosses is copied under a small mutex, so
// neither thread waits on the other's slow work; the scrubber and the policy store are only
// ever touched by the collector's thread.
#ifndef ZFLEET_AGENT_AUTONOMY_HANDOFF_H_
#define ZFLEET_AGENT_AUTONOMY_HANDOFF_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "agent/autonomy/autonomous_scrubber.h"
#include "agent/autonomy/policy_store.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::agent {

// Thread-safe as described above.
class AutonomyHandoff {
 public:
  // Both must outlive the handoff; the handoff is their only user from now on.
  AutonomyHandoff(PolicyStore* policies, AutonomousScrubber* scrubber);

  // Collector's thread, after a successful read of `pools` at `now`: first takes in what the
  // loop handed over (the last policy and contact, the scrubs the controller recorded), then
  // lets the scrubber follow its scrubs and, when the controller has been away long enough,
  // start, pause, stop or resume them.
  void AfterRead(const std::vector<v1::Pool>& pools, absl::Time now);

  // Loop's thread: the scrubs the next report carries, oldest first.
  std::vector<v1::AgentScrub> ToReport() const;
  // Loop's thread: the controller accepted, at `now`, a report carrying `sent` (the first
  // scrubs of ToReport()); `policy` is its reply's policy, nullptr when it had none.
  void Accepted(const std::vector<v1::AgentScrub>& sent, const v1::AgentPolicy* policy,
                absl::Time now);

 private:
  PolicyStore* const policies_;
  AutonomousScrubber* const scrubber_;

  mutable absl::Mutex mu_;
  std::vector<v1::AgentScrub> pending_ ABSL_GUARDED_BY(mu_);  // the scrubber's, as last copied
  absl::flat_hash_set<std::string> recorded_ ABSL_GUARDED_BY(mu_);  // keys the controller took
  std::optional<v1::AgentPolicy> policy_ ABSL_GUARDED_BY(mu_);  // not yet given to the store
  std::optional<absl::Time> policy_at_ ABSL_GUARDED_BY(mu_);
};

}  // namespace zfleet::agent

#endif  // ZFLEET_AGENT_AUTONOMY_HANDOFF_H_
