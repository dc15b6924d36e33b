// Runs the controller's commands exactly once: a command is journaled as begun before
// `zpool` runs and as finished after (command_journal.h), a repeated command is answered
// from the journal, and a command that arrives after its expiry is refused unrun.
#ifndef ZFLEET_AGENT_COMMAND_EXECUTOR_H_
#define ZFLEET_AGENT_COMMAND_EXECUTOR_H_

#include "absl/time/time.h"
#include "agent/command_journal.h"
#include "agent/zpool/zpool_client.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::agent {

// Thread-compatible. `zpool` and `journal` must outlive the executor.
class CommandExecutor {
 public:
  CommandExecutor(ZpoolClient* zpool, CommandJournal* journal)
      : zpool_(zpool), journal_(journal) {}

  // Answers `command` at `now`; every answer is queued in the journal for the next report:
  // - one seen before: its journaled ack again (original result and executed_at; the
  //   interrupted ack for one begun and never finished); it does not run again;
  // - one past its expiry (expires_at != 0 and now > expires_at): not run; ok = false,
  //   expired = true, error "expired at <RFC 3339> before it ran", executed_at = now;
  // - else journaled as begun (if that fails it does not run and is answered ok = false with
  //   the journal's error), run through zpool, and journaled as finished with zpool's
  //   result and executed_at = now.
  void Execute(const v1::Command& command, absl::Time now);

 private:
  ZpoolClient* zpool_;
  CommandJournal* journal_;
};

}  // namespace zfleet::agent

#endif  // ZFLEET_AGENT_COMMAND_EXECUTOR_H_
