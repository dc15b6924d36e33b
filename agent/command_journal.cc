#include "agent/command_journal.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace zfleet::agent {

// One line per executed command: "ID\tok" or "ID\terror\tMESSAGE". A torn last line (crash
// mid-write) is dropped by rewriting the file: that command may then run twice, which
// zpool scrub tolerates.
absl::StatusOr<CommandJournal> CommandJournal::Open(const std::string& state_dir) {
  CommandJournal journal;
  if (state_dir.empty()) return journal;
  journal.path_ = state_dir + "/commands.journal";
  std::string content;
  {
    std::ifstream in(journal.path_);
    std::stringstream buffer;
    buffer << in.rdbuf();
    content = buffer.str();
  }
  // Only newline-terminated lines are whole; a crash mid-append leaves a torn tail.
  const size_t whole = content.rfind('\n') == std::string::npos ? 0 : content.rfind('\n') + 1;
  size_t lines = 0;
  for (absl::string_view line :
       absl::StrSplit(absl::string_view(content).substr(0, whole), '\n', absl::SkipEmpty())) {
    std::vector<std::string> parts = absl::StrSplit(line, absl::MaxSplits('\t', 2));
    const bool ok = parts.size() == 2 && parts[1] == "ok";
    const bool error = parts.size() >= 2 && parts[1] == "error";
    if (parts[0].empty() || (!ok && !error)) continue;
    v1::CommandAck ack;
    ack.set_id(parts[0]);
    ack.set_ok(ok);
    if (parts.size() == 3) ack.set_error(parts[2]);
    journal.Remember(ack);
    ++lines;
  }
  journal.appended_ = lines;
  if (whole != content.size() || lines > kRemembered) {
    if (absl::Status s = journal.Rewrite(); !s.ok()) return s;
  }
  std::ofstream touch(journal.path_, std::ios::app);
  if (!touch) return absl::PermissionDeniedError(absl::StrCat("cannot write ", journal.path_));
  return journal;
}

const v1::CommandAck* CommandJournal::Find(const std::string& id) const {
  auto it = acks_.find(id);
  return it == acks_.end() ? nullptr : &it->second;
}

void CommandJournal::Remember(const v1::CommandAck& ack) {
  if (!acks_.emplace(ack.id(), ack).second) return;
  order_.push_back(ack.id());
  if (order_.size() > kRemembered) {
    acks_.erase(order_.front());
    order_.pop_front();
  }
}

namespace {
std::string JournalLine(const v1::CommandAck& ack) {
  std::string error = ack.error();
  std::replace(error.begin(), error.end(), '\n', ' ');
  return ack.ok() ? absl::StrCat(ack.id(), "\tok\n") : absl::StrCat(ack.id(), "\terror\t", error, "\n");
}
}  // namespace

absl::Status CommandJournal::Record(const v1::CommandAck& ack) {
  pending_.push_back(ack);
  if (acks_.contains(ack.id())) return absl::OkStatus();  // a re-ack; already journaled
  Remember(ack);
  if (path_.empty()) return absl::OkStatus();
  if (++appended_ > kRemembered) return Rewrite();
  std::ofstream out(path_, std::ios::app);
  out << JournalLine(ack);
  out.flush();
  if (!out) return absl::InternalError(absl::StrCat("cannot append to ", path_));
  return absl::OkStatus();
}

absl::Status CommandJournal::Rewrite() {
  appended_ = 0;
  const std::string tmp = path_ + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    for (const auto& id : order_) out << JournalLine(acks_.at(id));
    out.flush();
    if (!out) return absl::InternalError(absl::StrCat("cannot write ", tmp));
  }
  if (std::rename(tmp.c_str(), path_.c_str()) != 0) {
    return absl::InternalError(absl::StrCat("cannot replace ", path_));
  }
  return absl::OkStatus();
}

void CommandJournal::ConfirmDelivered(size_t count) {
  if (count >= pending_.size()) {
    pending_.clear();
  } else {
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<long>(count));
  }
}

}  // namespace zfleet::agent
