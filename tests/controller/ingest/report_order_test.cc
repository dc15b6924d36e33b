#include "controller/ingest/report_order.h"

#include "gtest/gtest.h"

namespace zfleet::controller {
namespace {

const absl::Time kOrderNow = absl::FromUnixSeconds(1'800'000'000);

v1::ReportRequest Report(const std::string& stream, uint64_t sequence, absl::Time observed) {
  v1::ReportRequest r;
  r.set_host_id("nas1");
  r.set_stream_id(stream);
  r.set_sequence(sequence);
  r.set_observed_at(absl::ToUnixSeconds(observed));
  r.set_report_time(absl::ToUnixSeconds(kOrderNow));
  return r;
}

HostStream Stored(const std::string& stream, uint64_t sequence, absl::Time observed) {
  return HostStream{stream, sequence, observed};
}

TEST(ReportOrderTest, AnAgentWithoutAStreamIsAppliedAsReceived) {
  v1::ReportRequest r = Report("", 7, kOrderNow - absl::Hours(1));
  const ReportOrder order = OrderReport(Stored("s1", 3, kOrderNow), r, kOrderNow);
  EXPECT_EQ(order.outcome, v1::REPORT_APPLIED);
  EXPECT_EQ(order.observed, kOrderNow);
  EXPECT_FALSE(order.advance.has_value());
}

TEST(ReportOrderTest, TheNextObservationIsDatedWhenTheAgentSawIt) {
  const absl::Time seen = kOrderNow - absl::Minutes(40);
  const ReportOrder order =
      OrderReport(Stored("s1", 3, kOrderNow - absl::Hours(1)), Report("s1", 4, seen), kOrderNow);
  EXPECT_EQ(order.outcome, v1::REPORT_APPLIED);
  EXPECT_EQ(order.observed, seen);
  ASSERT_TRUE(order.advance.has_value());
  EXPECT_EQ(order.advance->stream_id, "s1");
  EXPECT_EQ(order.advance->last_sequence, 4u);
  EXPECT_EQ(order.advance->last_observed, seen);
}

TEST(ReportOrderTest, AReplayedObservationIsADuplicate) {
  for (uint64_t seq : {1u, 3u}) {
    const ReportOrder order = OrderReport(Stored("s1", 3, kOrderNow - absl::Minutes(5)),
                                          Report("s1", seq, kOrderNow), kOrderNow);
    EXPECT_EQ(order.outcome, v1::REPORT_DUPLICATE) << seq;
    EXPECT_FALSE(order.advance.has_value());
  }
}

TEST(ReportOrderTest, AClockThatStepsBackNeverDatesBeforeTheLastObservation) {
  const absl::Time last = kOrderNow - absl::Minutes(5);
  const ReportOrder order =
      OrderReport(Stored("s1", 3, last), Report("s1", 4, kOrderNow - absl::Hours(3)), kOrderNow);
  EXPECT_EQ(order.outcome, v1::REPORT_APPLIED);
  EXPECT_EQ(order.observed, last);
}

TEST(ReportOrderTest, AnObservationFromTheFutureIsDatedNow) {
  const ReportOrder order =
      OrderReport(std::nullopt, Report("s1", 1, kOrderNow + absl::Hours(2)), kOrderNow);
  EXPECT_EQ(order.observed, kOrderNow);
  EXPECT_EQ(order.advance->last_observed, kOrderNow);
}

TEST(ReportOrderTest, AnotherStreamIsANewAgentUnlessItIsOlderThanWhatIsStored) {
  // A state directory wiped and the agent reinstalled: its new stream starts at 1.
  const ReportOrder fresh = OrderReport(Stored("old", 900, kOrderNow - absl::Minutes(10)),
                                        Report("new", 1, kOrderNow), kOrderNow);
  EXPECT_EQ(fresh.outcome, v1::REPORT_APPLIED);
  EXPECT_EQ(fresh.advance->stream_id, "new");
  // A second agent claiming the host, still delivering what it saw an hour ago.
  const ReportOrder stale = OrderReport(Stored("new", 5, kOrderNow - absl::Minutes(1)),
                                        Report("old", 901, kOrderNow - absl::Hours(1)), kOrderNow);
  EXPECT_EQ(stale.outcome, v1::REPORT_STALE);
  EXPECT_FALSE(stale.advance.has_value());
}

TEST(ReportOrderTest, AHostStoredBeforeStreamsTakesTheFirstStream) {
  const ReportOrder order = OrderReport(Stored("", 0, absl::InfinitePast()),
                                        Report("s1", 12, kOrderNow - absl::Minutes(1)), kOrderNow);
  EXPECT_EQ(order.outcome, v1::REPORT_APPLIED);
  EXPECT_EQ(order.advance->last_sequence, 12u);
}

TEST(ReportOrderTest, WithoutObservedAtTheReportTimeCounts) {
  v1::ReportRequest r = Report("s1", 1, kOrderNow);
  r.set_observed_at(0);
  r.set_report_time(absl::ToUnixSeconds(kOrderNow - absl::Minutes(3)));
  EXPECT_EQ(OrderReport(std::nullopt, r, kOrderNow).observed, kOrderNow - absl::Minutes(3));
}

}  // namespace
}  // namespace zfleet::controller
