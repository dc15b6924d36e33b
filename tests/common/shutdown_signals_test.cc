#include "common/shutdown_signals.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "gtest/gtest.h"

namespace zfleet {
namespace {

// Polls `done` for at most 5 s.
template <typename Fn>
bool Eventually(Fn done) {
  for (int i = 0; i < 500 && !done(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return done();
}

TEST(ShutdownSignals, HangupCallsTheReloadAndNeverStopsThenTermStopsOnce) {
  ShutdownSignals signals;
  std::atomic<int> hangups{0};
  std::atomic<int> stops{0};
  signals.CallOnSignal([&] { ++stops; }, [&] { ++hangups; });

  ASSERT_EQ(kill(getpid(), SIGHUP), 0);
  ASSERT_TRUE(Eventually([&] { return hangups.load() == 1; }));
  ASSERT_EQ(kill(getpid(), SIGHUP), 0);
  ASSERT_TRUE(Eventually([&] { return hangups.load() == 2; }));
  EXPECT_EQ(stops.load(), 0);

  ASSERT_EQ(kill(getpid(), SIGTERM), 0);
  EXPECT_TRUE(Eventually([&] { return stops.load() == 1; }));
  EXPECT_EQ(hangups.load(), 2);
}

TEST(ShutdownSignals, HangupWithoutAReloadIsIgnored) {
  ShutdownSignals signals;
  std::atomic<int> stops{0};
  signals.CallOnSignal([&] { ++stops; });
  ASSERT_EQ(kill(getpid(), SIGHUP), 0);  // would end the process without ShutdownSignals
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(stops.load(), 0);
  ASSERT_EQ(kill(getpid(), SIGINT), 0);
  EXPECT_TRUE(Eventually([&] { return stops.load() == 1; }));
}

}  // namespace
}  // namespace zfleet
