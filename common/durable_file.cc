#include "common/durable_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"

namespace zfleet {
namespace {

// Internal naming the step, the file and the system's reason. Only a read tells a missing
// file apart (NotFound): for a write, a missing directory is as broken as a full disk.
absl::Status Errno(absl::string_view what, const std::string& path) {
  return absl::InternalError(absl::StrCat(what, " ", path, ": ", std::strerror(errno)));
}

std::string DirOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

absl::Status FsyncDir(const std::string& dir) {
  const int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Errno("cannot open", dir);
  const bool synced = fsync(fd) == 0;
  close(fd);
  if (!synced) return Errno("cannot fsync", dir);
  return absl::OkStatus();
}

absl::Status WriteAll(int fd, absl::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    const ssize_t n = write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Errno("cannot write", path);
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) {
    return absl::NotFoundError(absl::StrCat("cannot open ", path, ": ", std::strerror(ENOENT)));
  }
  if (fd < 0) return Errno("cannot open", path);
  std::string out;
  char buf[65536];
  while (true) {
    const ssize_t n = read(fd, buf, sizeof(buf));
    if (n < 0) {
      if (errno == EINTR) continue;
      absl::Status s = Errno("cannot read", path);
      close(fd);
      return s;
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return out;
}

absl::Status WriteFileAtomically(const std::string& path, absl::string_view contents, int mode) {
  const std::string tmp = path + ".tmp";
  const int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return Errno("cannot create", tmp);
  absl::Status s = WriteAll(fd, contents, tmp);
  if (s.ok() && fsync(fd) != 0) s = Errno("cannot fsync", tmp);
  close(fd);
  if (s.ok() && std::rename(tmp.c_str(), path.c_str()) != 0) s = Errno("cannot replace", path);
  if (!s.ok()) {
    unlink(tmp.c_str());
    return s;
  }
  return FsyncDir(DirOf(path));
}

absl::StatusOr<AppendOnlyFile> AppendOnlyFile::Open(const std::string& path) {
  struct stat st;
  const bool is_new = stat(path.c_str(), &st) != 0;
  const int fd = open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Errno("cannot open", path);
  if (is_new) {
    if (absl::Status s = FsyncDir(DirOf(path)); !s.ok()) {
      close(fd);
      return s;
    }
  }
  return AppendOnlyFile(path, fd);
}

AppendOnlyFile::AppendOnlyFile(AppendOnlyFile&& other) noexcept
    : path_(std::move(other.path_)), fd_(std::exchange(other.fd_, -1)) {}

AppendOnlyFile& AppendOnlyFile::operator=(AppendOnlyFile&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    path_ = std::move(other.path_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

AppendOnlyFile::~AppendOnlyFile() {
  if (fd_ >= 0) close(fd_);
}

absl::Status AppendOnlyFile::Append(absl::string_view bytes) {
  const off_t end = lseek(fd_, 0, SEEK_END);
  absl::Status s = WriteAll(fd_, bytes, path_);
  if (s.ok() && fdatasync(fd_) != 0) s = Errno("cannot fsync", path_);
  // Cut a partial record off so the file ends on a whole one (a full disk, mostly).
  if (!s.ok() && end >= 0) (void)!ftruncate(fd_, end);
  return s;
}

}  // namespace zfleet
