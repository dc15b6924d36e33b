// A controller restarted over its store after a while away: its hosts have not reported
// since, and have had no chance to.
#include <memory>

#include "absl/time/time.h"
#include "common/clock.h"
#include "controller/config/controller_config.h"
#include "controller/controller.h"
#include "gtest/gtest.h"
#include "tests/controller/controller_fixtures.h"
#include "tests/controller/store/store_fixtures.h"
#include "tests/testing/temp_dir.h"

namespace zfleet::controller {
namespace {

const absl::Time kRestartT0 = absl::FromUnixSeconds(1'800'000'000);

TEST(ControllerRestartTest, HostsSilentSinceBeforeTheRestartArePlanned) {
  ::zfleet::testing::TempDir dir;
  ControllerConfig config;
  FakeClock clock(kRestartT0);
  {
    absl::StatusOr<std::unique_ptr<Controller>> before =
        Controller::Open(dir.File("z.db"), &config, &clock);
    ASSERT_TRUE(before.ok()) << before.status();
    absl::StatusOr<v1::ReportResponse> r =
        (*before)->reports().Process(PoolsReport("nas1", {TwoDiskTank(0, "ONLINE")}));
    ASSERT_TRUE(r.ok()) << r.status();
  }
  // Away for two hours, well past missing_after; restarted, it plans nas1's pool as if nas1
  // reported (it counts silence from its own start), instead of leaving the pool without a
  // planned start until its next plan, up to 12 hours on.
  clock.Set(kRestartT0 + absl::Hours(2));
  ASSERT_GT(absl::Hours(2), config.MissingAfter());
  absl::StatusOr<std::unique_ptr<Controller>> after =
      Controller::Open(dir.File("z.db"), &config, &clock);
  ASSERT_TRUE(after.ok()) << after.status();
  absl::StatusOr<v1::GetScheduleResponse> s = (*after)->schedule().GetSchedule();
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->rows_size(), 1);
  EXPECT_TRUE(s->rows(0).has_start_by());
}

}  // namespace
}  // namespace zfleet::controller
