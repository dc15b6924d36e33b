// The scheduler's pauses through the controller, with the agent's reports as they come: the
// pause is recorded when it is sent, the report the agent made before it got the command
// (the scan still running) does not end it, the ack keeps its cause, and the scheduler
// resumes the scrub: at its window's reopening, or, for a scrub that yielded its slot to a
// due pool, once that pool is done.
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "controller/schedule_service.h"
#include "gtest/gtest.h"
#include "model/enum_names.h"
#include "schedule_policy/scrub_window.h"
#include "tests/controller/controller_fixtures.h"
#include "tests/testing/pool_builders.h"

namespace zfleet::controller {
namespace {

const absl::Time kPausesT0 = absl::FromUnixSeconds(1'800'000'000);  // Fri 2027-01-15 08:00 UTC

v1::Pool PoolWithScan(const std::string& name, const std::string& state, absl::Time start,
                      absl::Time end = absl::InfinitePast()) {
  v1::Pool pool;
  pool.set_name(name);
  pool.set_state("ONLINE");
  v1::Scan* scan = pool.mutable_scan();
  scan->set_function("scrub");
  scan->set_state(state);
  scan->set_start_time(absl::ToUnixSeconds(start));
  if (end != absl::InfinitePast()) scan->set_end_time(absl::ToUnixSeconds(end));
  *pool.add_vdevs() = testing::DiskLeaf(name == "tank" ? "sda" : "sdb");
  return pool;
}

// nas1, one slot (max_per_host = 1). Classes are due every ten years, so nothing starts
// unless a test makes it due. tank was scrubbed two days ago and the scheduler started it
// again an hour ago, ahead of its cadence (as a planned start does).
class SchedulerPausesTest : public FleetServicesTest {
 protected:
  SchedulerPausesTest() : FleetServicesTest(kPausesT0) {}

  void SetUp() override {
    for (ClassPolicy& c : config_.scheduler.classes) c.interval = absl::Hours(24 * 3650);
    config_.scheduler.max_per_host = 1;
    OpenServices(":memory:");
    schedule_ = std::make_unique<ScheduleService>(store_.get(), &mu_, &config_, &clock_);
  }

  // Reports tank's last scrub and `others`, then records tank's scheduled run.
  void StartTank(const std::vector<v1::Pool>& others) {
    std::vector<v1::Pool> pools = {
        PoolWithScan("tank", "finished", kPausesT0 - absl::Hours(48), kPausesT0 - absl::Hours(47))};
    pools.insert(pools.end(), others.begin(), others.end());
    Report(pools);
    v1::ScrubRun run;
    run.set_host_id("nas1");
    run.set_pool("tank");
    SetTrigger(run, v1::TRIGGER_SCHEDULED);
    SetRunState(run, v1::RUN_RUNNING);
    run.set_requested_at(absl::ToUnixSeconds(kTankStarted));
    run.set_started_at(absl::ToUnixSeconds(kTankStarted));
    absl::MutexLock lock(&mu_);
    ASSERT_TRUE(store_->scrub_runs().Insert(run).ok());
  }

  std::vector<v1::Command> Report(const std::vector<v1::Pool>& pools,
                                  const std::vector<v1::CommandAck>& acks = {}) {
    return ReportForCommands("nas1", pools, acks);
  }

  v1::ScrubRun TankRun() {
    absl::StatusOr<v1::GetPoolResponse> got = GetPool("nas1", "tank");
    EXPECT_TRUE(got.ok()) << got.status();
    if (got.ok()) {
      for (const v1::ScrubRun& run : got->scrub_runs()) {
        if (run.trigger() == v1::TRIGGER_SCHEDULED) return run;
      }
    }
    ADD_FAILURE() << "no scheduled run on tank";
    return {};
  }

  const absl::Time kTankStarted = kPausesT0 - absl::Hours(1);
  const v1::Pool tank_scanning_ = PoolWithScan("tank", "scanning", kTankStarted);
  const v1::Pool tank_paused_ = PoolWithScan("tank", "paused", kTankStarted);
  std::unique_ptr<ScheduleService> schedule_;
};

TEST_F(SchedulerPausesTest, AScrubPausedAtItsWindowsEndIsResumedWhenItReopens) {
  // Open 07:00-08:00 each day: kPausesT0 is 08:00, just closed.
  for (ClassPolicy& c : config_.scheduler.classes) {
    c.windows = *ScrubWindows::Parse({"07:00-08:00"});
  }
  StartTank({});
  Report({tank_scanning_});
  ASSERT_TRUE(schedule_->Tick().ok());
  std::vector<v1::Command> commands = Report({tank_scanning_});  // made before the command
  ASSERT_EQ(commands.size(), 1u);
  EXPECT_EQ(commands[0].kind(), v1::SCRUB_PAUSE);
  EXPECT_EQ(TankRun().pause(), v1::PAUSE_WINDOW_END);
  clock_.Advance(absl::Minutes(1));
  Report({tank_paused_}, {OkAck(commands[0].id(), clock_.Now())});
  // Before, the scanning report had ended the pause and the ack made it the operator's:
  // the scheduler never resumed it.
  EXPECT_EQ(TankRun().pause(), v1::PAUSE_WINDOW_END);
  EXPECT_EQ(TankRun().message(), "paused at window end");

  clock_.Set(kPausesT0 + absl::Hours(23) + absl::Minutes(1));  // 07:01 the next day
  Report({tank_paused_});
  ASSERT_TRUE(schedule_->Tick().ok());
  commands = Report({tank_paused_});
  ASSERT_EQ(commands.size(), 1u);
  EXPECT_EQ(commands[0].kind(), v1::SCRUB_START);  // `zpool scrub` resumes it
  // Paused until a report shows it running.
  EXPECT_EQ(TankRun().pause(), v1::PAUSE_WINDOW_END);
  clock_.Advance(absl::Minutes(1));
  Report({tank_scanning_}, {OkAck(commands[0].id(), clock_.Now())});
  EXPECT_EQ(TankRun().pause(), v1::PAUSE_NONE);
  EXPECT_EQ(TankRun().message(), "");
}

TEST_F(SchedulerPausesTest, AScrubNotDueGivesItsSlotToADuePoolAndResumesAfterIt) {
  // bulk was scrubbed ten years and a day ago: it is due.
  const absl::Time decade_ago = kPausesT0 - absl::Hours(24 * 3651);
  const v1::Pool bulk_done = PoolWithScan("bulk", "finished", decade_ago, decade_ago);
  StartTank({bulk_done});
  Report({tank_scanning_, bulk_done});

  ASSERT_TRUE(schedule_->Tick().ok());
  std::vector<v1::Command> commands = Report({tank_scanning_, bulk_done});
  ASSERT_EQ(commands.size(), 2u);
  EXPECT_EQ(commands[0].kind(), v1::SCRUB_PAUSE);
  EXPECT_EQ(commands[0].pool(), "tank");
  EXPECT_EQ(commands[1].kind(), v1::SCRUB_START);
  EXPECT_EQ(commands[1].pool(), "bulk");
  EXPECT_EQ(TankRun().pause(), v1::PAUSE_YIELD);
  EXPECT_EQ(TankRun().message(), "paused for nas1/bulk, due");

  // The agent did both. tank stays paused while bulk holds the host's slot.
  clock_.Advance(absl::Minutes(1));
  const v1::Pool bulk_scanning = PoolWithScan("bulk", "scanning", kPausesT0);
  EXPECT_TRUE(Report({tank_paused_, bulk_scanning},
                     {OkAck(commands[0].id(), clock_.Now()), OkAck(commands[1].id(), clock_.Now())})
                  .empty());
  EXPECT_EQ(TankRun().pause(), v1::PAUSE_YIELD);
  ASSERT_TRUE(schedule_->Tick().ok());
  EXPECT_TRUE(Report({tank_paused_, bulk_scanning}).empty());

  // bulk is done: tank resumes.
  clock_.Advance(absl::Minutes(1));
  const v1::Pool bulk_done_now = PoolWithScan("bulk", "finished", kPausesT0, clock_.Now());
  Report({tank_paused_, bulk_done_now});
  ASSERT_TRUE(schedule_->Tick().ok());
  commands = Report({tank_paused_, bulk_done_now});
  ASSERT_EQ(commands.size(), 1u);
  EXPECT_EQ(commands[0].kind(), v1::SCRUB_START);
  EXPECT_EQ(commands[0].pool(), "tank");
  clock_.Advance(absl::Minutes(1));
  Report({tank_scanning_, bulk_done_now}, {OkAck(commands[0].id(), clock_.Now())});
  EXPECT_EQ(TankRun().pause(), v1::PAUSE_NONE);
}

TEST_F(SchedulerPausesTest, AYieldWhosePauseIsNotSentStartsNothing) {
  const absl::Time decade_ago = kPausesT0 - absl::Hours(24 * 3651);
  const v1::Pool bulk_done = PoolWithScan("bulk", "finished", decade_ago, decade_ago);
  StartTank({bulk_done});
  Report({tank_scanning_, bulk_done});
  // Someone asked to stop tank: its command waits for the agent, so no pause goes out, and
  // bulk may not start beside it (one slot).
  absl::StatusOr<v1::RequestScrubResponse> stop = RequestScrub("nas1", "tank", v1::STOP);
  ASSERT_TRUE(stop.ok()) << stop.status();
  ASSERT_TRUE(schedule_->Tick().ok());
  std::vector<v1::Command> commands = Report({tank_scanning_, bulk_done});
  ASSERT_EQ(commands.size(), 1u);
  EXPECT_EQ(commands[0].kind(), v1::SCRUB_STOP);
  EXPECT_EQ(TankRun().pause(), v1::PAUSE_NONE);
}

}  // namespace
}  // namespace zfleet::controller
