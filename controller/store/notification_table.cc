#include "controller/store/notification_table.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "controller/store/columns.h"

namespace zfleet::controller {
namespace {

// Deletes notifications up to `up_to` that no URL waits for any more.
constexpr char kDeleteDelivered[] = R"sql(
  DELETE FROM notifications WHERE id <= ?1 AND NOT EXISTS
    (SELECT 1 FROM notification_deliveries d WHERE d.notification_id = notifications.id))sql";

}  // namespace

absl::StatusOr<int64_t> NotificationTable::Enqueue(const std::string& body,
                                                   const std::vector<std::string>& urls, int limit,
                                                   absl::Time now) {
  if (urls.empty()) return 0;
  ASSIGN_OR_RETURN(Statement insert, db_->Prepare("INSERT INTO notifications (created_at, body) "
                                                  "VALUES (?1, ?2)"));
  insert.BindInt64(1, ToUnix(now)).BindText(2, body);
  RETURN_IF_ERROR(WithContext(insert.Run(), "queueing a notification"));
  const int64_t id = db_->LastInsertRowId();
  ASSIGN_OR_RETURN(Statement deliver, db_->Prepare("INSERT OR IGNORE INTO notification_deliveries "
                                                   "(url, notification_id) VALUES (?1, ?2)"));
  // The oldest beyond `limit`: the queue of a URL that has been away too long.
  ASSIGN_OR_RETURN(Statement trim, db_->Prepare(R"sql(
    DELETE FROM notification_deliveries WHERE url = ?1 AND notification_id IN (
      SELECT notification_id FROM notification_deliveries WHERE url = ?1
      ORDER BY notification_id
      LIMIT max(0, (SELECT count(*) FROM notification_deliveries WHERE url = ?1) - ?2)))sql"));
  bool trimmed = false;
  for (const std::string& url : urls) {
    deliver.Reset();
    trim.Reset();
    deliver.BindText(1, url).BindInt64(2, id);
    RETURN_IF_ERROR(WithContext(deliver.Run(), "queueing a notification"));
    trim.BindText(1, url).BindInt64(2, limit);
    RETURN_IF_ERROR(WithContext(trim.Run(), "trimming the notification queue"));
    if (const int64_t dropped = db_->Changes(); dropped > 0) {
      absl::MutexLock lock(&overflow_mu_);
      overflow_dropped_[url] += dropped;
      trimmed = true;
    }
  }
  if (trimmed) {
    ASSIGN_OR_RETURN(Statement sweep, db_->Prepare(kDeleteDelivered));
    sweep.BindInt64(1, id);
    RETURN_IF_ERROR(WithContext(sweep.Run(), "trimming the notification queue"));
  }
  return id;
}

std::map<std::string, int64_t> NotificationTable::overflow_dropped() const {
  absl::MutexLock lock(&overflow_mu_);
  return overflow_dropped_;
}

absl::StatusOr<std::optional<PendingNotification>> NotificationTable::Next(const std::string& url) {
  ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(R"sql(
    SELECT n.id, n.body, n.created_at, d.attempts
    FROM notification_deliveries d JOIN notifications n ON n.id = d.notification_id
    WHERE d.url = ?1 ORDER BY d.notification_id LIMIT 1)sql"));
  stmt.BindText(1, url);
  ASSIGN_OR_RETURN(std::vector<PendingNotification> rows, ReadRows(stmt, [](const Statement& row) {
                     PendingNotification n;
                     n.id = row.ColumnInt64(0);
                     n.body = row.ColumnText(1);
                     n.created_at = FromUnix(row.ColumnInt64(2));
                     n.attempts = static_cast<int>(row.ColumnInt64(3));
                     return n;
                   }));
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

absl::Status NotificationTable::Done(const std::string& url, int64_t id) {
  ASSIGN_OR_RETURN(Statement done, db_->Prepare("DELETE FROM notification_deliveries "
                                                "WHERE url = ?1 AND notification_id = ?2"));
  done.BindText(1, url).BindInt64(2, id);
  RETURN_IF_ERROR(WithContext(done.Run(), "marking a notification delivered"));
  ASSIGN_OR_RETURN(Statement sweep, db_->Prepare(R"sql(
    DELETE FROM notifications WHERE id = ?1 AND NOT EXISTS
      (SELECT 1 FROM notification_deliveries WHERE notification_id = ?1))sql"));
  sweep.BindInt64(1, id);
  return WithContext(sweep.Run(), "marking a notification delivered");
}

absl::Status NotificationTable::Failed(const std::string& url, int64_t id) {
  ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(R"sql(
    UPDATE notification_deliveries SET attempts = attempts + 1
    WHERE url = ?1 AND notification_id = ?2)sql"));
  stmt.BindText(1, url).BindInt64(2, id);
  return WithContext(stmt.Run(), "counting a failed notification");
}

absl::StatusOr<int64_t> NotificationTable::Pending(const std::string& url) {
  ASSIGN_OR_RETURN(Statement stmt,
                   db_->Prepare("SELECT count(*) FROM notification_deliveries WHERE url = ?1"));
  stmt.BindText(1, url);
  ASSIGN_OR_RETURN(std::vector<int64_t> rows,
                   ReadRows(stmt, [](const Statement& row) { return row.ColumnInt64(0); }));
  return rows.empty() ? 0 : rows.front();
}

absl::StatusOr<int64_t> NotificationTable::ForgetOtherUrls(const std::vector<std::string>& urls) {
  ASSIGN_OR_RETURN(Statement urls_stmt,
                   db_->Prepare("SELECT DISTINCT url FROM notification_deliveries"));
  ASSIGN_OR_RETURN(std::vector<std::string> queued,
                   ReadRows(urls_stmt, [](const Statement& row) { return row.ColumnText(0); }));
  ASSIGN_OR_RETURN(Statement forget,
                   db_->Prepare("DELETE FROM notification_deliveries WHERE url = ?1"));
  int64_t forgotten = 0;
  for (const std::string& url : queued) {
    if (std::find(urls.begin(), urls.end(), url) != urls.end()) continue;
    forget.Reset();
    forget.BindText(1, url);
    RETURN_IF_ERROR(WithContext(forget.Run(), "dropping the queue of a removed webhook"));
    forgotten += db_->Changes();
  }
  if (forgotten == 0) return 0;
  ASSIGN_OR_RETURN(Statement sweep, db_->Prepare(kDeleteDelivered));
  sweep.BindInt64(1, std::numeric_limits<int64_t>::max());
  RETURN_IF_ERROR(WithContext(sweep.Run(), "dropping the queue of a removed webhook"));
  return forgotten;
}

}  // namespace zfleet::controller
