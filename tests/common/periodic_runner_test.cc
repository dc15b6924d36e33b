#include "common/periodic_runner.h"

#include <atomic>

#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"

namespace zfleet {
namespace {

// Counts runs and lets the test wait (bounded) for a given count.
struct Counter {
  absl::Mutex mu;
  int runs ABSL_GUARDED_BY(mu) = 0;
  void Run() {
    absl::MutexLock lock(&mu);
    ++runs;
  }
  bool WaitFor(int n, absl::Duration timeout) {
    absl::MutexLock lock(&mu);
    auto reached = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) { return runs >= n; };
    return mu.AwaitWithTimeout(absl::Condition(&reached), timeout);
  }
  int Get() {
    absl::MutexLock lock(&mu);
    return runs;
  }
};

TEST(PeriodicRunnerTest, RunsAtStartAndWhenKickedLongBeforeThePeriod) {
  Counter counter;
  PeriodicRunner runner(absl::Hours(1), [&] { counter.Run(); });
  runner.Start();
  ASSERT_TRUE(counter.WaitFor(1, absl::Seconds(10)));
  runner.Kick();
  EXPECT_TRUE(counter.WaitFor(2, absl::Seconds(10)));
  runner.Stop();
  EXPECT_EQ(counter.Get(), 2);
}

TEST(PeriodicRunnerTest, StopIsIdempotentAndStopsRunning) {
  Counter counter;
  PeriodicRunner runner(absl::Hours(1), [&] { counter.Run(); });
  runner.Start();
  runner.Start();  // no second thread
  ASSERT_TRUE(counter.WaitFor(1, absl::Seconds(10)));
  runner.Stop();
  runner.Stop();
  runner.Kick();
  EXPECT_FALSE(counter.WaitFor(2, absl::Milliseconds(200)));
}

TEST(PeriodicRunnerTest, FirstRunWaitsWhenAsked) {
  Counter counter;
  PeriodicRunner runner(absl::Milliseconds(10), [&] { counter.Run(); }, absl::Hours(1));
  runner.Start();
  EXPECT_FALSE(counter.WaitFor(1, absl::Milliseconds(300)));
  runner.Stop();  // promptly, though the first run is an hour away
  EXPECT_EQ(counter.Get(), 0);
}

}  // namespace
}  // namespace zfleet
