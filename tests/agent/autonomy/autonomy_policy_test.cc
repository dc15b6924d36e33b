#include "agent/autonomy/autonomy_policy.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/agent/autonomy/autonomy_fixtures.h"

namespace zfleet::agent {
namespace {

using testing::Days;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::kNow;
using testing::Known;
using testing::WirePolicy;

TEST(ReadAutonomyPolicyTest, ReadsEveryField) {
  v1::AgentPolicy wire = WirePolicy();
  wire.mutable_classes(0)->add_windows("Mon-Fri 01:00-05:00");
  wire.set_timezone("Europe/Amsterdam");
  wire.set_max_per_host(3);
  wire.set_load_threshold(4.5);
  wire.set_at_window_end("continue");
  *wire.add_pools() = Known("tank", kNow - Days(9), kNow - Days(2));
  absl::StatusOr<AutonomyPolicy> policy = ReadAutonomyPolicy(wire, kNow);
  ASSERT_TRUE(policy.ok()) << policy.status();
  EXPECT_EQ(policy->autonomous_after, absl::Hours(24));
  EXPECT_EQ(policy->cadence.For(DiskClass::kSata).interval, Days(7));
  EXPECT_THAT(policy->cadence.For(DiskClass::kSata).windows.specs(),
              ElementsAre("Mon-Fri 01:00-05:00"));
  EXPECT_TRUE(policy->cadence.For(DiskClass::kSas).windows.AlwaysOpen());
  EXPECT_EQ(policy->cadence.For(DiskClass::kSas).interval, Days(30));
  EXPECT_EQ(policy->cadence.timezone.name(), "Europe/Amsterdam");
  EXPECT_THAT(policy->cadence.skip_states,
              ElementsAre("DEGRADED", "FAULTED", "UNAVAIL", "SUSPENDED"));
  EXPECT_EQ(policy->max_per_host, 3);
  EXPECT_EQ(policy->load_threshold, 4.5);
  EXPECT_EQ(policy->cadence.at_window_end, WindowEndAction::kContinue);
  ASSERT_TRUE(policy->pools.contains("tank"));
  EXPECT_EQ(policy->pools.at("tank").last_scrub_start(), testing::Unix(kNow - Days(2)));
  EXPECT_EQ(policy->contact, kNow);
}

TEST(ReadAutonomyPolicyTest, UnknownClassesAreIgnoredAndMissingOnesKeepTheirDefaults) {
  v1::AgentPolicy wire = WirePolicy();
  v1::ClassCadence* future = wire.add_classes();
  future->set_disk_class("cxl");
  future->set_interval_s(0);
  absl::StatusOr<AutonomyPolicy> policy = ReadAutonomyPolicy(wire, kNow);
  ASSERT_TRUE(policy.ok()) << policy.status();
  EXPECT_EQ(policy->cadence.For(DiskClass::kNvme).interval, Days(30));
  EXPECT_EQ(policy->cadence.timezone_name, "UTC");
  EXPECT_EQ(policy->cadence.at_window_end, WindowEndAction::kPause);
}

TEST(ReadAutonomyPolicyTest, RefusesWhatThisHostCannotApply) {
  struct Case {
    void (*bend)(v1::AgentPolicy&);
    std::string error;
  } cases[] = {
      {[](v1::AgentPolicy& p) { p.mutable_classes(0)->set_interval_s(0); },
       "class sata: interval_s must be positive"},
      {[](v1::AgentPolicy& p) { p.mutable_classes(1)->add_windows("Mon 25:00-26:00"); },
       "class sas: bad window"},
      {[](v1::AgentPolicy& p) { p.set_timezone("Mars/Olympus_Mons"); },
       "unknown time zone \"Mars/Olympus_Mons\""},
      {[](v1::AgentPolicy& p) { p.set_max_per_host(0); }, "max_per_host must be 1 to 1000"},
      {[](v1::AgentPolicy& p) { p.set_at_window_end("halt"); },
       "at_window_end must be pause, stop or continue, not \"halt\""},
      {[](v1::AgentPolicy& p) { p.set_autonomous_after_s(-1); }, "autonomous_after_s is negative"},
  };
  for (const Case& c : cases) {
    v1::AgentPolicy wire = WirePolicy();
    c.bend(wire);
    absl::StatusOr<AutonomyPolicy> policy = ReadAutonomyPolicy(wire, kNow);
    EXPECT_EQ(policy.status().code(), absl::StatusCode::kInvalidArgument) << c.error;
    EXPECT_THAT(policy.status().message(), HasSubstr(c.error));
  }
}

}  // namespace
}  // namespace zfleet::agent
