#include "common/heartbeat.h"

#include "gtest/gtest.h"

namespace zfleet {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);

TEST(HeartbeatFreshTest, UpToStaleAfterInclusive) {
  EXPECT_TRUE(HeartbeatFresh(kT0, kT0, absl::Seconds(30)));
  EXPECT_TRUE(HeartbeatFresh(kT0, kT0 + absl::Seconds(30), absl::Seconds(30)));
  EXPECT_FALSE(
      HeartbeatFresh(kT0, kT0 + absl::Seconds(30) + absl::Nanoseconds(1), absl::Seconds(30)));
  EXPECT_FALSE(HeartbeatFresh(absl::InfinitePast(), kT0, absl::Seconds(30)));  // never beat
  EXPECT_TRUE(HeartbeatFresh(kT0, kT0 - absl::Hours(1), absl::Seconds(30)));   // clock went back
}

TEST(HeartbeatTest, FreshAfterABeatStaleWithoutOne) {
  FakeClock clock(kT0);
  Heartbeat heartbeat(&clock, absl::Seconds(30));
  EXPECT_FALSE(heartbeat.Fresh()) << "no beat yet";
  EXPECT_EQ(heartbeat.Age(), absl::InfiniteDuration());
  heartbeat.Beat();
  EXPECT_TRUE(heartbeat.Fresh());
  clock.Advance(absl::Seconds(30));
  EXPECT_TRUE(heartbeat.Fresh());
  EXPECT_EQ(heartbeat.Age(), absl::Seconds(30));
  clock.Advance(absl::Seconds(1));
  EXPECT_FALSE(heartbeat.Fresh());
  heartbeat.Beat();
  EXPECT_TRUE(heartbeat.Fresh());
}

TEST(MonotonicClockTest, NeverGoesBack) {
  const Clock& clock = MonotonicClock::Get();
  absl::Time previous = clock.Now();
  for (int i = 0; i < 1000; ++i) {
    const absl::Time now = clock.Now();
    ASSERT_GE(now, previous);
    previous = now;
  }
}

}  // namespace
}  // namespace zfleet
