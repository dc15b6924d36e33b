// The webhook sender's queue (alerts/webhook_sender.h) over the store's outbox
// (store/notification_table.h), each call under the controller's store lock.
#ifndef ZFLEET_CONTROLLER_STORE_NOTIFICATION_QUEUE_H_
#define ZFLEET_CONTROLLER_STORE_NOTIFICATION_QUEUE_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/synchronization/mutex.h"
#include "controller/alerts/webhook_sender.h"
#include "controller/store/store.h"

namespace zfleet::controller {

class StoreNotificationQueue : public NotificationQueue {
 public:
  // `store` and `store_mu` must outlive the queue.
  StoreNotificationQueue(Store* store, absl::Mutex* store_mu) : store_(store), mu_(store_mu) {}

  absl::StatusOr<std::optional<QueuedNotification>> Next(const std::string& url) override;
  absl::Status Done(const std::string& url, int64_t id) override;
  absl::Status Failed(const std::string& url, int64_t id) override;

 private:
  Store* store_;
  absl::Mutex* mu_;
};

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_STORE_NOTIFICATION_QUEUE_H_
