// Helpers of the tests over a Store (here and in tests/controller): opening one, one at an
// older schema version, and the two-disk pool the store tests record.
#ifndef ZFLEET_TESTS_CONTROLLER_STORE_STORE_FIXTURES_H_
#define ZFLEET_TESTS_CONTROLLER_STORE_STORE_FIXTURES_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "controller/store/schema.h"
#include "controller/store/sqlite.h"
#include "controller/store/store.h"
#include "gtest/gtest.h"
#include "tests/testing/pool_builders.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::controller {

// Opens the store at `path` (":memory:" for a private one) into `*store`. A failure fails the
// test fatally: call it from SetUp, or through ASSERT_NO_FATAL_FAILURE.
inline void OpenStore(const std::string& path, std::unique_ptr<Store>* store) {
  absl::StatusOr<std::unique_ptr<Store>> opened = Store::Open(path);
  ASSERT_TRUE(opened.ok()) << opened.status();
  *store = *std::move(opened);
}

// A store file at `path` as schema `version` left it (its first `version` migrations), for a
// migration test to fill before Store::Open migrates it on.
inline absl::StatusOr<Database> DatabaseAtVersion(const std::string& path, int version) {
  absl::StatusOr<Database> db = Database::Open(path);
  if (!db.ok()) return db.status();
  if (absl::Status migrated = MigrateSchema(*db, StoreMigrations().subspan(0, version));
      !migrated.ok()) {
    return migrated;
  }
  return db;
}

// tank in `state`: mirror-0 (ONLINE) of the disks sda and sdb (serials SN-sda and SN-sdb,
// model WDC WD40EFRX) with zero error counters, but `sdb_cksum` checksum errors on sdb.
inline v1::Pool TwoDiskTank(uint64_t sdb_cksum, const std::string& state) {
  std::vector<v1::Vdev> disks;
  for (const std::string name : {"sda", "sdb"}) {
    disks.push_back(testing::HealthyDisk(name, "SN-" + name));
    disks.back().mutable_disk()->set_model("WDC WD40EFRX");
  }
  disks[1].set_checksum_errors(sdb_cksum);
  v1::Pool pool = testing::MirrorPool("tank", "ONLINE", disks);
  pool.set_state(state);
  return pool;
}

}  // namespace zfleet::controller

#endif  // ZFLEET_TESTS_CONTROLLER_STORE_STORE_FIXTURES_H_
