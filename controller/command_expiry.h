// Commands that expire unanswered. Every command carries an expiry (expires_at): a person's
// request one hour after it was queued, a scheduled start the end of the window it was
// meant for. A host that does not take a command before then (it was away) must not run it
// later, outside its window or long after anyone wanted it: the reply stops handing it out
// (CommandTable::Pending), the agent refuses one that reaches it late (expired ack), and the
// tick fails what is left here.
#ifndef ZFLEET_CONTROLLER_COMMAND_EXPIRY_H_
#define ZFLEET_CONTROLLER_COMMAND_EXPIRY_H_

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "controller/store/store.h"

namespace zfleet::controller {

// How long a person's request (a START with --now, a STOP, a PAUSE) waits for its host.
inline constexpr absl::Duration kRequestLifetime = absl::Hours(1);

// REQUIRES: the caller holds the store lock; no transaction open.
// Fails every pending command whose expires_at is before `now` with the error "expired at
// <RFC 3339>: host did not take it in time" (acked_at = now), and treats its scrub run as an
// agent's failed ack would (ApplyAck): a requested START's run fails, ended at the expiry,
// with that message; a run already running keeps its state and carries the message. One
// transaction; returns how many commands were failed, or the store's error (then nothing
// was written).
//
// An agent that took a command in its last seconds acks it after this ran: that late ack
// changes nothing (ApplyCommandAck keeps the first outcome), and the scrub it started is
// recorded by the pool's next report like any scrub zfleet did not start.
absl::StatusOr<int> ExpireCommands(Store& store, absl::Time now);

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_COMMAND_EXPIRY_H_
