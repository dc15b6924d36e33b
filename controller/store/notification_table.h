// The webhook outbox: notifications waiting for each webhook URL, kept until the URL took
// them, so that a receiver that is down, or a controller restarted meanwhile, loses none.
// A notification's body is written once; each URL it is for has a delivery row, deleted
// when that URL took it (or refused it for good), and the notification goes with its last
// delivery. Ids grow and are never reused (AUTOINCREMENT): a receiver can tell a
// notification it saw before by its id.
//
// Thread-compatible, except overflow_dropped(), which is thread-safe (/metrics reads it on
// a reader's thread while the writer counts); every method returns Internal (with SQLite's
// message) on a database error.
#ifndef ZFLEET_CONTROLLER_STORE_NOTIFICATION_TABLE_H_
#define ZFLEET_CONTROLLER_STORE_NOTIFICATION_TABLE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "controller/store/sqlite.h"

namespace zfleet::controller {

struct PendingNotification {
  int64_t id = 0;
  std::string body;
  absl::Time created_at;
  int attempts = 0;  // failed POSTs of it to this URL so far
};

class NotificationTable {
 public:
  explicit NotificationTable(Database* db) : db_(db) {}

  // Queues `body` for every URL of `urls` at `now`; returns its id. A URL holding more than
  // `limit` deliveries afterwards loses its oldest (counted in OverflowDropped). Nothing is
  // written when `urls` is empty (returns 0).
  absl::StatusOr<int64_t> Enqueue(const std::string& body, const std::vector<std::string>& urls,
                                  int limit, absl::Time now);
  // The oldest notification waiting for `url`; nullopt when none is.
  absl::StatusOr<std::optional<PendingNotification>> Next(const std::string& url);
  // `url` is done with notification `id` (taken, or refused for good).
  absl::Status Done(const std::string& url, int64_t id);
  // A POST of `id` to `url` failed: counts the attempt.
  absl::Status Failed(const std::string& url, int64_t id);
  // Notifications waiting for `url`.
  absl::StatusOr<int64_t> Pending(const std::string& url);
  // Drops what waits for URLs not in `urls` (no longer configured). Returns how many
  // deliveries went.
  absl::StatusOr<int64_t> ForgetOtherUrls(const std::vector<std::string>& urls);
  // Deliveries dropped for a full queue since this process opened the store, per URL.
  std::map<std::string, int64_t> overflow_dropped() const ABSL_LOCKS_EXCLUDED(overflow_mu_);

 private:
  // Deletes notifications without a delivery left.
  absl::Status DeleteDelivered();

  Database* db_;
  mutable absl::Mutex overflow_mu_;
  std::map<std::string, int64_t> overflow_dropped_ ABSL_GUARDED_BY(overflow_mu_);
};

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_STORE_NOTIFICATION_TABLE_H_
