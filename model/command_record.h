// An agent command in the controller's queue.
#ifndef ZFLEET_MODEL_COMMAND_RECORD_H_
#define ZFLEET_MODEL_COMMAND_RECORD_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet {

enum class CommandState { kPending, kDone, kFailed };

struct CommandRecord {
  std::string id;
  std::string host_id;
  std::string pool;
  v1::CommandKind kind = v1::COMMAND_KIND_UNSPECIFIED;
  int64_t scrub_run_id = 0;  // 0 when the command belongs to no run
  absl::Time created_at;
  // After it the agent must not run the command: Pending no longer hands it out and the
  // controller's tick fails it. nullopt: never.
  std::optional<absl::Time> expires_at;
  CommandState state = CommandState::kPending;
  std::string error;
  std::optional<absl::Time> acked_at;
};

}  // namespace zfleet

#endif  // ZFLEET_MODEL_COMMAND_RECORD_H_
