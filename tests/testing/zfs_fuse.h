// Real ZFS for end-to-end tests: Debian's zfs-fuse daemon and small file-backed pools.
#ifndef ZFLEET_TESTS_TESTING_ZFS_FUSE_H_
#define ZFLEET_TESTS_TESTING_ZFS_FUSE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace zfleet::testing {

// A running ZFS: the host's own (kernel module or a zfs-fuse already running), or a zfs-fuse
// daemon started here and stopped by the destructor.
class ZfsFuse {
 public:
  // FailedPrecondition with the reason when real ZFS cannot run here (not root, no
  // /dev/fuse, zfs-fuse not installed, daemon does not come up).
  static absl::StatusOr<std::unique_ptr<ZfsFuse>> Acquire();
  ~ZfsFuse();

  const std::string& zpool() const { return zpool_; }
  // The zfs-fuse daemon started here; 0 when the host's own ZFS is used.
  int daemon_pid() const { return started_pid_; }

  // `zpool ARGS…`, tried again (up to 10 times, a second apart) while zfs-fuse says the pool
  // is busy; returns its stderr as the error when it fails.
  absl::Status Zpool(const std::vector<std::string>& args) const;

 private:
  ZfsFuse() = default;
  std::string zpool_;
  int started_pid_ = 0;  // the daemon we started, 0 when we use one that was running
};

// True when the test must fail rather than skip for lack of real ZFS (env CI is set).
bool RealZfsRequired();

// Writes `count` files of `size` random bytes under `dir`.
absl::Status WriteRandomFiles(const std::string& dir, int count, size_t size);

// Overwrites [offset, offset+length) of `path` with random bytes.
absl::Status CorruptFile(const std::string& path, size_t offset, size_t length);

}  // namespace zfleet::testing

#endif  // ZFLEET_TESTS_TESTING_ZFS_FUSE_H_
