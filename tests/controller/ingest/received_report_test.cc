// A report's envelope: the same wire as ReportRequest, parsed only at its top level.
#include "controller/ingest/received_report.h"

#include <string>

#include "gtest/gtest.h"
#include "tests/testing/pool_builders.h"

namespace zfleet::controller {
namespace {

using google::protobuf::FieldDescriptor;

bool LengthDelimited(const FieldDescriptor& field) {
  return field.type() == FieldDescriptor::TYPE_MESSAGE ||
         field.type() == FieldDescriptor::TYPE_STRING ||
         field.type() == FieldDescriptor::TYPE_BYTES;
}

// A field added to ReportRequest and not to its envelope would be left out of the
// fingerprint, and a change in it answered from memory: the two keep every field in step.
TEST(ReceivedReportTest, EnvelopeHasEveryFieldOfTheReportOnTheSameWire) {
  const auto* report = v1::ReportRequest::descriptor();
  const auto* envelope = v1::ReportEnvelope::descriptor();
  ASSERT_EQ(envelope->field_count(), report->field_count());
  for (int i = 0; i < report->field_count(); ++i) {
    const FieldDescriptor& field = *report->field(i);
    const FieldDescriptor* mirror = envelope->FindFieldByNumber(field.number());
    ASSERT_NE(mirror, nullptr) << field.name();
    EXPECT_EQ(mirror->name(), field.name());
    EXPECT_EQ(mirror->is_repeated(), field.is_repeated()) << field.name();
    if (LengthDelimited(field)) {
      EXPECT_TRUE(LengthDelimited(*mirror)) << field.name();
    } else {
      EXPECT_EQ(mirror->type(), field.type()) << field.name();
    }
  }
}

v1::ReportRequest TwoPoolReport() {
  v1::ReportRequest report;
  report.set_host_id("nas1");
  report.set_instance_id("i1");
  report.set_stream_id("s1");
  report.set_sequence(42);
  report.set_observed_at(1'800'000'000);
  report.set_backlog(2);
  report.mutable_host()->set_hostname("nas1");
  report.mutable_host()->set_load1(0.25);
  for (const char* name : {"tank", "bulk"}) {
    v1::Pool& pool = *report.add_pools();
    pool.set_name(name);
    *pool.add_vdevs() = testing::DiskLeaf("sda");
  }
  report.add_acks()->set_id("c1");
  return report;
}

TEST(ReceivedReportTest, TopLevelIsReadAndThePoolsStayTheirBytes) {
  const v1::ReportRequest report = TwoPoolReport();
  absl::StatusOr<ReceivedReport> received = ReceiveReport(report.SerializeAsString());
  ASSERT_TRUE(received.ok()) << received.status();
  const v1::ReportEnvelope& envelope = received->envelope;
  EXPECT_EQ(envelope.host_id(), "nas1");
  EXPECT_EQ(envelope.sequence(), 42u);
  EXPECT_EQ(envelope.observed_at(), 1'800'000'000);
  EXPECT_EQ(envelope.backlog(), 2u);
  EXPECT_EQ(envelope.host().load1(), 0.25);
  EXPECT_EQ(envelope.acks_size(), 1);
  ASSERT_EQ(envelope.pools_size(), 2);
  v1::Pool bulk;
  ASSERT_TRUE(bulk.ParseFromString(envelope.pools(1)));
  EXPECT_EQ(bulk.name(), "bulk");
  EXPECT_EQ(bulk.vdevs(0).path(), report.pools(1).vdevs(0).path());

  v1::ReportRequest storage;
  absl::StatusOr<const v1::ReportRequest*> whole = ParseWhole(*received, storage);
  ASSERT_TRUE(whole.ok()) << whole.status();
  EXPECT_EQ(*whole, &storage);
  EXPECT_EQ(storage.SerializeAsString(), report.SerializeAsString());
}

TEST(ReceivedReportTest, AReportInHandIsNotParsedAgain) {
  const v1::ReportRequest report = TwoPoolReport();
  absl::StatusOr<ReceivedReport> received = ReceiveReport(report);
  ASSERT_TRUE(received.ok()) << received.status();
  EXPECT_EQ(received->envelope.pools_size(), 2);
  v1::ReportRequest storage;
  absl::StatusOr<const v1::ReportRequest*> whole = ParseWhole(*received, storage);
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(*whole, &report);
}

TEST(ReceivedReportTest, BytesThatAreNoReportAreRefused) {
  absl::StatusOr<ReceivedReport> received = ReceiveReport(std::string("\xff\xff\xff", 3));
  ASSERT_FALSE(received.ok());
  EXPECT_EQ(received.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(received.status().message(),
            "the report does not parse as a ReportRequest (damaged, or a string field is not "
            "valid UTF-8)");
}

TEST(ReceivedReportTest, APoolThatIsNotUtf8IsRefusedWhenParsedWhole) {
  v1::ReportEnvelope envelope;
  envelope.set_host_id("nas1");
  envelope.add_pools(std::string("\x0a\x02\xc3\x28", 4));  // name: 0xC3 0x28, not UTF-8
  absl::StatusOr<ReceivedReport> received = ReceiveReport(envelope.SerializeAsString());
  ASSERT_TRUE(received.ok()) << received.status();  // the envelope does not look inside
  v1::ReportRequest storage;
  absl::StatusOr<const v1::ReportRequest*> whole = ParseWhole(*received, storage);
  ASSERT_FALSE(whole.ok());
  EXPECT_EQ(whole.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace zfleet::controller
