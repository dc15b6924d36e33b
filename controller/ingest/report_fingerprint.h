// What a report says, minus what changes on every report (its sequence, its times, the
// host's load): two reports with the same fingerprint differ only in those. The report
// path's shortcut (controller/report_cache.h) compares it with the last report that
// changed nothing, instead of reading the store. It is taken of the report's envelope
// (ingest/received_report.h), so the pools, acks and agent scrubs count as the bytes the
// agent sent: the same report serialized otherwise only costs a trip through the store.
// Pure.
#ifndef ZFLEET_CONTROLLER_INGEST_REPORT_FINGERPRINT_H_
#define ZFLEET_CONTROLLER_INGEST_REPORT_FINGERPRINT_H_

#include <cstdint>

#include "zfleet/v1/report_envelope.pb.h"

namespace zfleet::controller {

// 128 bits from two unrelated hashes of what it covers, so that two
// different reports agree only by a chance far below any hardware fault's.
struct ReportFingerprint {
  uint64_t a = 0;
  uint64_t b = 0;
  friend bool operator==(const ReportFingerprint&, const ReportFingerprint&) = default;
};

// Covers host_id, instance_id, stream_id, the host info but its load, pools_valid,
// collect_error, whether and why zpool hangs, the pools, the acks and the agent scrubs;
// leaves out sequence, report_time, observed_at, backlog, host.load1 and
// zpool.pools_read_at. Stable within a process only (the hashes are seeded per process).
ReportFingerprint FingerprintReport(const v1::ReportEnvelope& report);

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_INGEST_REPORT_FINGERPRINT_H_
