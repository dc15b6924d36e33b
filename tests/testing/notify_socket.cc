#include "tests/testing/notify_socket.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"

namespace zfleet::testing {

NotifySocket::NotifySocket(std::string address) : address_(std::move(address)) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (address_.empty() || address_.size() >= sizeof(addr.sun_path)) {
    error_ = absl::StrCat("bad socket address '", address_, "'");
    return;
  }
  const bool abstract = address_[0] == '@';
  std::memcpy(addr.sun_path, address_.data(), address_.size());
  if (abstract) addr.sun_path[0] = '\0';
  const auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + address_.size() +
                                          (abstract ? 0 : 1));
  const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error_ = absl::StrCat("socket: ", std::strerror(errno));
    return;
  }
  if (bind(fd, reinterpret_cast<const sockaddr*>(&addr), len) != 0) {
    error_ = absl::StrCat("bind ", address_, ": ", std::strerror(errno));
    close(fd);
    return;
  }
  fd_ = fd;
}

NotifySocket::~NotifySocket() {
  if (fd_ < 0) return;
  close(fd_);
  if (address_[0] != '@') unlink(address_.c_str());
}

std::optional<NotifySocket::Message> NotifySocket::Receive(absl::Duration timeout) {
  if (fd_ < 0) return std::nullopt;
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    const int64_t wait_ms = std::max<int64_t>(0, absl::ToInt64Milliseconds(deadline - absl::Now()));
    pollfd p{fd_, POLLIN, 0};
    const int ready = poll(&p, 1, static_cast<int>(wait_ms));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return std::nullopt;
    char buffer[4096];
    const ssize_t n = recv(fd_, buffer, sizeof(buffer), MSG_DONTWAIT);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n < 0) return std::nullopt;
    Message message{std::string(buffer, static_cast<size_t>(n)), absl::Now()};
    received_.push_back(message);
    return message;
  }
}

std::optional<NotifySocket::Message> NotifySocket::WaitForLine(const std::string& line,
                                                               absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    std::optional<Message> message = Receive(deadline - absl::Now());
    if (message.has_value() && HasLine(message->text, line)) return message;
  }
  return std::nullopt;
}

std::vector<NotifySocket::Message> NotifySocket::Collect(const std::string& line,
                                                         absl::Duration window) {
  std::vector<Message> out;
  const absl::Time deadline = absl::Now() + window;
  while (absl::Now() < deadline) {
    std::optional<Message> message = Receive(deadline - absl::Now());
    if (message.has_value() && HasLine(message->text, line)) out.push_back(*message);
  }
  return out;
}

void NotifySocket::Drain() {
  while (Receive(absl::ZeroDuration()).has_value()) {
  }
}

bool HasLine(const std::string& text, const std::string& line) {
  for (absl::string_view l : absl::StrSplit(text, '\n')) {
    if (l == line) return true;
  }
  return false;
}

absl::Duration LongestGap(const std::vector<NotifySocket::Message>& messages, absl::Time from,
                          absl::Time to) {
  absl::Duration longest = absl::ZeroDuration();
  absl::Time previous = from;
  for (const NotifySocket::Message& m : messages) {
    longest = std::max(longest, m.received - previous);
    previous = m.received;
  }
  return std::max(longest, to - previous);
}

}  // namespace zfleet::testing
