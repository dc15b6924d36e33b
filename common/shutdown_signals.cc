#include "common/shutdown_signals.h"

#include <pthread.h>

#include <utility>

namespace zfleet {

ShutdownSignals::ShutdownSignals() {
  sigemptyset(&signals_);
  sigaddset(&signals_, SIGINT);
  sigaddset(&signals_, SIGTERM);
  sigaddset(&signals_, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals_, nullptr);
}

void ShutdownSignals::CallOnSignal(std::function<void()> on_signal,
                                   std::function<void()> on_hangup) {
  waiter_ = std::thread(
      [this, on_signal = std::move(on_signal), on_hangup = std::move(on_hangup)] {
        int sig = 0;
        while (sigwait(&signals_, &sig) == 0 && sig == SIGHUP && !done_.load()) {
          if (on_hangup) on_hangup();
        }
        if (!done_.load()) on_signal();
      });
}

ShutdownSignals::~ShutdownSignals() {
  if (!waiter_.joinable()) return;
  done_.store(true);
  // A signal aimed at the waiter itself wakes its sigwait; it was already blocked there.
  pthread_kill(waiter_.native_handle(), SIGTERM);
  waiter_.join();
}

}  // namespace zfleet
