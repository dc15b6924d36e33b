// The controller_state table: the controller's own bookkeeping values (when it last checked
// for overdue scrubs, how far history is thinned, events retention deleted), kept across
// restarts.
#ifndef ZFLEET_CONTROLLER_STORE_CONTROLLER_STATE_TABLE_H_
#define ZFLEET_CONTROLLER_STORE_CONTROLLER_STATE_TABLE_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "controller/store/sqlite.h"

namespace zfleet::controller {

// Thread-compatible; Internal on a database error.
class ControllerStateTable {
 public:
  explicit ControllerStateTable(Database* db) : db_(db) {}

  // nullopt when the key was never set.
  absl::StatusOr<std::optional<int64_t>> Get(const std::string& key);
  absl::Status Set(const std::string& key, int64_t value);
  // Adds `delta` to the key's value (a key never set counts as 0).
  absl::Status Add(const std::string& key, int64_t delta);

 private:
  Database* db_;
};

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_STORE_CONTROLLER_STATE_TABLE_H_
