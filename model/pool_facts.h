// Facts about one pool snapshot that history, events and triage share: which vdevs are
// leaves (physical devices), which leaves are in trouble, a compact health signature, and
// the words for what changed between two snapshots. Pure; thread-compatible.
#ifndef ZFLEET_MODEL_POOL_FACTS_H_
#define ZFLEET_MODEL_POOL_FACTS_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet {

// A scan state zpool prints for a scan under way: "scanning" or "paused".
bool IsActiveScanState(absl::string_view state);

// True for a vdev that is a device (disk, file, …) rather than an interior vdev (mirror-0,
// raidz1-0, replacing-0, spare-0, …), and not a hot spare waiting in the "spares" section
// (role spare, state AVAIL or INUSE). REQUIRES: the vdev has no children.
bool IsDeviceVdev(absl::string_view type, absl::string_view role, absl::string_view state);

// Calls `fn` for every leaf of the pool's config tree (a device: no children and not an
// interior type such as mirror-0 or an empty replacing-0), in pre-order. Hot spares waiting
// in the "spares" section (role spare, state AVAIL or INUSE) are skipped: they are not part
// of the pool's data path and carry no counters.
void ForEachLeaf(const v1::Pool& pool, const std::function<void(const v1::Vdev&)>& fn);

// The device as on-call names it: the leaf's path, else its name.
const std::string& DeviceLabel(const v1::Vdev& leaf);

// read + write + checksum errors (absent counters count as 0).
uint64_t LeafErrors(const v1::Vdev& leaf);

// A leaf that needs attention: any non-zero counter, or a state other than ONLINE.
bool LeafIsBad(const v1::Vdev& leaf);

// Pool states that mean data is unreachable (critical), as zpool prints them.
bool IsCriticalPoolState(absl::string_view state);

// The permanent data errors of a snapshot: errors.count when known, else the number of
// listed files when there are some, else nullopt (unknown).
std::optional<uint64_t> DataErrors(const v1::Pool& pool);

struct PoolFacts {
  std::optional<uint64_t> data_errors;    // DataErrors()
  std::optional<uint64_t> device_errors;  // sum of LeafErrors; nullopt when no leaf has a counter
  uint32_t bad_devices = 0;               // leaves whose state is not ONLINE
  // FNV-1a 64 over state, scan function and state, data errors and every leaf's name, state
  // and counters: equal for two snapshots that differ only in scan progress, sizes or
  // wording. Stable across builds and processes (stored in pool_snapshots.health).
  uint64_t health = 0;
  // Triage has something to say about the pool: not ONLINE, data or device errors, or a
  // leaf not ONLINE.
  bool needs_attention = false;
  // ScrubClasses joined with ",", e.g. "sas,sata". The pool's interval is the shortest of
  // theirs.
  std::string disk_classes;
};
PoolFacts ComputePoolFacts(const v1::Pool& pool);

// The scheduling classes that decide the pool's scrub interval, sorted and unique: those of
// its leaves in the data path (data, log, special, dedup; not cache devices or waiting
// spares) that name one. Empty when none does.
std::vector<std::string> ScrubClasses(const v1::Pool& pool);

// PoolFacts.disk_classes back into ScrubClasses' list.
std::vector<std::string> SplitDiskClasses(absl::string_view joined);

// The pool with what moves on every report cleared: sizes, and a running or paused scan's
// progress figures. Two snapshots with equal material views differ in nothing a new history
// row is kept for (state, status, scan kind and outcome, errors, the vdev tree with its
// counters and identities; presence of an optional field counts).
v1::Pool MaterialView(const v1::Pool& pool);

// A leaf as a disk of `host_id`/`pool`: path, state, identity and counters (absent counters
// stay absent); no history.
v1::Disk LeafDisk(const std::string& host_id, const std::string& pool, const v1::Vdev& leaf);

// What changed from `before` (nullopt: first sight) to `after`, in words, e.g.
// "state ONLINE → DEGRADED; sdb ONLINE → FAULTED; sda CKSUM 0 → 12; scrub finished".
// "" when nothing in the health signature changed.
std::string DescribePoolChange(const std::optional<v1::Pool>& before, const v1::Pool& after);

}  // namespace zfleet

#endif  // ZFLEET_MODEL_POOL_FACTS_H_
