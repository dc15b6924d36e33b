// Remembers which controller commands this agent already executed, and the acks not yet
// delivered, so a command repeated by the controller (or after an agent restart, when a
// state dir is given) runs at most once.
#ifndef ZFLEET_AGENT_COMMAND_JOURNAL_H_
#define ZFLEET_AGENT_COMMAND_JOURNAL_H_

#include <deque>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::agent {

// Thread-compatible.
class CommandJournal {
 public:
  // In-memory only when `state_dir` is empty. Otherwise loads and appends to
  // STATE_DIR/commands.journal; returns the error when the file cannot be read or created.
  static absl::StatusOr<CommandJournal> Open(const std::string& state_dir);

  // The ack of an already executed command, or nullptr. A command the controller repeats
  // (its ack was lost, or the agent restarted) is answered with this instead of running again.
  const v1::CommandAck* Find(const std::string& id) const;
  // Records an executed command's ack (also for a re-ack of a repeated command); it stays
  // pending until ConfirmDelivered().
  absl::Status Record(const v1::CommandAck& ack);
  const std::vector<v1::CommandAck>& PendingAcks() const { return pending_; }
  // The controller accepted a report carrying the first `count` pending acks.
  void ConfirmDelivered(size_t count);

 private:
  static constexpr size_t kRemembered = 1000;
  void Remember(const v1::CommandAck& ack);
  absl::Status Rewrite();

  std::string path_;
  absl::flat_hash_map<std::string, v1::CommandAck> acks_;
  std::deque<std::string> order_;  // oldest first, to bound memory and the file
  std::vector<v1::CommandAck> pending_;
  size_t appended_ = 0;
};

}  // namespace zfleet::agent

#endif  // ZFLEET_AGENT_COMMAND_JOURNAL_H_
