// What the store's table classes share: time and optional values as columns, protobuf blobs
// as stored, and the transaction (or savepoint) around one table operation. Internal to
// controller/store/.
#ifndef ZFLEET_CONTROLLER_STORE_COLUMNS_H_
#define ZFLEET_CONTROLLER_STORE_COLUMNS_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "controller/store/sqlite.h"
#include "google/protobuf/message.h"

namespace zfleet::controller {

// Times are stored as unix seconds.
inline int64_t ToUnix(absl::Time t) { return absl::ToUnixSeconds(t); }
inline absl::Time FromUnix(int64_t seconds) { return absl::FromUnixSeconds(seconds); }

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
// A uint64 counter column; nullopt for NULL.
std::optional<uint64_t> ColumnCounter(const Statement& stmt, int column);

// Parses a stored blob into `message`; Internal naming `what` if it is corrupt.
absl::Status ParseStored(absl::string_view bytes, google::protobuf::Message* message,
                         absl::string_view what);

// Steps `stmt` to its end and calls `fn` on each row. Returns the first error, a step's or
// fn's (the rows after it are not read).
absl::Status ForEachRow(Statement& stmt, const std::function<absl::Status(const Statement&)>& fn);

// What `read` makes of each row of `stmt`, in order. `read(const Statement&)` returns the
// row's value T, or absl::StatusOr<T> when reading can fail; the first error is returned.
template <typename T>
struct RowValue {
  using type = T;
};
template <typename T>
struct RowValue<absl::StatusOr<T>> {
  using type = T;
};
template <typename Read,
          typename T = typename RowValue<std::invoke_result_t<Read&, const Statement&>>::type>
absl::StatusOr<std::vector<T>> ReadRows(Statement& stmt, Read read) {
  std::vector<T> rows;
  absl::Status status = ForEachRow(stmt, [&](const Statement& row) -> absl::Status {
    auto value = read(row);
    if constexpr (std::is_same_v<decltype(value), T>) {
      rows.push_back(std::move(value));
    } else {
      if (!value.ok()) return value.status();
      rows.push_back(*std::move(value));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return rows;
}

// Runs `fn` so that its writes land all together or not at all: in its own
// BEGIN IMMEDIATE … COMMIT when no transaction is open, else inside a savepoint of the
// caller's transaction, so a failure undoes only fn's writes and the caller's transaction
// still decides about the rest. Returns fn's error or the commit's.
absl::Status Atomically(Database& db, const std::function<absl::Status()>& fn);

struct AckResult {
  std::vector<int64_t> acknowledged;  // now or earlier (an earlier ack is kept as it was)
  std::vector<int64_t> unknown;
  std::vector<int64_t> newly_acknowledged;  // of `acknowledged`, those by this call
};
// Sets acknowledged_by = `by` and acknowledged_at = `now` on each row of `table` (events,
// incidents: a constant of the caller, never input) whose id is in `ids` and that nobody
// acknowledged yet, atomically. Rows acknowledged before keep their acknowledgement and are
// listed as acknowledged; missing ids as unknown.
absl::StatusOr<AckResult> AcknowledgeRows(Database& db, absl::string_view table,
                                          const std::vector<int64_t>& ids, const std::string& by,
                                          absl::Time now);

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_STORE_COLUMNS_H_
