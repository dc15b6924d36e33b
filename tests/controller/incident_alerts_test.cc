#include "controller/incident_alerts.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace zfleet::controller {
namespace {

TEST(IncidentAlertsTest, AlertNamesAreCamelCaseKinds) {
  EXPECT_EQ(AlertName("bad_disk"), "ZfleetBadDisk");
  EXPECT_EQ(AlertName("zpool_stuck"), "ZfleetZpoolStuck");
  EXPECT_EQ(AlertName("stack"), "ZfleetStack");
}

TEST(IncidentAlertsTest, LabelsRouteAnnotationsExplain) {
  v1::Incident i;
  i.set_id(42);
  i.set_kind("bad_disk");
  i.set_severity(v1::SEVERITY_WARNING);
  i.set_worst_severity(v1::SEVERITY_CRITICAL);
  i.set_host_id("st-01");
  i.set_pool("tank");
  i.set_subject("/dev/sdb");
  i.set_problem("/dev/sdb FAULTED");
  i.set_action("replace the disk");
  i.set_opened_at(1'700'000'000);
  const Alert a = IncidentAlert(i);
  EXPECT_EQ(a.key, "incident:42");
  EXPECT_EQ(a.labels.at("alertname"), "ZfleetBadDisk");
  // The worst severity: it changes at most twice in an incident's life.
  EXPECT_EQ(a.labels.at("severity"), "critical");
  EXPECT_EQ(a.labels.at("device"), "/dev/sdb");
  EXPECT_EQ(a.labels.count("check"), 0u);
  EXPECT_EQ(a.annotations.at("command"), "zfleet pool st-01/tank");
  EXPECT_EQ(a.annotations.at("incident"), "42");
  EXPECT_EQ(a.starts_at, absl::FromUnixSeconds(1'700'000'000));
  EXPECT_FALSE(a.resolved_at.has_value());

  i.set_kind("stack");
  i.set_pool("");
  i.set_subject("systemd:zfs-zed");
  i.set_resolved_at(1'700'000'600);
  const Alert stack = IncidentAlert(i);
  EXPECT_EQ(stack.labels.at("check"), "systemd:zfs-zed");
  EXPECT_EQ(stack.labels.at("pool"), "");  // left out of the payload
  EXPECT_EQ(stack.annotations.at("command"), "zfleet incidents --host st-01");
  EXPECT_EQ(stack.resolved_at, absl::FromUnixSeconds(1'700'000'600));
}

}  // namespace
}  // namespace zfleet::controller
