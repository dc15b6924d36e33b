// Two reports share a fingerprint when they differ only in what every report changes.
#include "controller/ingest/report_fingerprint.h"

#include <functional>
#include <string>
#include <vector>

#include "controller/ingest/received_report.h"
#include "gtest/gtest.h"
#include "tests/testing/pool_builders.h"

namespace zfleet::controller {
namespace {

// As the report path takes it: of the envelope of the report's bytes.
ReportFingerprint FingerprintOf(const v1::ReportRequest& report) {
  absl::StatusOr<ReceivedReport> received = ReceiveReport(report);
  EXPECT_TRUE(received.ok()) << received.status();
  return received.ok() ? FingerprintReport(received->envelope) : ReportFingerprint();
}

v1::ReportRequest FingerprintedReport() {
  v1::ReportRequest r;
  r.set_host_id("nas1");
  r.set_instance_id("i1");
  r.set_stream_id("s1");
  r.set_sequence(7);
  r.set_report_time(1'800'000'000);
  r.set_observed_at(1'800'000'000);
  r.set_pools_valid(true);
  r.mutable_host()->set_hostname("nas1");
  r.mutable_host()->set_load1(0.5);
  (*r.mutable_host()->mutable_labels())["rack"] = "r1";
  (*r.mutable_host()->mutable_labels())["room"] = "b";
  r.mutable_zpool()->set_pools_read_at(1'800'000'000);
  v1::Pool& pool = *r.add_pools();
  pool.set_name("tank");
  pool.set_state("ONLINE");
  *pool.add_vdevs() = testing::DiskLeaf("sda");
  return r;
}

struct Change {
  std::string what;
  std::function<void(v1::ReportRequest&)> apply;
};

TEST(ReportFingerprintTest, WhatEveryReportChangesIsLeftOut) {
  const ReportFingerprint base = FingerprintOf(FingerprintedReport());
  EXPECT_EQ(FingerprintOf(FingerprintedReport()), base);
  const std::vector<Change> volatile_changes = {
      {"sequence", [](v1::ReportRequest& r) { r.set_sequence(8); }},
      {"report_time", [](v1::ReportRequest& r) { r.set_report_time(1); }},
      {"observed_at", [](v1::ReportRequest& r) { r.set_observed_at(1); }},
      {"backlog", [](v1::ReportRequest& r) { r.set_backlog(3); }},
      {"load1", [](v1::ReportRequest& r) { r.mutable_host()->set_load1(2.5); }},
      {"pools_read_at", [](v1::ReportRequest& r) { r.mutable_zpool()->set_pools_read_at(1); }},
  };
  for (const Change& c : volatile_changes) {
    v1::ReportRequest r = FingerprintedReport();
    c.apply(r);
    EXPECT_EQ(FingerprintOf(r), base) << c.what;
  }
}

TEST(ReportFingerprintTest, EverythingElseCounts) {
  const ReportFingerprint base = FingerprintOf(FingerprintedReport());
  const std::vector<Change> changes = {
      {"host_id", [](v1::ReportRequest& r) { r.set_host_id("nas2"); }},
      {"instance_id", [](v1::ReportRequest& r) { r.set_instance_id("i2"); }},
      {"stream_id", [](v1::ReportRequest& r) { r.set_stream_id("s2"); }},
      {"pools_valid", [](v1::ReportRequest& r) { r.set_pools_valid(false); }},
      {"collect_error", [](v1::ReportRequest& r) { r.set_collect_error("zpool: timeout"); }},
      {"zpool hangs", [](v1::ReportRequest& r) { r.mutable_zpool()->set_not_answering_since(5); }},
      {"label", [](v1::ReportRequest& r) { (*r.mutable_host()->mutable_labels())["rack"] = "r2"; }},
      {"stack check",
       [](v1::ReportRequest& r) { r.mutable_host()->add_stack_checks()->set_name("x"); }},
      {"pool state", [](v1::ReportRequest& r) { r.mutable_pools(0)->set_state("DEGRADED"); }},
      {"a counter",
       [](v1::ReportRequest& r) { r.mutable_pools(0)->mutable_vdevs(0)->set_read_errors(1); }},
      {"a second pool", [](v1::ReportRequest& r) { r.add_pools()->set_name("tank2"); }},
      {"an ack", [](v1::ReportRequest& r) { r.add_acks()->set_id("c1"); }},
      {"an agent scrub", [](v1::ReportRequest& r) { r.add_agent_scrubs()->set_pool("tank"); }},
      // Moved between fields: "nas1"+"i1" against "nas1i"+"1".
      {"a boundary",
       [](v1::ReportRequest& r) {
         r.set_host_id("nas1i");
         r.set_instance_id("1");
       }},
  };
  for (const Change& c : changes) {
    v1::ReportRequest r = FingerprintedReport();
    c.apply(r);
    EXPECT_NE(FingerprintOf(r), base) << c.what;
  }
}

TEST(ReportFingerprintTest, LabelOrderDoesNotCount) {
  v1::ReportRequest a = FingerprintedReport();
  v1::ReportRequest b = FingerprintedReport();
  b.mutable_host()->clear_labels();
  (*b.mutable_host()->mutable_labels())["room"] = "b";
  (*b.mutable_host()->mutable_labels())["rack"] = "r1";
  EXPECT_EQ(FingerprintOf(a), FingerprintOf(b));
}

}  // namespace
}  // namespace zfleet::controller
