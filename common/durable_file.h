// Files that survive a crash or a power cut: whole files replaced atomically, and append-only
// logs whose every record is on disk before Append returns. For the agent's state directory
// (outbox, command journal, policy), where something acknowledged must never be lost.
#ifndef ZFLEET_COMMON_DURABLE_FILE_H_
#define ZFLEET_COMMON_DURABLE_FILE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace zfleet {

// The whole file; NotFound when it does not exist, Internal (with the reason) otherwise.
absl::StatusOr<std::string> ReadWholeFile(const std::string& path);

// Replaces `path` with `contents`: written to PATH.tmp, fsynced, renamed over `path`, and the
// directory fsynced, so a crash leaves the old or the new file, never a mix. `mode` applies to
// a new file.
absl::Status WriteFileAtomically(const std::string& path, absl::string_view contents,
                                 int mode = 0644);

// An append-only file. Thread-compatible. Move-only.
class AppendOnlyFile {
 public:
  // Opens (creating it, and fsyncing its directory when it is new) `path` for appending.
  static absl::StatusOr<AppendOnlyFile> Open(const std::string& path);
  AppendOnlyFile(AppendOnlyFile&& other) noexcept;
  AppendOnlyFile& operator=(AppendOnlyFile&& other) noexcept;
  ~AppendOnlyFile();

  // Writes `bytes` at the end and waits until they are on disk (fdatasync). On a failure
  // (a full disk) the file is cut back to where it was, so no torn record stays behind.
  absl::Status Append(absl::string_view bytes);
  const std::string& path() const { return path_; }

 private:
  AppendOnlyFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  std::string path_;
  int fd_ = -1;
};

}  // namespace zfleet

#endif  // ZFLEET_COMMON_DURABLE_FILE_H_
