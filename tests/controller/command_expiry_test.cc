#include "controller/command_expiry.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "controller/schedule_service.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "schedule_policy/scrub_window.h"
#include "tests/controller/controller_fixtures.h"
#include "tests/testing/pool_builders.h"

namespace zfleet::controller {
namespace {

using ::testing::HasSubstr;

const absl::Time kExpiryT0 = absl::FromUnixSeconds(1'800'000'000);  // Fri 2027-01-15 08:00:00 UTC

v1::Pool Tank(const std::string& scan_function = "", const std::string& scan_state = "") {
  v1::Pool pool;
  pool.set_name("tank");
  pool.set_state("ONLINE");
  pool.mutable_scan()->set_function(scan_function);
  pool.mutable_scan()->set_state(scan_state);
  if (!scan_function.empty()) pool.mutable_scan()->set_start_time(absl::ToUnixSeconds(kExpiryT0));
  *pool.add_vdevs() = testing::DiskLeaf("sda");
  return pool;
}

// The requests people make and the replies agents get, with the scheduler's tick beside
// them. Classes are due only after ten years unless a test says otherwise, so the scheduler
// starts nothing on its own.
class CommandExpiryTest : public FleetServicesTest {
 protected:
  CommandExpiryTest() : FleetServicesTest(kExpiryT0) {}

  void SetUp() override {
    for (ClassPolicy& c : config_.scheduler.classes) c.interval = absl::Hours(24 * 3650);
    OpenServices(":memory:");
    schedule_ = std::make_unique<ScheduleService>(store_.get(), &mu_, &config_, &clock_);
  }

  // nas1 reports `pool` (and `acks`) now; returns the reply's commands.
  std::vector<v1::Command> Report(const v1::Pool& pool,
                                  const std::vector<v1::CommandAck>& acks = {}) {
    return ReportForCommands("nas1", {pool}, acks);
  }

  std::vector<v1::ScrubRun> Runs() {
    absl::StatusOr<v1::GetPoolResponse> got = GetPool("nas1", "tank");
    EXPECT_TRUE(got.ok()) << got.status();
    if (!got.ok()) return {};
    return {got->scrub_runs().begin(), got->scrub_runs().end()};
  }

  std::optional<CommandRecord> StoredCommand(const std::string& id) {
    absl::MutexLock lock(&mu_);
    absl::StatusOr<std::optional<CommandRecord>> command = store_->commands().Get("nas1", id);
    EXPECT_TRUE(command.ok()) << command.status();
    return command.ok() ? *command : std::nullopt;
  }

  std::string MustRequest(v1::ScrubAction action) {
    absl::StatusOr<v1::RequestScrubResponse> got = RequestScrub("nas1", "tank", action);
    EXPECT_TRUE(got.ok()) << got.status();
    return got.ok() ? got->command_id() : "";
  }

  std::unique_ptr<ScheduleService> schedule_;
};

TEST_F(CommandExpiryTest, NowStartAndStopExpireAnHourAfterTheyWereQueued) {
  Report(Tank());
  const std::string start = MustRequest(v1::START);  // --now
  std::vector<v1::Command> commands = Report(Tank());
  ASSERT_EQ(commands.size(), 1u);
  EXPECT_EQ(commands[0].id(), start);
  EXPECT_EQ(commands[0].expires_at(), absl::ToUnixSeconds(kExpiryT0 + absl::Hours(1)));

  clock_.Advance(absl::Minutes(5));
  const v1::CommandAck ack = OkAck(start, kExpiryT0);
  EXPECT_TRUE(Report(Tank("scrub", "scanning"), {ack}).empty());
  const std::string stop = MustRequest(v1::STOP);
  commands = Report(Tank("scrub", "scanning"));
  ASSERT_EQ(commands.size(), 1u);
  EXPECT_EQ(commands[0].id(), stop);
  EXPECT_EQ(commands[0].expires_at(), absl::ToUnixSeconds(kExpiryT0 + absl::Minutes(65)));
}

// `zfleet scrub --now` for a host that is away: when it comes back after the expiry the
// scrub is not handed out, and the tick fails the command and its run, saying why.
TEST_F(CommandExpiryTest, CommandNotTakenInTimeIsWithheldAndFailedWithItsRun) {
  Report(Tank());
  const std::string start = MustRequest(v1::START);
  clock_.Advance(absl::Hours(1) + absl::Seconds(1));

  EXPECT_TRUE(Report(Tank()).empty());  // back, but too late: not handed out
  ASSERT_EQ(Runs().size(), 1u);
  EXPECT_EQ(Runs()[0].state(), v1::RUN_REQUESTED);  // until the tick

  ASSERT_TRUE(schedule_->Tick().ok());
  const std::optional<CommandRecord> command = StoredCommand(start);
  ASSERT_TRUE(command.has_value());
  EXPECT_EQ(command->state, CommandState::kFailed);
  EXPECT_EQ(command->error, "expired at 2027-01-15T09:00:00Z: host did not take it in time");
  EXPECT_EQ(command->acked_at, clock_.Now());
  const std::vector<v1::ScrubRun> runs = Runs();
  ASSERT_EQ(runs.size(), 1u);  // and the scheduler did not start it after all
  EXPECT_EQ(runs[0].state(), v1::RUN_FAILED);
  EXPECT_EQ(runs[0].ended_at(), absl::ToUnixSeconds(kExpiryT0 + absl::Hours(1)));
  EXPECT_EQ(runs[0].message(), command->error);
  EXPECT_TRUE(Report(Tank()).empty());

  // A sweep with nothing left to expire changes nothing.
  absl::MutexLock lock(&mu_);
  absl::StatusOr<int> again = ExpireCommands(*store_, clock_.Now());
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, 0);
}

TEST_F(CommandExpiryTest, ExpiredStopLeavesTheRunningScrubAndSaysSo) {
  Report(Tank());
  const std::string start = MustRequest(v1::START);
  const v1::CommandAck ack = OkAck(start, kExpiryT0);
  Report(Tank("scrub", "scanning"), {ack});
  const std::string stop = MustRequest(v1::STOP);
  clock_.Advance(absl::Hours(2));
  ASSERT_TRUE(schedule_->Tick().ok());
  EXPECT_EQ(StoredCommand(stop)->state, CommandState::kFailed);
  const std::vector<v1::ScrubRun> runs = Runs();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].state(), v1::RUN_RUNNING);
  EXPECT_THAT(runs[0].message(), HasSubstr("host did not take it in time"));
}

// The agent got the command only after its expiry and refused it.
TEST_F(CommandExpiryTest, ExpiredAckFailsTheRunWithTheAgentsMessage) {
  Report(Tank());
  const std::string start = MustRequest(v1::START);
  clock_.Advance(absl::Hours(1) + absl::Seconds(30));
  v1::CommandAck ack;
  ack.set_id(start);
  ack.set_ok(false);
  ack.set_expired(true);
  ack.set_error("expired at 2027-01-15T09:00:00Z before it ran");
  ack.set_executed_at(absl::ToUnixSeconds(kExpiryT0 + absl::Hours(1) + absl::Seconds(20)));
  Report(Tank(), {ack});
  EXPECT_EQ(StoredCommand(start)->state, CommandState::kFailed);
  EXPECT_EQ(StoredCommand(start)->error, ack.error());
  const std::vector<v1::ScrubRun> runs = Runs();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].state(), v1::RUN_FAILED);
  EXPECT_EQ(runs[0].message(), "expired at 2027-01-15T09:00:00Z before it ran");
  EXPECT_EQ(runs[0].ended_at(), ack.executed_at());
}

// An agent journal written before acks carried their time answers with executed_at = 0:
// the run starts when the ack arrived, not in 1970 (which would make the pool due at once).
TEST_F(CommandExpiryTest, AckWithoutATimeIsDatedByItsArrival) {
  Report(Tank());
  const std::string start = MustRequest(v1::START);
  clock_.Advance(absl::Seconds(30));
  v1::CommandAck ack;
  ack.set_id(start);
  ack.set_ok(true);
  Report(Tank("scrub", "scanning"), {ack});
  const std::vector<v1::ScrubRun> runs = Runs();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].state(), v1::RUN_RUNNING);
  EXPECT_EQ(runs[0].started_at(), absl::ToUnixSeconds(kExpiryT0 + absl::Seconds(30)));
}

TEST_F(CommandExpiryTest, ScheduledStartExpiresAtTheEndOfItsWindow) {
  absl::StatusOr<ScrubWindows> windows = ScrubWindows::Parse({"06:00-10:00"});
  ASSERT_TRUE(windows.ok()) << windows.status();
  for (ClassPolicy& c : config_.scheduler.classes) {
    c.interval = absl::Minutes(1);
    c.windows = *windows;
  }
  Report(Tank());
  clock_.Advance(absl::Minutes(2));  // due: never scrubbed, first interval over
  Report(Tank());
  ASSERT_TRUE(schedule_->Tick().ok());
  const std::vector<v1::Command> commands = Report(Tank());
  ASSERT_EQ(commands.size(), 1u);
  EXPECT_EQ(commands[0].kind(), v1::SCRUB_START);
  // The window opened at 06:00 closes at 10:00: two hours after kExpiryT0.
  EXPECT_EQ(commands[0].expires_at(), absl::ToUnixSeconds(kExpiryT0 + absl::Hours(2)));
}

TEST_F(CommandExpiryTest, ScheduledStartOfAClassWithoutWindowsExpiresInAnHour) {
  for (ClassPolicy& c : config_.scheduler.classes) c.interval = absl::Minutes(1);
  Report(Tank());
  clock_.Advance(absl::Minutes(2));
  Report(Tank());
  ASSERT_TRUE(schedule_->Tick().ok());
  const std::vector<v1::Command> commands = Report(Tank());
  ASSERT_EQ(commands.size(), 1u);
  EXPECT_EQ(commands[0].expires_at(), absl::ToUnixSeconds(clock_.Now() + absl::Hours(1)));
}

}  // namespace
}  // namespace zfleet::controller
