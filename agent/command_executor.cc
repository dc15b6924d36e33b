#include "agent/command_executor.h"

#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/time_format.h"

namespace zfleet::agent {
namespace {

v1::CommandAck AckOf(const v1::Command& command, const absl::Status& status, absl::Time now) {
  v1::CommandAck ack;
  ack.set_id(command.id());
  ack.set_ok(status.ok());
  ack.set_error(std::string(status.message()));
  ack.set_executed_at(absl::ToUnixSeconds(now));
  return ack;
}

}  // namespace

void CommandExecutor::Execute(const v1::Command& command, absl::Time now) {
  const std::string what = absl::StrCat("command ", command.id(), " (",
                                        v1::CommandKind_Name(command.kind()), " on ",
                                        command.pool(), ")");
  if (std::optional<v1::CommandAck> done = journal_->Find(command.id())) {
    // Repeated (its ack was lost, or the agent restarted): answer again, never run again.
    spdlog::info("{} repeated: answered from the journal ({})", what,
                 done->ok() ? "done" : done->error());
    journal_->Answer(*done);
    return;
  }
  if (command.expires_at() != 0 && now > absl::FromUnixSeconds(command.expires_at())) {
    v1::CommandAck ack = AckOf(
        command,
        absl::DeadlineExceededError(
            absl::StrCat("expired at ", FormatRfc3339(command.expires_at()), " before it ran")),
        now);
    ack.set_expired(true);
    spdlog::warn("{}: {}", what, ack.error());
    if (absl::Status s = journal_->Finish(ack); !s.ok()) {
      spdlog::error("cannot journal {}: {}", what, s.message());
    }
    return;
  }
  if (absl::Status begun = journal_->Begin(command, now); !begun.ok()) {
    // Not on disk as begun: running it could run it twice after a crash.
    spdlog::error("{} not run: cannot journal it: {}", what, begun.message());
    journal_->Answer(AckOf(
        command,
        absl::InternalError(absl::StrCat("not run: cannot journal it: ", begun.message())),
        now));
    return;
  }
  const absl::Status status = zpool_->Scrub(command.pool(), command.kind());
  spdlog::info("{}: {}", what, status.ok() ? "done" : status.ToString());
  if (absl::Status s = journal_->Finish(AckOf(command, status, now)); !s.ok()) {
    spdlog::error("cannot journal {}: {}", what, s.message());
  }
}

}  // namespace zfleet::agent
