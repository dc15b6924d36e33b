// The files of `zfleet-controller pki`: where they live under DIR, and how they are written
// (never half-written, keys never readable by others, nothing replaced by accident).
#ifndef ZFLEET_CONTROLLER_PKI_PKI_FILES_H_
#define ZFLEET_CONTROLLER_PKI_PKI_FILES_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace zfleet::controller::pki {

inline constexpr mode_t kKeyMode = 0600;
inline constexpr mode_t kCertMode = 0644;
inline constexpr mode_t kDirMode = 0700;

// DIR/ca.crt, DIR/ca.key, DIR/controller.{crt,key}, DIR/agents/HOST.{crt,key},
// DIR/users/NAME.{crt,key}.
struct PkiPaths {
  static std::string CaCert(const std::string& dir) { return dir + "/ca.crt"; }
  static std::string CaKey(const std::string& dir) { return dir + "/ca.key"; }
  static std::string ControllerCert(const std::string& dir) { return dir + "/controller.crt"; }
  static std::string ControllerKey(const std::string& dir) { return dir + "/controller.key"; }
  static std::string AgentsDir(const std::string& dir) { return dir + "/agents"; }
  static std::string UsersDir(const std::string& dir) { return dir + "/users"; }
};

// Creates `dir` (mode 0700, its parent must exist) unless it is already a directory.
// FailedPrecondition when it exists and is not a directory; Internal with errno otherwise.
absl::Status EnsureDirectory(const std::string& dir);

// OK when none of `paths` exists, or `force`. Otherwise FailedPrecondition
// "PATH exists; pass --force to replace it" naming the first that exists.
absl::Status CheckCanWrite(const std::vector<std::string>& paths, bool force);

// Writes `content` to `path` atomically: a new temp file beside it, created with
// O_CREAT|O_EXCL and `mode` (so a key is 0600 from its first byte, whatever the umask),
// written, fsync'ed, then renamed over `path` and the directory fsync'ed. Without `force`
// the rename refuses an existing `path` (FailedPrecondition as CheckCanWrite says), even
// one created since the check. The temp file is removed on failure. Internal with errno
// on I/O errors.
absl::Status WriteFileAtomically(const std::string& path, absl::string_view content, mode_t mode,
                                 bool force);

// The whole file. NotFound when it does not exist; Internal with errno otherwise.
absl::StatusOr<std::string> ReadWholeFile(const std::string& path);

}  // namespace zfleet::controller::pki

#endif  // ZFLEET_CONTROLLER_PKI_PKI_FILES_H_
