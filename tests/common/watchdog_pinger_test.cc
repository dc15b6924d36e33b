#include "common/watchdog_pinger.h"

#include <atomic>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/clock.h"
#include "common/heartbeat.h"
#include "gtest/gtest.h"

namespace zfleet {
namespace {

// Counts pings and lets the test wait (bounded) for more.
class PingCounter {
 public:
  void Ping() {
    absl::MutexLock lock(&mu_);
    ++pings_;
  }
  int pings() {
    absl::MutexLock lock(&mu_);
    return pings_;
  }
  // Whether the count reaches `n` within `timeout`.
  bool WaitFor(int n, absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    auto reached = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return pings_ >= n; };
    return mu_.AwaitWithTimeout(absl::Condition(&reached), timeout);
  }

 private:
  absl::Mutex mu_;
  int pings_ ABSL_GUARDED_BY(mu_) = 0;
};

constexpr absl::Duration kPeriod = absl::Milliseconds(10);

// The agent's decision: ping while the loop's heartbeat is fresh, on a fake clock. The
// pinger's own period is real time (it only paces the checks).
TEST(WatchdogPingerTest, PingsWhileTheHeartbeatIsFreshAndStopsWhenItIsStale) {
  FakeClock clock(absl::FromUnixSeconds(1'800'000'000));
  Heartbeat heartbeat(&clock, absl::Seconds(30));
  PingCounter counter;
  WatchdogPinger pinger(
      kPeriod, [&] { return heartbeat.Fresh(); }, [&] { counter.Ping(); }, "the test loop");
  heartbeat.Beat();
  pinger.Start();
  ASSERT_TRUE(counter.WaitFor(5, absl::Seconds(10)));

  // The loop keeps beating as time goes on: the pings go on.
  for (int i = 0; i < 5; ++i) {
    clock.Advance(absl::Seconds(20));
    heartbeat.Beat();
    const int before = counter.pings();
    ASSERT_TRUE(counter.WaitFor(before + 2, absl::Seconds(10)));
  }

  // The loop stops beating: once its beat is older than 30 s, no more pings.
  clock.Advance(absl::Seconds(31));
  absl::SleepFor(5 * kPeriod);  // a check already past alive() may still ping once
  const int stalled = counter.pings();
  absl::SleepFor(20 * kPeriod);
  EXPECT_EQ(counter.pings(), stalled);

  // It moves again: the pings resume.
  heartbeat.Beat();
  EXPECT_TRUE(counter.WaitFor(stalled + 2, absl::Seconds(10)));
  pinger.Stop();
}

TEST(WatchdogPingerTest, FirstPingOnePeriodAfterStartAndNoneAfterStop) {
  PingCounter counter;
  WatchdogPinger pinger(
      absl::Milliseconds(300), [] { return true; }, [&] { counter.Ping(); }, "always");
  const absl::Time start = absl::Now();
  pinger.Start();
  pinger.Start();  // no second thread
  ASSERT_TRUE(counter.WaitFor(1, absl::Seconds(10)));
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(300));
  pinger.Stop();
  pinger.Stop();
  const int stopped = counter.pings();
  absl::SleepFor(absl::Milliseconds(700));
  EXPECT_EQ(counter.pings(), stopped);
}

TEST(WatchdogPingerTest, StopsPromptlyDuringALongPeriod) {
  std::atomic<int> asked{0};
  WatchdogPinger pinger(
      absl::Hours(1), [&] { return ++asked > 0; }, [] {}, "idle");
  pinger.Start();
  const absl::Time start = absl::Now();
  pinger.Stop();
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  EXPECT_EQ(asked.load(), 0);
}

}  // namespace
}  // namespace zfleet
