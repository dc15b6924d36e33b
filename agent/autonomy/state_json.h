// Protobuf messages in the agent's state files, as protobuf JSON (readable by people, and a
// torn or truncated file does not parse).
#ifndef ZFLEET_AGENT_AUTONOMY_STATE_JSON_H_
#define ZFLEET_AGENT_AUTONOMY_STATE_JSON_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace zfleet::agent {

// Parses `json` into `out`. Fields `out` does not know are ignored (a file written by another
// version of the agent). DataLoss with the parser's first line of complaint otherwise.
absl::Status ParseStateJson(absl::string_view json, google::protobuf::Message* out);

// `message` as one line of protobuf JSON, with the .proto field names.
absl::StatusOr<std::string> StateJson(const google::protobuf::Message& message);

}  // namespace zfleet::agent

#endif  // ZFLEET_AGENT_AUTONOMY_STATE_JSON_H_
