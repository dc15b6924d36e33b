// A report as it arrived: its wire bytes and their envelope (zfleet/v1/report_envelope.proto:
// the top level, with the pools, acks and agent scrubs left as bytes). The report path
// reads the envelope first; only a report that takes the store path is parsed whole.
// Pure.
#ifndef ZFLEET_CONTROLLER_INGEST_RECEIVED_REPORT_H_
#define ZFLEET_CONTROLLER_INGEST_RECEIVED_REPORT_H_

#include <string>

#include "absl/status/statusor.h"
#include "zfleet/v1/report_envelope.pb.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::controller {

struct ReceivedReport {
  std::string bytes;  // a serialized ReportRequest
  v1::ReportEnvelope envelope;
  // The whole report when the caller had it already (an in-process caller); else null,
  // and ParseWhole parses `bytes`.
  const v1::ReportRequest* whole = nullptr;
};

// InvalidArgument "the report does not parse as a ReportRequest" when its top level does
// not parse (a fault deeper down shows when it is parsed whole).
absl::StatusOr<ReceivedReport> ReceiveReport(std::string bytes);
// A report in hand, which must outlive the result. InvalidArgument as above when a string
// field of its top level is not valid UTF-8.
absl::StatusOr<ReceivedReport> ReceiveReport(const v1::ReportRequest& report);

// The whole report, parsed into `storage` unless `received` holds it already; InvalidArgument
// as above (or naming invalid UTF-8) when it does not parse.
absl::StatusOr<const v1::ReportRequest*> ParseWhole(const ReceivedReport& received,
                                                    v1::ReportRequest& storage);

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_INGEST_RECEIVED_REPORT_H_
