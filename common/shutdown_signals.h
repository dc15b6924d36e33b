// How the daemons stop (SIGINT, SIGTERM) and reload (SIGHUP): the signals are taken by a
// waiting thread instead of a signal handler, so the reaction is plain code (no
// async-signal-safety rules) on a thread of its own. SIGHUP never ends the process.
#ifndef ZFLEET_COMMON_SHUTDOWN_SIGNALS_H_
#define ZFLEET_COMMON_SHUTDOWN_SIGNALS_H_

#include <signal.h>

#include <atomic>
#include <functional>
#include <thread>

namespace zfleet {

// Not thread-safe: construct, CallOnSignal and destroy from the main thread.
class ShutdownSignals {
 public:
  // Blocks SIGINT, SIGTERM and SIGHUP in the calling thread. Threads started afterwards inherit the
  // mask, so the signals reach only this object's waiter: construct it before any other
  // thread starts (gRPC and spdlog start threads of their own).
  ShutdownSignals();
  // Ends the waiter without calling `on_signal` when no signal came, and joins it.
  ~ShutdownSignals();
  ShutdownSignals(const ShutdownSignals&) = delete;
  ShutdownSignals& operator=(const ShutdownSignals&) = delete;

  // Starts a thread that waits for SIGINT or SIGTERM and then calls `on_signal` once, and
  // calls `on_hangup` (when set) at every SIGHUP before that.
  // REQUIRES: called at most once.
  void CallOnSignal(std::function<void()> on_signal, std::function<void()> on_hangup = nullptr);

 private:
  sigset_t signals_;
  std::atomic<bool> done_{false};
  std::thread waiter_;
};

}  // namespace zfleet

#endif  // ZFLEET_COMMON_SHUTDOWN_SIGNALS_H_
