#include "common/systemd_notify.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/log.h"

namespace zfleet {
namespace {

std::optional<std::string> GetEnv(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

// Closes the descriptor on every path out of SendNotify.
class ScopedFd {
 public:
  explicit ScopedFd(int fd) : fd_(fd) {}
  ~ScopedFd() {
    if (fd_ >= 0) close(fd_);
  }
  ScopedFd(const ScopedFd&) = delete;
  ScopedFd& operator=(const ScopedFd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

SystemdEnv ReadSystemdEnv() {
  return SystemdEnv{GetEnv("NOTIFY_SOCKET"), GetEnv("WATCHDOG_USEC"), GetEnv("WATCHDOG_PID")};
}

absl::Status SendNotify(absl::string_view notify_socket, absl::string_view state) {
  if (notify_socket.empty()) return absl::OkStatus();
  const bool abstract = notify_socket.front() == '@';
  if (!abstract && notify_socket.front() != '/') {
    return absl::InvalidArgumentError(absl::StrCat(
        "NOTIFY_SOCKET=", notify_socket, " is neither an absolute path nor an @abstract name"));
  }
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  // A path needs room for its terminating NUL; an abstract name is counted by the length
  // passed along, so it may fill sun_path.
  if (notify_socket.size() > sizeof(addr.sun_path) - (abstract ? 0 : 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("NOTIFY_SOCKET=", notify_socket, " is too long for a socket address"));
  }
  std::memcpy(addr.sun_path, notify_socket.data(), notify_socket.size());
  if (abstract) addr.sun_path[0] = '\0';
  // An abstract name is exactly its bytes: a trailing NUL would name another socket.
  const auto addr_len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) +
                                               notify_socket.size() + (abstract ? 0 : 1));

  ScopedFd fd(socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return absl::ErrnoToStatus(errno, "cannot make a socket to notify systemd");
  // MSG_DONTWAIT: a supervisor that does not read must not stop the daemon (the watchdog
  // pinger above all); the datagram is lost and the caller hears Unavailable.
  ssize_t sent;
  do {
    sent = sendto(fd.get(), state.data(), state.size(), MSG_NOSIGNAL | MSG_DONTWAIT,
                  reinterpret_cast<const sockaddr*>(&addr), addr_len);
  } while (sent < 0 && errno == EINTR);
  if (sent < 0) {
    return absl::ErrnoToStatus(errno, absl::StrCat("cannot notify systemd at ", notify_socket));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<absl::Duration>> WatchdogInterval(const SystemdEnv& env, pid_t self) {
  if (!env.watchdog_usec.has_value()) return std::nullopt;
  if (env.watchdog_pid.has_value()) {
    int64_t pid = 0;
    if (!absl::SimpleAtoi(*env.watchdog_pid, &pid) || pid <= 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("WATCHDOG_PID=", *env.watchdog_pid, " is not a process id"));
    }
    if (pid != self) return std::nullopt;
  }
  // uint64 like systemd's usec_t, then bounded to what a Duration of microseconds holds.
  uint64_t usec = 0;
  if (!absl::SimpleAtoi(*env.watchdog_usec, &usec) || usec == 0 ||
      usec > static_cast<uint64_t>(INT64_MAX)) {
    return absl::InvalidArgumentError(absl::StrCat("WATCHDOG_USEC=", *env.watchdog_usec,
                                                   " is not a positive number of microseconds"));
  }
  return absl::Microseconds(static_cast<int64_t>(usec));
}

SystemdNotifier::SystemdNotifier(const SystemdEnv& env, pid_t self)
    : notify_socket_(env.notify_socket.value_or("")) {
  absl::StatusOr<std::optional<absl::Duration>> interval = WatchdogInterval(env, self);
  if (!interval.ok()) {
    spdlog::warn("systemd's watchdog is off: {}", interval.status().message());
  } else if (enabled()) {
    watchdog_interval_ = *interval;
  }
}

SystemdNotifier SystemdNotifier::FromEnvironment() {
  return SystemdNotifier(ReadSystemdEnv(), getpid());
}

void SystemdNotifier::Notify(absl::string_view state) {
  if (!enabled()) return;
  const absl::Status sent = SendNotify(notify_socket_, state);
  if (!sent.ok() && !warned_.exchange(true)) {
    spdlog::warn("{} (further failures to notify systemd are not logged)", sent.message());
  }
}

}  // namespace zfleet
