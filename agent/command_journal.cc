#include "agent/command_journal.h"

#include <sys/stat.h>

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "common/durable_file.h"
#include "common/log.h"
#include "common/status_macros.h"

namespace zfleet::agent {
namespace {

constexpr char kFileName[] = "commands.journal";
constexpr absl::string_view kHeaderPrefix = "zfleet-command-journal ";
constexpr int kFormat = 2;
// The file is rewritten once it holds more records than this. A rewrite leaves at most two
// per remembered command (2000), so the file stays under twice that.
constexpr size_t kRecordsBeforeRewrite = 4000;

std::string OneLine(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text;
}

std::string KindName(v1::CommandKind kind) {
  const std::string& name = v1::CommandKind_Name(kind);
  return name.empty() ? absl::StrCat(static_cast<int>(kind)) : name;
}

v1::CommandKind ParseKind(const std::string& text) {
  v1::CommandKind kind = v1::COMMAND_KIND_UNSPECIFIED;
  if (v1::CommandKind_Parse(text, &kind)) return kind;
  int number = 0;
  if (absl::SimpleAtoi(text, &number)) return static_cast<v1::CommandKind>(number);
  return v1::COMMAND_KIND_UNSPECIFIED;
}

std::string BegunRecord(const std::string& id, v1::CommandKind kind, absl::string_view pool,
                        absl::Time at) {
  std::string clean_pool(pool);
  std::replace(clean_pool.begin(), clean_pool.end(), '\t', ' ');
  return absl::StrCat("begun\t", id, "\t", KindName(kind), "\t", OneLine(clean_pool), "\t",
                      absl::ToUnixSeconds(at), "\n");
}

std::string FinishedRecord(const v1::CommandAck& ack) {
  const char* outcome = ack.ok() ? "ok" : ack.expired() ? "expired" : "error";
  std::string record =
      absl::StrCat("finished\t", ack.id(), "\t", outcome, "\t", ack.executed_at());
  // The error is the last field: tabs in it survive, a newline would end the record.
  if (!ack.ok()) absl::StrAppend(&record, "\t", OneLine(ack.error()));
  return record + "\n";
}

v1::CommandAck InterruptedAck(const std::string& id, absl::Time begun_at) {
  v1::CommandAck ack;
  ack.set_id(id);
  ack.set_ok(false);
  ack.set_error(kInterruptedError);
  ack.set_executed_at(absl::ToUnixSeconds(begun_at));
  return ack;
}

}  // namespace

CommandJournal CommandJournal::InMemory() { return CommandJournal(); }

absl::StatusOr<CommandJournal> CommandJournal::Open(const std::string& state_dir) {
  if (state_dir.empty()) return absl::InvalidArgumentError("a state directory is required");
  struct stat st;
  if (stat(state_dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat("state directory ", state_dir, " does not exist or is not a directory"));
  }
  CommandJournal journal;
  journal.path_ = absl::StrCat(state_dir, "/", kFileName);
  absl::StatusOr<std::string> read = ReadWholeFile(journal.path_);
  if (!read.ok() && !absl::IsNotFound(read.status())) return read.status();
  const std::string content = read.ok() ? *std::move(read) : std::string();

  // Only newline-terminated lines are whole; a crash mid-append leaves a torn tail.
  const size_t last_newline = content.rfind('\n');
  const size_t whole = last_newline == std::string::npos ? 0 : last_newline + 1;
  std::vector<absl::string_view> lines =
      absl::StrSplit(absl::string_view(content).substr(0, whole), '\n', absl::SkipEmpty());
  bool format1 = true;
  if (!lines.empty() && absl::StartsWith(lines.front(), kHeaderPrefix)) {
    int format = 0;
    if (!absl::SimpleAtoi(lines.front().substr(kHeaderPrefix.size()), &format) ||
        format != kFormat) {
      return absl::FailedPreconditionError(absl::StrCat(
          journal.path_, " is in format '", lines.front().substr(kHeaderPrefix.size()),
          "', not ", kFormat, ": written by another zfleet-agent version"));
    }
    format1 = false;
    lines.erase(lines.begin());
  }
  for (absl::string_view line : lines) {
    std::vector<std::string> f = absl::StrSplit(line, absl::MaxSplits('\t', format1 ? 2 : 4));
    if (format1) {
      const bool ok = f.size() == 2 && f[1] == "ok";
      if (f[0].empty() || (!ok && !(f.size() >= 2 && f[1] == "error"))) continue;
      v1::CommandAck ack;
      ack.set_id(f[0]);
      ack.set_ok(ok);
      if (f.size() == 3) ack.set_error(f[2]);
      journal.Remember(f[0]).result = std::move(ack);  // executed_at unknown: 0
      continue;
    }
    int64_t seconds = 0;
    if (f[0] == "begun" && f.size() == 5 && !f[1].empty() && absl::SimpleAtoi(f[4], &seconds)) {
      Entry& entry = journal.Remember(f[1]);
      entry.begun_at = absl::FromUnixSeconds(seconds);
      entry.kind = ParseKind(f[2]);
      entry.pool = f[3];
    } else if (f[0] == "finished" && (f.size() == 4 || f.size() == 5) && !f[1].empty() &&
               (f[2] == "ok" || f[2] == "error" || f[2] == "expired") &&
               absl::SimpleAtoi(f[3], &seconds)) {
      v1::CommandAck ack;
      ack.set_id(f[1]);
      ack.set_ok(f[2] == "ok");
      ack.set_expired(f[2] == "expired");
      ack.set_executed_at(seconds);
      if (f.size() == 5) ack.set_error(f[4]);
      journal.Remember(f[1]).result = std::move(ack);
    }
  }
  journal.records_in_file_ = lines.size();

  // Commands begun and never finished: the agent stopped while they ran. They are finished
  // as interrupted now, so no later start takes them for new, and the controller hears why.
  std::string interrupted;
  for (const std::string& id : journal.order_) {
    Entry& entry = journal.entries_.at(id);
    if (entry.result.has_value() || !entry.begun_at.has_value()) continue;
    entry.result = InterruptedAck(id, *entry.begun_at);
    journal.pending_.push_back(*entry.result);
    absl::StrAppend(&interrupted, FinishedRecord(*entry.result));
  }
  if (content.empty() || format1 || whole != content.size()) {
    RETURN_IF_ERROR(journal.Rewrite());
  } else if (!interrupted.empty()) {
    RETURN_IF_ERROR(journal.Append(interrupted));
  }
  return journal;
}

CommandJournal::Entry& CommandJournal::Remember(const std::string& id) {
  auto [it, inserted] = entries_.try_emplace(id);
  if (!inserted) return it->second;
  order_.push_back(id);
  if (order_.size() > kRemembered) {
    entries_.erase(order_.front());
    order_.pop_front();
  }
  return entries_.at(id);
}

std::optional<v1::CommandAck> CommandJournal::Find(const std::string& id) const {
  absl::MutexLock lock(mu_.get());
  auto it = entries_.find(id);
  if (it == entries_.end()) return std::nullopt;
  const Entry& entry = it->second;
  if (entry.result.has_value()) return entry.result;
  // Begun and not finished yet: it is running (Finish records the result even when it
  // cannot write it).
  return InterruptedAck(id, entry.begun_at.value_or(absl::UnixEpoch()));
}

absl::Status CommandJournal::Begin(const v1::Command& command, absl::Time now) {
  absl::MutexLock lock(mu_.get());
  const std::string& id = command.id();
  if (id.empty() || id.find_first_of("\t\n") != std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("command id '", OneLine(id), "' is empty or holds a tab or newline"));
  }
  if (!path_.empty()) {
    // Written and synced before anything is remembered: what the disk does not hold must not
    // run, since after a crash nothing would say it ran.
    RETURN_IF_ERROR(Append(BegunRecord(id, command.kind(), command.pool(), now)));
  }
  Entry& entry = Remember(id);
  entry.begun_at = now;
  entry.kind = command.kind();
  entry.pool = command.pool();
  if (!path_.empty()) CompactIfLarge();
  return absl::OkStatus();
}

absl::Status CommandJournal::Finish(const v1::CommandAck& ack) {
  absl::MutexLock lock(mu_.get());
  Remember(ack.id()).result = ack;
  pending_.push_back(ack);
  if (path_.empty()) return absl::OkStatus();
  RETURN_IF_ERROR(Append(FinishedRecord(ack)));
  CompactIfLarge();
  return absl::OkStatus();
}

void CommandJournal::Answer(const v1::CommandAck& ack) {
  absl::MutexLock lock(mu_.get());
  const bool queued = std::any_of(pending_.begin(), pending_.end(),
                                  [&](const v1::CommandAck& a) { return a.id() == ack.id(); });
  if (!queued) pending_.push_back(ack);
}

void CommandJournal::ConfirmDelivered(size_t count) {
  absl::MutexLock lock(mu_.get());
  pending_.erase(pending_.begin(),
                 pending_.begin() + static_cast<long>(std::min(count, pending_.size())));
}

absl::Status CommandJournal::Append(const std::string& records) {
  // Opened per append: a rewrite replaces the file under its name.
  ASSIGN_OR_RETURN(AppendOnlyFile file, AppendOnlyFile::Open(path_));
  RETURN_IF_ERROR(file.Append(records));
  records_in_file_ += static_cast<size_t>(std::count(records.begin(), records.end(), '\n'));
  return absl::OkStatus();
}

void CommandJournal::CompactIfLarge() {
  if (records_in_file_ <= kRecordsBeforeRewrite) return;
  // What was appended is already synced; a failed rewrite only leaves the file longer, and
  // the next record tries again.
  if (absl::Status s = Rewrite(); !s.ok()) {
    spdlog::warn("cannot compact the command journal: {}", s.message());
  }
}

absl::Status CommandJournal::Rewrite() {
  std::string content = absl::StrCat(kHeaderPrefix, kFormat, "\n");
  size_t records = 0;
  for (const std::string& id : order_) {
    const Entry& entry = entries_.at(id);
    if (entry.begun_at.has_value()) {
      absl::StrAppend(&content, BegunRecord(id, entry.kind, entry.pool, *entry.begun_at));
      ++records;
    }
    if (entry.result.has_value()) {
      absl::StrAppend(&content, FinishedRecord(*entry.result));
      ++records;
    }
  }
  RETURN_IF_ERROR(WriteFileAtomically(path_, content, 0600));
  records_in_file_ = records;
  return absl::OkStatus();
}

}  // namespace zfleet::agent
