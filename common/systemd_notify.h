// How a daemon talks to systemd when it runs as a Type=notify service: our own sd_notify(3),
// without libsystemd. systemd names a datagram socket in NOTIFY_SOCKET and the daemon sends
// it newline-separated assignments ("READY=1", "STATUS=…", "STOPPING=1", "WATCHDOG=1").
// With WatchdogSec= set, systemd also passes the interval in WATCHDOG_USEC (and the process
// meant in WATCHDOG_PID) and restarts the service when no WATCHDOG=1 arrives for that long.
//
// The environment is read once, by ReadSystemdEnv; everything else takes the values as
// parameters, so tests need no setenv.
#ifndef ZFLEET_COMMON_SYSTEMD_NOTIFY_H_
#define ZFLEET_COMMON_SYSTEMD_NOTIFY_H_

#include <sys/types.h>

#include <atomic>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace zfleet {

// The variables systemd sets for a service; nullopt when unset.
struct SystemdEnv {
  std::optional<std::string> notify_socket;  // NOTIFY_SOCKET
  std::optional<std::string> watchdog_usec;  // WATCHDOG_USEC
  std::optional<std::string> watchdog_pid;   // WATCHDOG_PID
};

// The process's own. Call before other threads start (getenv is not safe against a
// concurrent setenv).
SystemdEnv ReadSystemdEnv();

// Sends `state` as one datagram to `notify_socket`: a file path ("/run/systemd/notify"), or
// an abstract socket name when it starts with '@'. Returns OK without sending anything when
// `notify_socket` is empty: the process does not run under systemd. InvalidArgument for an
// address of another form or too long for a socket address; otherwise the failed call's
// errno as a status (absl::ErrnoToStatus: NotFound when the path does not exist,
// Unavailable when nothing listens there or the receiver's queue is full: the send never
// blocks).
absl::Status SendNotify(absl::string_view notify_socket, absl::string_view state);

// The watchdog interval systemd expects pings within, for the process `self`: nullopt when
// WATCHDOG_USEC is unset, or WATCHDOG_PID is set and names another process (a child that
// inherited the environment). InvalidArgument when WATCHDOG_USEC is not a positive number
// of microseconds or WATCHDOG_PID is not a pid.
absl::StatusOr<std::optional<absl::Duration>> WatchdogInterval(const SystemdEnv& env, pid_t self);

// A daemon's line to systemd. Thread-safe. A daemon must never stop, nor flood its log,
// because its supervisor's socket misbehaves: Notify logs its first failure as a warning
// and ignores the rest.
class SystemdNotifier {
 public:
  // From `env` for the process `self`. A WATCHDOG_USEC or WATCHDOG_PID that does not parse
  // is logged as a warning and leaves the watchdog off.
  SystemdNotifier(const SystemdEnv& env, pid_t self);
  // From this process's environment (ReadSystemdEnv(), getpid()).
  static SystemdNotifier FromEnvironment();

  // Whether NOTIFY_SOCKET names somewhere to send to.
  bool enabled() const { return !notify_socket_.empty(); }
  // WatchdogInterval's, when notifications can be sent at all.
  std::optional<absl::Duration> watchdog_interval() const { return watchdog_interval_; }

  // Sends `state` (SendNotify); a no-op when not enabled().
  void Notify(absl::string_view state);

 private:
  std::string notify_socket_;
  std::optional<absl::Duration> watchdog_interval_;
  std::atomic<bool> warned_{false};
};

}  // namespace zfleet

#endif  // ZFLEET_COMMON_SYSTEMD_NOTIFY_H_
