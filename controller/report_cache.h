// The report path's shortcut. Most reports say what the host's previous one said, apart from
// its sequence, times and load; storing such a report only moves the host's last-seen time,
// stream and load and its pools' last-seen times. ReportCache remembers, per host, the
// fingerprint (ingest/report_fingerprint.h) of the last report whose store path changed
// nothing else, with the host's version in the store (store/host_changes.h) and the answer
// it got. A report with the same fingerprint, the next in its stream, no acks, agent scrubs
// or backlog, while nothing else wrote to the host, is answered from here without the store
// lock; what it would have written (a ReportTouch) waits here and is written with the
// others in one transaction (Store::WriteTouches), at least once a second.
//
// What that costs: a crash loses up to a second of last-seen times and stream positions
// (never a change: a report that changes anything takes the store path and is answered only
// once committed). After a restart the agent's next report is ahead of the stored stream,
// and is applied as usual.
//
// Thread-safe. Lock order: the store lock, then this class's lock, then HostChanges'.
#ifndef ZFLEET_CONTROLLER_REPORT_CACHE_H_
#define ZFLEET_CONTROLLER_REPORT_CACHE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "controller/ingest/report_fingerprint.h"
#include "controller/store/host_changes.h"
#include "controller/store/report_io.h"
#include "model/host_record.h"
#include "zfleet/v1/report_envelope.pb.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::controller {

class ReportCache {
 public:
  // `changes` must outlive the cache.
  explicit ReportCache(const HostChanges* changes) : changes_(changes) {}
  ReportCache(const ReportCache&) = delete;
  ReportCache& operator=(const ReportCache&) = delete;

  // The answer to `report` (arrived at `now`, with fingerprint `fingerprint`), a
  // serialized ReportResponse, when it can be answered from here; its touch then waits for
  // TakeTouches. nullopt: take the store path.
  std::optional<std::string> Answer(const v1::ReportEnvelope& report,
                                    const ReportFingerprint& fingerprint, absl::Time now);

  // After the store path stored `report` (applied, advancing its stream to `stream`) and
  // it changed nothing but what a touch writes: remembers it, with the host's row id and
  // version right after the commit, and the answer (applied, without commands) it got.
  void Remember(const v1::ReportRequest& report, const ReportFingerprint& fingerprint,
                const HostStream& stream, int64_t host_row, uint64_t version,
                const v1::ReportResponse& response);

  // Before the store path handles a report of `host_id`: forgets the host and hands over
  // its touch not written yet, if any (the store path writes it first, or puts it back).
  std::optional<ReportTouch> Take(const std::string& host_id);
  // The waiting touches, taken out to be written.
  std::vector<ReportTouch> TakeTouches();
  // Puts back touches taken out but not written, except where a newer one waits.
  void PutBack(std::vector<ReportTouch> touches);

  // How many hosts are remembered, and how many touches wait.
  size_t hosts() const;
  size_t waiting() const;

 private:
  struct Host {
    ReportFingerprint fingerprint;
    std::string instance_id;
    HostStream stream;
    int64_t row = 0;
    uint64_t version = 0;
    std::string response;  // serialized, as sent: a few hundred bytes, not a message's heap
  };

  const HostChanges* const changes_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, Host> hosts_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, ReportTouch> touches_ ABSL_GUARDED_BY(mu_);
};

}  // namespace zfleet::controller

#endif  // ZFLEET_CONTROLLER_REPORT_CACHE_H_
