// Internals shared by the files that implement Store (store.cc, store_pools.cc,
// store_scrubs.cc, store_commands.cc). Not part of the store's contract: include
// "controller/store.h" instead.
#ifndef ZFLEET_CONTROLLER_STORE_IMPL_H_
#define ZFLEET_CONTROLLER_STORE_IMPL_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "controller/sqlite.h"
#include "controller/store.h"
#include "google/protobuf/message.h"

namespace zfleet::controller {

class Store::Impl {
 public:
  explicit Impl(Database db) : db_(std::move(db)) {}

  Database& db() { return db_; }

  // Runs `fn` so that its writes land all together or not at all: in its own
  // BEGIN IMMEDIATE … COMMIT when no transaction is open, else inside a savepoint of the
  // caller's transaction, so a failure undoes only fn's writes and the caller's
  // RunInTransaction still decides about the rest. Returns fn's error or the commit's.
  absl::Status Atomically(const std::function<absl::Status()>& fn);

  // The hosts.id of `host_id`, nullopt when the host is unknown.
  absl::StatusOr<std::optional<int64_t>> HostRowId(const std::string& host_id);

 private:
  Database db_;
};

namespace store_internal {

inline int64_t ToUnix(absl::Time t) { return absl::ToUnixSeconds(t); }
inline absl::Time FromUnix(int64_t seconds) { return absl::FromUnixSeconds(seconds); }

// Serializes with deterministic map order, so equal messages give equal bytes and
// snapshots can be compared byte for byte. Internal if serialization fails.
absl::StatusOr<std::string> SerializeDeterministic(const google::protobuf::Message& message);

// Parses a stored blob into `message`; Internal naming `what` if it is corrupt.
absl::Status ParseStored(absl::string_view bytes, google::protobuf::Message* message,
                         absl::string_view what);

// Optional proto fields map to NULL. uint64 values keep their bit pattern in SQLite's
// signed integers and come back unchanged.
template <typename T>
std::optional<int64_t> Optional(bool has, T value) {
  if (!has) return std::nullopt;
  return static_cast<int64_t>(value);
}
inline std::optional<std::string> OptionalText(bool has, const std::string& value) {
  if (!has) return std::nullopt;
  return value;
}
Statement& BindOptional(Statement& stmt, int index, const std::optional<int64_t>& value);
Statement& BindOptional(Statement& stmt, int index, const std::optional<std::string>& value);
std::optional<int64_t> ColumnOptional(const Statement& stmt, int column);

// Reads a HostRecord from a row whose columns are, in order: name, instance_id,
// first_seen, last_seen, info, collect_error, present pool count.
absl::StatusOr<HostRecord> ReadHostRow(const Statement& stmt);

// Writes the pool_status row (schema v3) of pool `pool_id` from `pool`, its latest snapshot.
absl::Status WritePoolStatus(Database& db, int64_t pool_id, const v1::Pool& pool);

}  // namespace store_internal
}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_STORE_IMPL_H_
