// The last AgentPolicy the controller sent, and when the controller was last reached, kept
// in the agent's state directory (STATE_DIR/policy.json) so that an agent restarted while
// the controller is away still knows both. A missing file means no policy: the agent then
// never acts alone.
#ifndef ZFLEET_AGENT_AUTONOMY_POLICY_STORE_H_
#define ZFLEET_AGENT_AUTONOMY_POLICY_STORE_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "agent/autonomy/autonomy_policy.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::agent {

// Thread-compatible.
class PolicyStore {
 public:
  // How stale the contact time in the file may get while the controller answers: the file is
  // rewritten at least this often, so a restarted agent's count of how long the controller
  // has been away is at most this much too long.
  static constexpr absl::Duration kContactRefresh = absl::Hours(1);

  // Loads STATE_DIR/policy.json; in memory only when `state_dir` is empty. Never fails: a
  // missing file is no policy; an unreadable or corrupt one (or one whose policy this host
  // cannot apply) is logged in one line and is no policy either, until the controller sends
  // one.
  static PolicyStore Open(const std::string& state_dir);

  // Records a reply's policy, received at `now`: `now` is the last contact; the policy
  // replaces the stored one when it is valid (ReadAutonomyPolicy). The file is written when
  // the policy changed or its contact time is kContactRefresh old. Returns InvalidArgument
  // for a policy this host cannot apply (the previous one is kept, and the problem is logged
  // once until it changes, so callers need not log it) and Internal when the file cannot be
  // written (memory is updated all the same).
  absl::Status Accept(const v1::AgentPolicy& policy, absl::Time now);

  // The policy to apply; nullptr when there is none.
  const AutonomyPolicy* policy() const { return policy_ ? &*policy_ : nullptr; }
  // When the controller was last reached, as far as this agent knows; nullopt = never.
  std::optional<absl::Time> last_contact() const { return contact_; }

 private:
  absl::Status Persist(absl::Time now);

  std::string path_;  // "" = memory only
  std::optional<AutonomyPolicy> policy_;
  std::optional<absl::Time> contact_;
  absl::Time persisted_contact_ = absl::InfinitePast();
  std::string last_problem_;  // the last invalid policy's error, logged once
};

}  // namespace zfleet::agent

#endif  // ZFLEET_AGENT_AUTONOMY_POLICY_STORE_H_
