// The agent's outbox: every observation of the host (a change of its pools, devices,
// scans, stack checks or zpool's health, and the periodic report when nothing changed) is
// appended here, numbered and fsynced, before it is sent; it leaves only when the controller
// answered it. So a controller away for an hour, or an agent restarted meanwhile, loses no
// change, and the controller dates each by when the agent saw it.
//
// Bounded: past `max_entries` or `max_bytes` the oldest progress samples (observations
// that changed only counters, scan progress or capacity) are dropped first — each entry is
// a whole view, so the next one still carries the latest figures. State changes are
// dropped only past twice the bound, and each such drop is logged as an error.
#ifndef ZFLEET_AGENT_OUTBOX_OUTBOX_H_
#define ZFLEET_AGENT_OUTBOX_OUTBOX_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "common/durable_file.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::agent {

struct OutboxLimits {
  size_t max_entries = 20000;
  size_t max_bytes = size_t{64} << 20;
};

struct OutboxStats {
  size_t entries = 0;
  size_t bytes = 0;
  uint64_t dropped_samples = 0;  // since the outbox was opened
  uint64_t dropped_state_changes = 0;
};

// Thread-compatible.
class Outbox {
 public:
  // Opens DIR/outbox.log (and DIR/stream-id, made once), creating them. A torn or corrupt
  // tail (a crash mid-append) is cut off with a warning; Internal when the files cannot be
  // read or written.
  static absl::StatusOr<std::unique_ptr<Outbox>> Open(const std::string& dir,
                                                      OutboxLimits limits = {});
  // Not durable: for tests.
  static std::unique_ptr<Outbox> InMemory(const std::string& stream_id, OutboxLimits limits = {});

  // Names the sequence: a new one per state directory, kept across restarts.
  const std::string& stream_id() const { return stream_id_; }

  // Appends `observation`, setting its stream_id and its sequence (one past the last), and
  // returns once it is on disk. `state_change`: false for a progress sample, which the bound
  // may drop. On error (a full disk) nothing was appended.
  absl::Status Append(v1::ReportRequest observation, bool state_change);

  // The oldest observation not yet answered; nullopt when the outbox is empty.
  std::optional<v1::ReportRequest> Front() const;
  // The front observation was answered by the controller: it leaves the outbox (durably).
  absl::Status PopFront();

  bool empty() const { return entries_.empty(); }
  size_t size() const { return entries_.size(); }
  uint64_t last_sequence() const { return last_sequence_; }
  OutboxStats stats() const;

 private:
  struct Entry {
    uint64_t sequence = 0;
    bool state_change = false;
    std::string bytes;  // the serialized observation
  };
  Outbox(std::string stream_id, OutboxLimits limits) : stream_id_(std::move(stream_id)), limits_(limits) {}
  absl::Status Load(const std::string& content);
  absl::Status Record(char type, absl::string_view payload);
  absl::Status Compact();
  void EnforceBound();

  std::string stream_id_;
  OutboxLimits limits_;
  std::optional<AppendOnlyFile> file_;  // nullopt: in memory
  std::deque<Entry> entries_;
  size_t bytes_ = 0;         // of entries_
  size_t file_bytes_ = 0;    // of the log on disk, live and dead
  uint64_t last_sequence_ = 0;
  uint64_t answered_through_ = 0;
  uint64_t dropped_samples_ = 0;
  uint64_t dropped_states_ = 0;
  bool over_bound_logged_ = false;
};

// What an observation says of the host's state, leaving out what is a progress sample
// (counters, scan progress, capacity, times): two observations with equal keys differ only
// by samples. Pure.
std::string ObservationStateKey(const v1::ReportRequest& observation);

}  // namespace zfleet::agent

#endif  // ZFLEET_AGENT_OUTBOX_OUTBOX_H_
