// Reads the host once: its pools through zpool (probe, list and status, parsed, classified,
// enriched with disk identities, cleaned to UTF-8) and, when asked, the ZFS stack checks.
// Synchronous and single-threaded; the collectors (collector.h) decide when it runs and on
// which thread.
#ifndef ZFLEET_AGENT_HOST_READER_H_
#define ZFLEET_AGENT_HOST_READER_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "agent/agent_config.h"
#include "agent/disks/disk_enrichment.h"
#include "agent/zpool/zpool_client.h"
#include "agent/zpool/zpool_status_parser.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::agent {

// What the agent knows of its host at one moment. Every string is valid UTF-8 (host text
// can hold any bytes, a file name in a pool's error list; one that is not UTF-8 would make a
// report unparseable).
struct HostView {
  std::vector<v1::Pool> pools;  // as last read successfully
  std::string collect_error;    // why the last read failed; "" when it succeeded
  std::string generation;       // zpool's output generation, once probed
  std::vector<v1::StackCheck> stack_checks;
  absl::Time pools_read_at = absl::InfinitePast();  // of `pools`
  // A zpool call hangs, or zpool timed out on every call, since then.
  std::optional<absl::Time> not_answering_since;
  std::string not_answering_detail;

  bool answering() const { return !not_answering_since.has_value(); }
};

struct HostReaderDeps {
  ZpoolClient* zpool = nullptr;
  DiskEnricher* disks = nullptr;  // null: leaves get class from overrides/transport only
  // The ZFS stack checks. May be empty.
  std::function<std::vector<v1::StackCheck>()> stack_checker;
};

// Thread-compatible.
class HostReader {
 public:
  HostReader(HostReaderDeps deps, const AgentConfig& config, StatusParseOptions parse_options);

  // Reads the pools into `view`, begun at `started`: on success the pools and read time are
  // replaced and the error and not-answering mark cleared; on failure the pools stay as last
  // read, collect_error says why, and a timeout marks zpool as not answering since the
  // first call that timed out.
  void ReadPools(absl::Time started, HostView& view);
  // Runs the stack checks into `view`.
  void ReadStack(HostView& view);
  bool has_stack_checker() const { return static_cast<bool>(deps_.stack_checker); }

 private:
  void Fail(const absl::Status& status, absl::Time started, absl::string_view what, HostView& view);

  HostReaderDeps deps_;
  const ClassOverrideFn class_overrides_;
  const StatusParseOptions parse_options_;
  int unparsed_logged_ = 0;
};

}  // namespace zfleet::agent

#endif  // ZFLEET_AGENT_HOST_READER_H_
