#include "controller/command_expiry.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "common/time_format.h"
#include "controller/ingest/scrub_tracking.h"

namespace zfleet::controller {

absl::StatusOr<int> ExpireCommands(Store& store, absl::Time now) {
  ASSIGN_OR_RETURN(std::vector<CommandRecord> expired, store.commands().ExpiredBefore(now));
  if (expired.empty()) return 0;
  RETURN_IF_ERROR(store.RunInTransaction([&]() -> absl::Status {
    for (const CommandRecord& command : expired) {
      // What an agent that refused it would have answered, dated at the expiry.
      const int64_t expires_at = absl::ToUnixSeconds(*command.expires_at);
      v1::CommandAck ack;
      ack.set_id(command.id);
      ack.set_ok(false);
      ack.set_expired(true);
      ack.set_error(absl::StrCat("expired at ", FormatRfc3339(expires_at),
                                 ": host did not take it in time"));
      ack.set_executed_at(expires_at);
      RETURN_IF_ERROR(store.commands().SetOutcome(ApplyCommandAck(command, ack, now)));
      spdlog::warn("command {} ({} on {}/{}) {}", command.id, v1::CommandKind_Name(command.kind),
                   command.host_id, command.pool, ack.error());
      if (command.scrub_run_id == 0) continue;
      ASSIGN_OR_RETURN(std::vector<v1::ScrubRun> open, store.scrub_runs().Open(command.host_id));
      for (const v1::ScrubRun& run : open) {
        if (run.id() != command.scrub_run_id) continue;
        const v1::ScrubRun after = ApplyAck(run, command.kind, ack);
        if (after.SerializeAsString() != run.SerializeAsString()) {
          RETURN_IF_ERROR(store.scrub_runs().Update(after));
        }
      }
    }
    return absl::OkStatus();
  }));
  return static_cast<int>(expired.size());
}

}  // namespace zfleet::controller
