// The systemd side of sd_notify for tests: a datagram socket a test binds and names in
// NOTIFY_SOCKET, and what arrives on it, each datagram with the time it was received.
#ifndef ZFLEET_TESTS_TESTING_NOTIFY_SOCKET_H_
#define ZFLEET_TESTS_TESTING_NOTIFY_SOCKET_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace zfleet::testing {

// Thread-compatible.
class NotifySocket {
 public:
  struct Message {
    std::string text;
    absl::Time received;  // absl::Now() when it was read
  };

  // Binds `address`: a file path, or an abstract name when it starts with '@' (the form
  // NOTIFY_SOCKET takes). Check ok() before use; error() says why it is not.
  explicit NotifySocket(std::string address);
  ~NotifySocket();
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;

  bool ok() const { return fd_ >= 0; }
  const std::string& error() const { return error_; }
  const std::string& address() const { return address_; }

  // The next datagram, waiting at most `timeout`; nullopt when none came.
  std::optional<Message> Receive(absl::Duration timeout);
  // Receives until a datagram holding the line `line` ("READY=1") arrives and returns it;
  // nullopt when none came within `timeout`. Every datagram read is kept in received().
  std::optional<Message> WaitForLine(const std::string& line, absl::Duration timeout);
  // Receives for `window` and returns the datagrams of that time holding `line`.
  std::vector<Message> Collect(const std::string& line, absl::Duration window);
  // Reads and drops what is queued now.
  void Drain();

  // Every datagram received so far, oldest first.
  const std::vector<Message>& received() const { return received_; }

 private:
  std::string address_;
  std::string error_;
  int fd_ = -1;
  std::vector<Message> received_;
};

// Whether `text` (newline-separated assignments) holds the line `line`.
bool HasLine(const std::string& text, const std::string& line);

// The longest time between two consecutive messages, and from the window's start to the
// first and from the last to its end (all of `window` when there is none).
absl::Duration LongestGap(const std::vector<NotifySocket::Message>& messages, absl::Time from,
                          absl::Time to);

}  // namespace zfleet::testing

#endif  // ZFLEET_TESTS_TESTING_NOTIFY_SOCKET_H_
