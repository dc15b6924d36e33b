#include "controller/store/controller_state_table.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace zfleet::controller {

absl::StatusOr<std::optional<int64_t>> ControllerStateTable::Get(const std::string& key) {
  ASSIGN_OR_RETURN(Statement stmt,
                   db_->Prepare("SELECT value FROM controller_state WHERE key = ?1"));
  stmt.BindText(1, key);
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<int64_t>();
  return std::optional<int64_t>(stmt.ColumnInt64(0));
}

absl::Status ControllerStateTable::Set(const std::string& key, int64_t value) {
  ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(R"sql(
    INSERT INTO controller_state (key, value) VALUES (?1, ?2)
    ON CONFLICT (key) DO UPDATE SET value = excluded.value)sql"));
  stmt.BindText(1, key).BindInt64(2, value);
  return WithContext(stmt.Run(), absl::StrCat("storing controller value ", key));
}

absl::Status ControllerStateTable::Add(const std::string& key, int64_t delta) {
  ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(R"sql(
    INSERT INTO controller_state (key, value) VALUES (?1, ?2)
    ON CONFLICT (key) DO UPDATE SET value = value + excluded.value)sql"));
  stmt.BindText(1, key).BindInt64(2, delta);
  return WithContext(stmt.Run(), absl::StrCat("adding to controller value ", key));
}

}  // namespace zfleet::controller
