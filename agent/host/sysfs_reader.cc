#include "agent/host/sysfs_reader.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <deque>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace zfleet::agent {
namespace {

constexpr int kMaxSymlinks = 40;  // as the kernel's own limit for one lookup
constexpr size_t kMaxRead = 64 * 1024;

std::deque<std::string> Components(absl::string_view path) {
  std::deque<std::string> out;
  for (absl::string_view part : absl::StrSplit(path, '/', absl::SkipEmpty())) {
    out.emplace_back(part);
  }
  return out;
}

std::string JoinComponents(const std::vector<std::string>& parts) {
  return absl::StrCat("/", absl::StrJoin(parts, "/"));
}

// Whether `path` is `prefix` or lies below it.
bool IsAtOrBelow(absl::string_view path, absl::string_view prefix) {
  if (prefix == "/") return true;
  return path == prefix || (absl::StartsWith(path, prefix) && path.size() > prefix.size() &&
                            path[prefix.size()] == '/');
}

std::optional<std::string> ReadLink(const std::string& host_path) {
  std::string buf(4096, '\0');
  ssize_t n = ::readlink(host_path.c_str(), buf.data(), buf.size());
  if (n < 0 || static_cast<size_t>(n) >= buf.size()) return std::nullopt;
  buf.resize(static_cast<size_t>(n));
  return buf;
}

}  // namespace

RootedDir::RootedDir(std::string mount, std::string host_dir)
    : mount_(std::move(mount)), host_dir_(std::move(host_dir)) {}

std::string RootedDir::HostPath(absl::string_view system_path) const {
  if (!IsAtOrBelow(system_path, mount_)) return "";
  if (mount_ == "/") {
    return host_dir_ == "/" ? std::string(system_path) : absl::StrCat(host_dir_, system_path);
  }
  return absl::StrCat(host_dir_, system_path.substr(mount_.size()));
}

absl::StatusOr<std::string> RootedDir::Resolve(absl::string_view system_path) const {
  std::deque<std::string> pending = Components(system_path);
  std::vector<std::string> resolved;
  int links = 0;
  while (!pending.empty()) {
    std::string part = std::move(pending.front());
    pending.pop_front();
    if (part == ".") continue;
    if (part == "..") {
      if (!resolved.empty()) resolved.pop_back();
      continue;
    }
    resolved.push_back(std::move(part));
    const std::string current = JoinComponents(resolved);
    // The mount point and its parents are the view's frame, not part of the tree.
    if (IsAtOrBelow(mount_, current)) continue;
    const std::string host = HostPath(current);
    if (host.empty()) {
      return absl::NotFoundError(
          absl::StrCat(system_path, " leads outside ", mount_, " (to ", current, ")"));
    }
    struct stat st;
    if (::lstat(host.c_str(), &st) != 0) {
      return absl::NotFoundError(absl::StrCat(current, " does not exist"));
    }
    if (!S_ISLNK(st.st_mode)) continue;
    if (++links > kMaxSymlinks) {
      return absl::FailedPreconditionError(
          absl::StrCat("too many symlinks resolving ", system_path));
    }
    std::optional<std::string> target = ReadLink(host);
    if (!target.has_value()) {
      return absl::NotFoundError(absl::StrCat("cannot read symlink ", current));
    }
    resolved.pop_back();
    if (absl::StartsWith(*target, "/")) resolved.clear();
    std::deque<std::string> target_parts = Components(*target);
    pending.insert(pending.begin(), target_parts.begin(), target_parts.end());
  }
  return JoinComponents(resolved);
}

bool RootedDir::Exists(absl::string_view system_path) const {
  absl::StatusOr<std::string> resolved = Resolve(system_path);
  if (!resolved.ok()) return false;
  const std::string host = HostPath(*resolved);
  struct stat st;
  return !host.empty() && ::stat(host.c_str(), &st) == 0;
}

std::optional<std::string> RootedDir::ReadBytes(absl::string_view system_path) const {
  absl::StatusOr<std::string> resolved = Resolve(system_path);
  if (!resolved.ok()) return std::nullopt;
  const std::string host = HostPath(*resolved);
  if (host.empty()) return std::nullopt;
  int fd = ::open(host.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string out;
  char buf[4096];
  while (out.size() < kMaxRead) {
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0) {
      ::close(fd);
      return std::nullopt;
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

std::optional<std::string> RootedDir::ReadAttribute(absl::string_view system_path) const {
  std::optional<std::string> bytes = ReadBytes(system_path);
  if (!bytes.has_value()) return std::nullopt;
  std::string text = TrimAttribute(*bytes);
  if (text.empty()) return std::nullopt;
  return text;
}

std::vector<std::string> RootedDir::List(absl::string_view system_path) const {
  std::vector<std::string> names;
  absl::StatusOr<std::string> resolved = Resolve(system_path);
  if (!resolved.ok()) return names;
  const std::string host = HostPath(*resolved);
  if (host.empty()) return names;
  DIR* dir = ::opendir(host.c_str());
  if (dir == nullptr) return names;
  while (const dirent* entry = ::readdir(dir)) {
    absl::string_view name = entry->d_name;
    if (name == "." || name == "..") continue;
    names.emplace_back(name);
  }
  ::closedir(dir);
  std::sort(names.begin(), names.end());
  return names;
}

std::string Basename(absl::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  size_t slash = path.rfind('/');
  return std::string(slash == absl::string_view::npos ? path : path.substr(slash + 1));
}

std::string Dirname(absl::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  size_t slash = path.rfind('/');
  if (slash == absl::string_view::npos) return ".";
  if (slash == 0) return "/";
  return std::string(path.substr(0, slash));
}

std::string TrimAttribute(absl::string_view text) {
  auto is_blank = [](char c) {
    return c == '\0' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
  };
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
  return std::string(text);
}

}  // namespace zfleet::agent
