#include "controller/pki/pki_files.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace zfleet::controller::pki {
namespace {

absl::Status Errno(absl::string_view what, const std::string& path) {
  return absl::InternalError(absl::StrCat(what, " ", path, ": ", std::strerror(errno)));
}

absl::Status Exists(const std::string& path) {
  return absl::FailedPreconditionError(absl::StrCat(path, " exists; pass --force to replace it"));
}

std::string DirOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// A fresh name beside `path`; O_EXCL makes a clash (another writer) fail, not overwrite.
std::string TempName(const std::string& path, int attempt) {
  return absl::StrCat(path, ".tmp-", getpid(), "-", attempt);
}

absl::Status WriteAll(int fd, absl::string_view content, const std::string& path) {
  while (!content.empty()) {
    const ssize_t n = write(fd, content.data(), content.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Errno("cannot write", path);
    }
    content.remove_prefix(static_cast<size_t>(n));
  }
  if (fsync(fd) != 0) return Errno("cannot fsync", path);
  return absl::OkStatus();
}

// rename() that refuses to replace `to` unless `force`.
absl::Status RenameInto(const std::string& from, const std::string& to, bool force) {
  if (force) {
    if (rename(from.c_str(), to.c_str()) != 0) return Errno("cannot rename into", to);
    return absl::OkStatus();
  }
  if (renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) {
    return absl::OkStatus();
  }
  if (errno == EEXIST) return Exists(to);
  if (errno != EINVAL && errno != ENOSYS) return Errno("cannot rename into", to);
  // A file system without RENAME_NOREPLACE: link() refuses an existing target too.
  if (link(from.c_str(), to.c_str()) != 0) {
    return errno == EEXIST ? Exists(to) : Errno("cannot link into", to);
  }
  unlink(from.c_str());
  return absl::OkStatus();
}

}  // namespace

absl::Status EnsureDirectory(const std::string& dir) {
  struct stat st {};
  if (stat(dir.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return absl::OkStatus();
    return absl::FailedPreconditionError(absl::StrCat(dir, " exists and is not a directory"));
  }
  if (mkdir(dir.c_str(), kDirMode) != 0 && errno != EEXIST) {
    return Errno("cannot create directory", dir);
  }
  return absl::OkStatus();
}

absl::Status CheckCanWrite(const std::vector<std::string>& paths, bool force) {
  if (force) return absl::OkStatus();
  for (const std::string& path : paths) {
    struct stat st {};
    if (lstat(path.c_str(), &st) == 0) return Exists(path);
  }
  return absl::OkStatus();
}

absl::Status WriteFileAtomically(const std::string& path, absl::string_view content, mode_t mode,
                                 bool force) {
  std::string temp;
  int fd = -1;
  for (int attempt = 0; fd < 0 && attempt < 100; ++attempt) {
    temp = TempName(path, attempt);
    fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
    if (fd < 0 && errno != EEXIST) return Errno("cannot create", temp);
  }
  if (fd < 0) return Errno("cannot create", temp);
  absl::Status status;
  // The umask may have cleared bits of `mode` (a certificate's 0644); never adds any.
  if (fchmod(fd, mode) != 0) status = Errno("cannot chmod", temp);
  if (status.ok()) status = WriteAll(fd, content, temp);
  if (close(fd) != 0 && status.ok()) status = Errno("cannot close", temp);
  if (status.ok()) status = RenameInto(temp, path, force);
  if (!status.ok()) {
    unlink(temp.c_str());
    return status;
  }
  const std::string dir = DirOf(path);
  const int dir_fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) return Errno("cannot open", dir);
  const bool synced = fsync(dir_fd) == 0;
  close(dir_fd);
  if (!synced) return Errno("cannot fsync", dir);
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return absl::NotFoundError(absl::StrCat(path, " does not exist"));
    return Errno("cannot open", path);
  }
  std::string content;
  char buf[8192];
  while (true) {
    const ssize_t n = read(fd, buf, sizeof(buf));
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      const absl::Status status = Errno("cannot read", path);
      close(fd);
      return status;
    }
    content.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return content;
}

}  // namespace zfleet::controller::pki
