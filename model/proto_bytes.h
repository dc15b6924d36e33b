// Messages as bytes that compare equal exactly when the messages are equal.
#ifndef ZFLEET_MODEL_PROTO_BYTES_H_
#define ZFLEET_MODEL_PROTO_BYTES_H_

#include <string>

#include "absl/status/statusor.h"
#include "google/protobuf/message.h"

namespace zfleet {

// Serializes with deterministic map order, so equal messages give equal bytes (snapshots
// are compared and stored this way). Internal if serialization fails.
absl::StatusOr<std::string> SerializeDeterministic(const google::protobuf::Message& message);

}  // namespace zfleet

#endif  // ZFLEET_MODEL_PROTO_BYTES_H_
