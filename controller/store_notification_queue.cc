#include "controller/store_notification_queue.h"

#include <utility>

namespace zfleet::controller {

absl::StatusOr<std::optional<QueuedNotification>> StoreNotificationQueue::Next(
    const std::string& url) {
  absl::MutexLock lock(mu_);
  absl::StatusOr<std::optional<PendingNotification>> next = store_->notifications().Next(url);
  if (!next.ok()) return next.status();
  if (!next->has_value()) return std::nullopt;
  return QueuedNotification{(*next)->id, std::move((*next)->body)};
}

absl::Status StoreNotificationQueue::Done(const std::string& url, int64_t id) {
  absl::MutexLock lock(mu_);
  return store_->notifications().Done(url, id);
}

absl::Status StoreNotificationQueue::Failed(const std::string& url, int64_t id) {
  absl::MutexLock lock(mu_);
  return store_->notifications().Failed(url, id);
}

}  // namespace zfleet::controller
