// Builders of v1::Vdev and v1::Pool for tests: the pieces every hand-built pool shares, which
// each test then bends into its case. A builder sets only the fields it names: counters and
// disk facts are proto3 `optional`, and unset (unknown) is not zero.
#ifndef ZFLEET_TESTS_TESTING_POOL_BUILDERS_H_
#define ZFLEET_TESTS_TESTING_POOL_BUILDERS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::testing {

// A leaf vdev `name` as zpool shows a whole disk: type "disk", role "data", ONLINE, at
// /dev/<name>. Its error counters and disk identity are unset.
inline v1::Vdev DiskLeaf(const std::string& name) {
  v1::Vdev leaf;
  leaf.set_name(name);
  leaf.set_type("disk");
  leaf.set_role("data");
  leaf.set_state("ONLINE");
  leaf.set_path("/dev/" + name);
  return leaf;
}

// `leaf` with its read, write and checksum error counters set: present, even when zero.
inline v1::Vdev WithErrors(v1::Vdev leaf, uint64_t read, uint64_t write, uint64_t checksum) {
  leaf.set_read_errors(read);
  leaf.set_write_errors(write);
  leaf.set_checksum_errors(checksum);
  return leaf;
}

// A DiskLeaf the agent identified, with its `serial` and zero error counters.
inline v1::Vdev HealthyDisk(const std::string& name, const std::string& serial) {
  v1::Vdev leaf = WithErrors(DiskLeaf(name), 0, 0, 0);
  leaf.mutable_disk()->set_serial(serial);
  return leaf;
}

// A DiskLeaf with a role and a scheduling class, as the scrub-class tests want them: `cls`
// "" leaves the class unset (a disk the agent could not classify).
inline v1::Vdev ClassedLeaf(const std::string& name, const std::string& role,
                            const std::string& cls, const std::string& state = "ONLINE") {
  v1::Vdev leaf = DiskLeaf(name);
  leaf.set_role(role);
  leaf.set_state(state);
  if (!cls.empty()) leaf.mutable_disk()->set_class_(cls);
  return leaf;
}

// Appends to `pool` a top-level mirror of `leaves`, named mirror-N after the N vdevs before it.
// Its role, state and counters are unset. Returns it (owned by `pool`) for the test to bend.
inline v1::Vdev* AddMirror(v1::Pool& pool, const std::vector<v1::Vdev>& leaves) {
  v1::Vdev* mirror = pool.add_vdevs();
  mirror->set_name(absl::StrCat("mirror-", pool.vdevs_size() - 1));
  mirror->set_type("mirror");
  for (const v1::Vdev& leaf : leaves) *mirror->add_children() = leaf;
  return mirror;
}

// A pool `name` in `state` of one vdev, mirror-0 of `leaves`, in `state` too.
inline v1::Pool MirrorPool(const std::string& name, const std::string& state,
                           const std::vector<v1::Vdev>& leaves) {
  v1::Pool pool;
  pool.set_name(name);
  pool.set_state(state);
  AddMirror(pool, leaves)->set_state(state);
  return pool;
}

// `scan` as `zpool status` shows a scrub that finished clean, from `start` to `end`.
inline void SetFinishedScrub(v1::Scan* scan, int64_t start, int64_t end) {
  scan->Clear();
  scan->set_function("scrub");
  scan->set_state("finished");
  scan->set_bytes_repaired(0);
  scan->set_errors(0);
  scan->set_start_time(start);
  scan->set_end_time(end);
}

}  // namespace zfleet::testing

#endif  // ZFLEET_TESTS_TESTING_POOL_BUILDERS_H_
