#include "model/enum_names.h"

#include "gtest/gtest.h"

namespace zfleet {
namespace {

TEST(EnumNamesTest, NamesRoundTrip) {
  for (v1::Severity s : {v1::SEVERITY_INFO, v1::SEVERITY_WARNING, v1::SEVERITY_CRITICAL}) {
    EXPECT_EQ(ParseSeverity(SeverityName(s)), s);
  }
  for (v1::ScrubRunState s :
       {v1::RUN_REQUESTED, v1::RUN_RUNNING, v1::RUN_FINISHED, v1::RUN_CANCELED, v1::RUN_FAILED}) {
    EXPECT_EQ(ParseRunState(RunStateName(s)), s);
  }
  for (v1::ScrubTrigger t :
       {v1::TRIGGER_MANUAL, v1::TRIGGER_SCHEDULED, v1::TRIGGER_EXTERNAL, v1::TRIGGER_AGENT}) {
    EXPECT_EQ(ParseTrigger(TriggerName(t)), t);
  }
  // The strings the JSON output and the database have always used.
  EXPECT_EQ(SeverityName(v1::SEVERITY_CRITICAL), "critical");
  EXPECT_EQ(RunStateName(v1::RUN_CANCELED), "canceled");
  EXPECT_EQ(TriggerName(v1::TRIGGER_EXTERNAL), "external");
  EXPECT_EQ(TriggerName(v1::TRIGGER_AGENT), "agent");
}

TEST(EnumNamesTest, UnspecifiedAndUnknown) {
  EXPECT_EQ(SeverityName(v1::SEVERITY_UNSPECIFIED), "");
  EXPECT_EQ(RunStateName(v1::SCRUB_RUN_STATE_UNSPECIFIED), "");
  EXPECT_EQ(ParseSeverity("fatal"), std::nullopt);
  EXPECT_EQ(ParseRunState("Finished"), std::nullopt);
  EXPECT_EQ(ParseTrigger(""), std::nullopt);
}

TEST(EnumNamesTest, SettersKeepTheNameForOlderPeers) {
  v1::ScrubRun run;
  SetRunState(run, v1::RUN_RUNNING);
  SetTrigger(run, v1::TRIGGER_SCHEDULED);
  EXPECT_EQ(run.state(), v1::RUN_RUNNING);
  EXPECT_EQ(run.state_name(), "running");
  EXPECT_EQ(run.trigger_name(), "scheduled");
  v1::Event event;
  SetSeverity(event, v1::SEVERITY_WARNING);
  EXPECT_EQ(event.severity_name(), "warning");
  v1::TriageItem item;
  SetSeverity(item, v1::SEVERITY_CRITICAL);
  EXPECT_EQ(item.severity_name(), "critical");
}

TEST(EnumNamesTest, ReadersFallBackToTheNameOfAnOlderController) {
  v1::ScrubRun run;
  run.set_state_name("finished");
  run.set_trigger_name("manual");
  EXPECT_EQ(RunStateOf(run), v1::RUN_FINISHED);
  EXPECT_EQ(TriggerOf(run), v1::TRIGGER_MANUAL);
  run.set_state(v1::RUN_CANCELED);  // the enum wins when both are set
  EXPECT_EQ(RunStateOf(run), v1::RUN_CANCELED);
  v1::Event event;
  event.set_severity_name("info");
  EXPECT_EQ(SeverityOf(event), v1::SEVERITY_INFO);
  v1::TriageItem item;
  EXPECT_EQ(SeverityOf(item), v1::SEVERITY_UNSPECIFIED);
  EXPECT_TRUE(IsOpen(v1::RUN_REQUESTED));
  EXPECT_FALSE(IsOpen(v1::RUN_FAILED));
  EXPECT_TRUE(IsEnded(v1::RUN_FAILED));
  EXPECT_FALSE(IsEnded(v1::RUN_RUNNING));
}

}  // namespace
}  // namespace zfleet
