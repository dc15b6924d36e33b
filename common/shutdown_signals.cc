#include "common/shutdown_signals.h"

#include <pthread.h>

#include <utility>

namespace zfleet {

ShutdownSignals::ShutdownSignals() {
  sigemptyset(&signals_);
  sigaddset(&signals_, SIGINT);
  sigaddset(&signals_, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals_, nullptr);
}

void ShutdownSignals::CallOnSignal(std::function<void()> on_signal) {
  waiter_ = std::thread([this, on_signal = std::move(on_signal)] {
    int sig = 0;
    sigwait(&signals_, &sig);
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
