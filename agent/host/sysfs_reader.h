// A system directory such as /dev or /sys seen through a host directory, so that disk
// identity and stack checks read the real host or a recorded fixture tree alike. Symlinks
// are resolved by hand inside the view (never by realpath(3), which would follow them into
// the real /), so a fixture's "../../sda" and "/dev/sda" both stay inside the fixture.
#ifndef ZFLEET_AGENT_HOST_SYSFS_READER_H_
#define ZFLEET_AGENT_HOST_SYSFS_READER_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace zfleet::agent {

// Immutable; thread-compatible (reads only).
class RootedDir {
 public:
  // `mount` is the system path ("/dev"), `host_dir` where it lives ("/dev", or a fixture's
  // ".../case/dev"). REQUIRES: mount is absolute, without a trailing '/'.
  RootedDir(std::string mount, std::string host_dir);

  const std::string& mount() const { return mount_; }

  // The host path of a system path at or below mount(); "" for a path outside it.
  std::string HostPath(absl::string_view system_path) const;

  // Resolves every symlink of `system_path` (absolute targets are system paths, relative
  // ones are taken against the link's directory) and normalises "." and "..". Returns the
  // resolved system path. NotFound when a component does not exist or the path leaves
  // mount(); FailedPrecondition on a symlink loop (more than 40 links).
  absl::StatusOr<std::string> Resolve(absl::string_view system_path) const;

  // Whether `system_path` exists (following symlinks).
  bool Exists(absl::string_view system_path) const;

  // The file's bytes, or nullopt when it cannot be read. Reads at most 64 KiB (sysfs
  // attributes are one page).
  std::optional<std::string> ReadBytes(absl::string_view system_path) const;

  // The file's text with surrounding whitespace and NULs removed; nullopt when unreadable
  // or empty after trimming.
  std::optional<std::string> ReadAttribute(absl::string_view system_path) const;

  // Names in a directory (no "." or ".."), sorted; empty when it cannot be listed.
  std::vector<std::string> List(absl::string_view system_path) const;

 private:
  std::string mount_;
  std::string host_dir_;
};

// "/a/b/c" → "c"; "/a/b/" → "b".
std::string Basename(absl::string_view path);
// "/a/b/c" → "/a/b"; "/a" → "/".
std::string Dirname(absl::string_view path);
// Whitespace and NULs removed from both ends.
std::string TrimAttribute(absl::string_view text);

}  // namespace zfleet::agent

#endif  // ZFLEET_AGENT_HOST_SYSFS_READER_H_
