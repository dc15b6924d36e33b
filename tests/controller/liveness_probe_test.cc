#include "controller/liveness_probe.h"

#include <atomic>
#include <memory>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/clock.h"
#include "common/heartbeat.h"
#include "controller/config/controller_config.h"
#include "controller/store/store.h"
#include "gtest/gtest.h"

namespace zfleet::controller {
namespace {

const absl::Time kProbeT0 = absl::FromUnixSeconds(1'800'000'000);
constexpr absl::Duration kInterval = absl::Seconds(30);  // WatchdogSec=

// The controller's watchdog decision (controller_app.cc): the probe beats a heartbeat when
// it passes, and a ping goes out only while that heartbeat is at most one interval old.
class LivenessProbeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = Store::Open(":memory:");
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    probe_ = std::make_unique<LivenessProbe>(store_.get(), &store_mu_, &config_, &clock_);
  }

  // One run of the prober.
  void ProbeOnce() {
    if (probe_->Check().ok()) passed_.Beat();
  }
  bool WouldPing() const { return passed_.Fresh(); }

  FakeClock clock_{kProbeT0};
  ControllerConfig config_;
  absl::Mutex store_mu_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<LivenessProbe> probe_;
  Heartbeat passed_{&clock_, kInterval};
};

TEST_F(LivenessProbeTest, PassesOnAWorkingStoreAndPingsFollowThePasses) {
  EXPECT_FALSE(WouldPing()) << "no probe has passed yet";
  EXPECT_TRUE(probe_->Check().ok());
  ProbeOnce();
  EXPECT_TRUE(WouldPing());
  // The prober runs every quarter interval: each pass keeps the pings going.
  for (int i = 0; i < 8; ++i) {
    clock_.Advance(kInterval / 4);
    ProbeOnce();
    EXPECT_TRUE(WouldPing()) << i;
  }
  // No pass for longer than the interval: no ping.
  clock_.Advance(kInterval + absl::Seconds(1));
  EXPECT_FALSE(WouldPing());
}

// The store lock held and never released (a deadlock, a call stuck in the store): the probe
// waits like any call would, it neither passes nor crashes nor gives up, and the pings stop.
// Once the lock comes free the probe passes and the pings resume.
TEST_F(LivenessProbeTest, AWedgedStoreLockHoldsTheProbeAndStopsThePings) {
  ProbeOnce();
  ASSERT_TRUE(WouldPing());

  store_mu_.Lock();  // wedged
  std::atomic<bool> returned{false};
  absl::Notification started;
  std::thread prober([&] {
    started.Notify();
    ProbeOnce();
    returned = true;
  });
  started.WaitForNotification();
  for (int i = 0; i < 8; ++i) {
    absl::SleepFor(absl::Milliseconds(50));
    clock_.Advance(kInterval / 4);
    EXPECT_FALSE(returned.load()) << "the probe got past a held store lock";
  }
  EXPECT_FALSE(WouldPing()) << "two intervals without a pass";

  store_mu_.Unlock();
  prober.join();
  EXPECT_TRUE(returned.load());
  EXPECT_TRUE(WouldPing());
}

}  // namespace
}  // namespace zfleet::controller
