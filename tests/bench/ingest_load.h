// The load ingest_bench puts on a target: simulated hosts' reports over gRPC, either as
// fast as they are answered (Drive) or each host once per interval (DrivePaced), with the
// outcome and latency of every call.
#ifndef ZFLEET_TESTS_BENCH_INGEST_LOAD_H_
#define ZFLEET_TESTS_BENCH_INGEST_LOAD_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "tests/bench/ingest_fleet.h"

namespace zfleet::bench {

// Every call carries this deadline, as the agent's do.
inline constexpr auto kCallDeadline = std::chrono::seconds(10);
// A paced report sent later than this after its slot counts as late.
inline constexpr auto kLateAfter = std::chrono::seconds(1);
// Threads writing and sending paced reports, at most (one per stream below that).
inline constexpr size_t kPacedSenders = 4;
// A paced sender wakes once per this, and sends the reports whose slots came meanwhile.
inline constexpr auto kPacedBatch = std::chrono::milliseconds(5);

struct Load {
  int64_t ok = 0;
  int64_t failed = 0;
  int64_t changed = 0;
  int64_t not_applied = 0;        // OK, but the controller took it for a duplicate or stale
  double seconds = 0;             // from the first call to the last answer (paced: to the end)
  std::vector<float> latency_ms;  // of every call, OK or not
  std::vector<int64_t> failed_at_ms;  // UnixMillis() of each failed call's answer
  std::string first_error;
  // Paced only: slots that came due; reports sent over kLateAfter after their slot because
  // the host's previous report was still unanswered then (late), or because the load
  // generator itself fell behind (behind: the figures then understate what the target
  // could do), and by how much at most; and slots that came while a late report of the same
  // host already waited (merged into it, as an agent sends its newest observation).
  int64_t due = 0;
  int64_t late = 0;
  int64_t behind = 0;
  double max_behind_s = 0;
  int64_t missed = 0;

  void Add(const Load& other);
};

// `streams` threads, each on its own channel to `address`, send the reports of hosts
// t, t + streams, … in turn, each call waiting for the previous one's answer: each host
// once (`once`, for at most `limit`), or round and round for `limit`. Both drivers send
// nothing more once `*abort` is set.
Load Drive(const std::string& address, const Fleet& fleet, std::vector<SimulatedHost>& hosts,
           int streams, bool once, std::chrono::milliseconds limit, const std::atomic<bool>* abort);

// Each host reports once per `interval`, host h at start + (h / hosts.size() + k) *
// interval, for `duration`: hosts spread evenly over the interval, as a fleet of agents
// started at random times is. Nothing waits for an answer but the host itself: a host's
// next report goes at its slot when the previous one was answered, or as soon as its sender
// sees the answer (late). Senders wake every kPacedBatch, so a report goes up to that after
// its slot. Host h uses channel h % streams; up to kPacedSenders threads send. After
// `duration`, waits for the calls in flight (at most kCallDeadline more).
Load DrivePaced(const std::string& address, const Fleet& fleet, std::vector<SimulatedHost>& hosts,
                int streams, std::chrono::milliseconds interval, std::chrono::milliseconds duration,
                const std::atomic<bool>* abort);

// The p-quantile (0..1) of `v`; 0 when empty.
double Percentile(std::vector<float> v, double p);

int64_t UnixNow();
int64_t UnixMillis();

}  // namespace zfleet::bench

#endif  // ZFLEET_TESTS_BENCH_INGEST_LOAD_H_
