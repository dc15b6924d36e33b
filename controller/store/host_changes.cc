#include "controller/store/host_changes.h"

#include <sqlite3.h>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace zfleet::controller {
namespace {

constexpr char kFunction[] = "zfleet_host_changed";

// Tables keyed by host, and tables keyed by pool (whose host is looked up).
constexpr const char* kHostTables[] = {"hosts", "pools", "commands"};
constexpr const char* kPoolTables[] = {"scrub_runs", "scan_progress", "scrub_concerns"};

void HostChangedFunction(sqlite3_context* context, int argc, sqlite3_value** argv) {
  auto* changes = static_cast<HostChanges*>(sqlite3_user_data(context));
  if (argc == 1 && sqlite3_value_type(argv[0]) == SQLITE_INTEGER) {
    changes->Changed(sqlite3_value_int64(argv[0]));
  }
  sqlite3_result_null(context);
}

// One AFTER trigger per table and operation; `row` is NEW or OLD.
std::string TriggerSql(absl::string_view table, absl::string_view op, absl::string_view row,
                       bool by_pool) {
  const std::string host =
      by_pool ? absl::StrCat("(SELECT host_id FROM main.pools WHERE id = ", row, ".pool_id)")
              : absl::StrCat(row, absl::string_view(table) == "hosts" ? ".id" : ".host_id");
  return absl::StrCat("CREATE TEMP TRIGGER IF NOT EXISTS zfleet_changed_", table, "_", op,
                      " AFTER ", op, " ON main.", table, " BEGIN SELECT ", kFunction, "(", host,
                      "); END;");
}

}  // namespace

uint64_t HostChanges::Version(int64_t host_row) const {
  absl::MutexLock lock(&mu_);
  auto it = versions_.find(host_row);
  return it == versions_.end() ? 0 : it->second;
}

void HostChanges::Changed(int64_t host_row) {
  absl::MutexLock lock(&mu_);
  if (!suppressed_) ++versions_[host_row];
}

HostChanges::Suppressed::Suppressed(HostChanges* changes) : changes_(changes) {
  absl::MutexLock lock(&changes_->mu_);
  changes_->suppressed_ = true;
}

HostChanges::Suppressed::~Suppressed() {
  absl::MutexLock lock(&changes_->mu_);
  changes_->suppressed_ = false;
}

absl::Status HostChanges::Watch(Database& db) {
  const int rc = sqlite3_create_function_v2(db.get(), kFunction, 1, SQLITE_UTF8, this,
                                            HostChangedFunction, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) {
    return absl::InternalError(absl::StrCat("registering ", kFunction, ": ", sqlite3_errstr(rc)));
  }
  std::string sql;
  for (const char* table : kHostTables) {
    absl::StrAppend(&sql, TriggerSql(table, "INSERT", "NEW", false),
                    TriggerSql(table, "UPDATE", "NEW", false),
                    TriggerSql(table, "DELETE", "OLD", false));
  }
  for (const char* table : kPoolTables) {
    absl::StrAppend(&sql, TriggerSql(table, "INSERT", "NEW", true),
                    TriggerSql(table, "UPDATE", "NEW", true),
                    TriggerSql(table, "DELETE", "OLD", true));
  }
  return db.Exec(sql);
}

}  // namespace zfleet::controller
