// The hosts table: every host that ever reported, its latest info, and what the controller
// tracks about it (missing since, stack attention).
//
// Thread-compatible, like every table class: the controller serializes access to the store.
// Every method returns Internal (with SQLite's message) on a database error.
#ifndef ZFLEET_CONTROLLER_STORE_HOST_TABLE_H_
#define ZFLEET_CONTROLLER_STORE_HOST_TABLE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "controller/store/sqlite.h"
#include "model/host_record.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::controller {

class HostTable {
 public:
  explicit HostTable(Database* db) : db_(db) {}

  // Inserts or updates the host: instance id, info, collect error, last_seen = now
  // (first_seen set on insert).
  absl::Status Upsert(const std::string& host_id, const std::string& instance_id,
                      const v1::HostInfo& info, const std::string& collect_error, absl::Time now);
  // Every host, ordered by name.
  absl::StatusOr<std::vector<HostRecord>> List();
  // nullopt when unknown.
  absl::StatusOr<std::optional<HostRecord>> Get(const std::string& host_id);
  // Hosts with a stack check at warn or fail (or not known yet), a zpool that does not
  // answer, or last seen before `seen_before`: the hosts triage looks at. Ordered by name.
  absl::StatusOr<std::vector<HostRecord>> ListNeedingAttention(absl::Time seen_before);

  // Every host with last_seen and its missing flag, ordered by name.
  absl::StatusOr<std::vector<HostLiveness>> ListLiveness();
  // One host's liveness; nullopt if unknown.
  absl::StatusOr<std::optional<HostLiveness>> GetLiveness(const std::string& host_id);
  // Sets (a time) or clears (nullopt) the host's missing flag. NotFound if unknown.
  absl::Status SetMissing(const std::string& host_id, std::optional<absl::Time> since);
  // Records whether the host has a stack check at warn or fail. NotFound if unknown.
  absl::Status SetStackAttention(const std::string& host_id, bool attention);

  // Where the host's observations stand; nullopt if unknown.
  absl::StatusOr<std::optional<HostStream>> GetStream(const std::string& host_id);
  // What a report that changed nothing writes of its host (Store::WriteTouches): Upsert's
  // update and SetStream's in one statement. Writes nothing for an unknown host.
  absl::Status Touch(const std::string& host_id, const std::string& instance_id,
                     const v1::HostInfo& info, const std::string& collect_error, absl::Time now,
                     const HostStream& stream);
  // Records the last applied observation. NotFound if unknown.
  absl::Status SetStream(const std::string& host_id, const HostStream& stream);
  // Records that zpool hangs on the host since `since` (nullopt: it answers again), and what
  // hangs. NotFound if unknown.
  absl::Status SetZpoolStuck(const std::string& host_id, std::optional<absl::Time> since,
                             const std::string& detail);

  // The hosts.id of `host_id` (the key other tables refer to); nullopt when unknown.
  absl::StatusOr<std::optional<int64_t>> RowId(const std::string& host_id);

 private:
  absl::StatusOr<std::vector<HostRecord>> Select(absl::string_view where_and_order,
                                                 const std::function<void(Statement&)>& bind);

  Database* db_;
};

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_STORE_HOST_TABLE_H_
