// The commands table: the queue of agent commands (start, stop, pause a scrub), each
// delivered in the replies to its host's reports until the agent acknowledges it or it
// expires (CommandRecord::expires_at; the tick fails expired ones, see command_expiry.h).
//
// Thread-compatible; every method returns Internal (with SQLite's message) on a database
// error.
#ifndef ZFLEET_CONTROLLER_STORE_COMMAND_TABLE_H_
#define ZFLEET_CONTROLLER_STORE_COMMAND_TABLE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "controller/store/sqlite.h"
#include "model/command_record.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::controller {

class CommandTable {
 public:
  explicit CommandTable(Database* db) : db_(db) {}

  // NotFound if the host is unknown; Internal if the id is already taken.
  absl::Status Insert(const CommandRecord& command);
  // Pending commands for the host that have not expired at `now` (expires_at unset or not
  // before `now`), oldest first.
  absl::StatusOr<std::vector<CommandRecord>> Pending(const std::string& host_id, absl::Time now);
  // Pending commands of every host that have not expired at `now`, ordered by host, then
  // oldest first: Pending for the whole fleet in one query (the scheduler's tick).
  absl::StatusOr<std::vector<CommandRecord>> PendingAll(absl::Time now);
  // Pending commands of every host whose expires_at is before `before`, oldest first.
  absl::StatusOr<std::vector<CommandRecord>> ExpiredBefore(absl::Time before);
  // The command with that id for that host, in any state; nullopt when there is none.
  absl::StatusOr<std::optional<CommandRecord>> Get(const std::string& host_id,
                                                   const std::string& id);
  // Stores the outcome of an ack decided elsewhere: state, error and
  // acked_at of the command `command.id` (see ApplyCommandAck). NotFound if there is none.
  absl::Status SetOutcome(const CommandRecord& command);
  // Deletes at most `limit` commands that are done or failed and were acked (else created)
  // before `before`, oldest first; pending ones stay. Returns how many were deleted.
  absl::StatusOr<int64_t> DeleteEnded(absl::Time before, int limit);

 private:
  Database* db_;
};

// The command after its agent's ack: a pending one becomes done (ack.ok) or failed
// (error = ack.error) with acked_at = now; one already acked or failed (e.g. expired) stays
// as it is (an agent resends acks it is not sure arrived; only the first counts). Pure.
CommandRecord ApplyCommandAck(CommandRecord command, const v1::CommandAck& ack, absl::Time now);

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_STORE_COMMAND_TABLE_H_
