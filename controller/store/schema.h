// The store's schema and its migrations. The schema version lives in the database header
// (PRAGMA user_version): version N means migrations[0..N) have been applied. Migrations
// are only ever appended; an applied one is never edited.
#ifndef ZFLEET_CONTROLLER_STORE_SCHEMA_H_
#define ZFLEET_CONTROLLER_STORE_SCHEMA_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "controller/store/sqlite.h"

namespace zfleet::controller {

// The store's migrations, oldest first. The current schema version is their count.
absl::Span<const char* const> StoreMigrations();

// Returns the database's PRAGMA user_version, or Internal on a database error.
absl::StatusOr<int> SchemaVersion(Database& db);

// Brings `db` to version migrations.size(): the missing migrations and the version bump
// run in one IMMEDIATE transaction, so a crash or a second process opening the same file
// never sees a half-migrated schema. Returns FailedPrecondition (and changes nothing)
// when the database is newer than `migrations` knows, Internal when a migration fails
// (nothing is applied).
// REQUIRES: no transaction is open on `db`.
absl::Status MigrateSchema(Database& db, absl::Span<const char* const> migrations);

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_STORE_SCHEMA_H_
