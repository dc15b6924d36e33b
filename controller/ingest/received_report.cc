#include "controller/ingest/received_report.h"

#include <utility>

namespace zfleet::controller {
namespace {

// Protobuf refuses a string field that is not valid UTF-8 while parsing: the likeliest
// cause of a report that does not parse, from an agent of this project.
absl::Status DoesNotParse() {
  return absl::InvalidArgumentError(
      "the report does not parse as a ReportRequest (damaged, or a string field is not "
      "valid UTF-8)");
}

}  // namespace

absl::StatusOr<ReceivedReport> ReceiveReport(std::string bytes) {
  ReceivedReport received{.bytes = std::move(bytes), .envelope = {}, .whole = nullptr};
  if (!received.envelope.ParseFromString(received.bytes)) return DoesNotParse();
  return received;
}

absl::StatusOr<ReceivedReport> ReceiveReport(const v1::ReportRequest& report) {
  absl::StatusOr<ReceivedReport> received = ReceiveReport(report.SerializeAsString());
  if (received.ok()) received->whole = &report;
  return received;
}

absl::StatusOr<const v1::ReportRequest*> ParseWhole(const ReceivedReport& received,
                                                    v1::ReportRequest& storage) {
  if (received.whole != nullptr) return received.whole;
  if (!storage.ParseFromString(received.bytes)) return DoesNotParse();
  return &storage;
}

}  // namespace zfleet::controller
