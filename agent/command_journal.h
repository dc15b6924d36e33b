// The agent's record of the controller commands it took on, so that each command runs at
// most once, across restarts and crashes. A command is journaled as begun (fsynced) before
// it runs and as finished, with its result, after. A command the controller repeats (its
// ack was lost, or the agent restarted) is answered from the journal with its original
// result and time; one begun but never finished (the agent was killed while it ran) is
// never run again and is answered as interrupted.
//
// STATE_DIR/commands.journal, one tab-separated record per line (format 2):
//   zfleet-command-journal 2                                  the first line
//   begun     ID  KIND  POOL  UNIX_SECONDS                    before the command runs
//   finished  ID  ok|error|expired  EXECUTED_AT  [ERROR]      after it ran (or was refused)
// A line without its newline (a crash mid-write) is dropped. Format 1 (no header; "ID\tok" /
// "ID\terror\tMSG", written only after a command ran) is read as finished commands of
// unknown time (executed_at 0) and the file is rewritten in format 2.
#ifndef ZFLEET_AGENT_COMMAND_JOURNAL_H_
#define ZFLEET_AGENT_COMMAND_JOURNAL_H_

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "zfleet/v1/zfleet.pb.h"

namespace zfleet::agent {

// The error of a command begun but never finished, answered after a restart.
inline constexpr char kInterruptedError[] = "the agent stopped while running it; not retried";

// Thread-safe (commands run on the collector's thread while the loop reads the acks).
// Movable while no other thread uses it.
class CommandJournal {
 public:
  // Loads STATE_DIR/commands.journal (creating it, in format 2, when there is none) and
  // appends to it. Commands found begun but not finished are finished as interrupted (their
  // acks are queued for the next report). Errors: InvalidArgument "a state directory is
  // required" when `state_dir` is empty; FailedPrecondition when it is not a directory or
  // the file was written in a newer format; Internal when the file cannot be read, written
  // or synced.
  static absl::StatusOr<CommandJournal> Open(const std::string& state_dir);
  // Remembers in memory only. For tests: an agent that forgets across restarts may run a
  // command twice.
  static CommandJournal InMemory();

  // The answer to a command taken on before: its recorded ack (original result and
  // executed_at), or for one begun and never finished, the interrupted ack (ok = false,
  // kInterruptedError, executed_at = when it began). nullopt for a command not seen (or
  // forgotten: the journal keeps the last 1000).
  std::optional<v1::CommandAck> Find(const std::string& id) const;

  // Journals `command` as begun at `now`, synced to disk, before it runs. InvalidArgument
  // for an empty id or one with a tab or newline; Internal when the write fails. On error
  // nothing is remembered and the command must not run.
  absl::Status Begin(const v1::Command& command, absl::Time now);
  // Journals a command's result (one begun, or one refused without running: expired) and
  // queues `ack` for the next report. The result is remembered and queued even when the
  // write fails (Internal): the agent then only risks answering differently after a restart.
  absl::Status Finish(const v1::CommandAck& ack);
  // Queues `ack` for the next report without journaling it: the answer to a repeated
  // command. An ack whose id is already queued is not queued again.
  void Answer(const v1::CommandAck& ack);

  // The acks not yet delivered, oldest first.
  std::vector<v1::CommandAck> PendingAcks() const {
    absl::MutexLock lock(mu_.get());
    return pending_;
  }
  // The controller accepted a report carrying the first `count` pending acks.
  void ConfirmDelivered(size_t count);

 private:
  static constexpr size_t kRemembered = 1000;
  struct Entry {
    std::optional<absl::Time> begun_at;  // unset: refused without running, or format 1
    v1::CommandKind kind = v1::COMMAND_KIND_UNSPECIFIED;  // with begun_at
    std::string pool;                                     // with begun_at
    std::optional<v1::CommandAck> result;  // unset: begun, not finished yet
  };

  CommandJournal() = default;
  Entry& Remember(const std::string& id);
  // Appends `records` (whole lines) to the file and syncs it.
  absl::Status Append(const std::string& records);
  // Rewrites the file once it has grown past its bound.
  void CompactIfLarge();
  // Replaces the file by the remembered commands, through a synced temporary file.
  absl::Status Rewrite();

  // Held by every public method; a pointer so the journal stays movable.
  std::unique_ptr<absl::Mutex> mu_ = std::make_unique<absl::Mutex>();
  std::string path_;
  absl::flat_hash_map<std::string, Entry> entries_;
  std::deque<std::string> order_;  // oldest first, to bound memory and the file
  std::vector<v1::CommandAck> pending_;
  size_t records_in_file_ = 0;  // lines, the header excluded
};

}  // namespace zfleet::agent

#endif  // ZFLEET_AGENT_COMMAND_JOURNAL_H_
