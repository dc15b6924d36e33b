#include "common/log.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "spdlog/pattern_formatter.h"

namespace zfleet {
namespace {

// "<N>", the syslog priority of the message's level, for the journal.
class SyslogPriorityFlag : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    const char* prefix = "<6>";  // info
    switch (msg.level) {
      case spdlog::level::trace:
      case spdlog::level::debug: prefix = "<7>"; break;
      case spdlog::level::warn: prefix = "<4>"; break;
      case spdlog::level::err: prefix = "<3>"; break;
      case spdlog::level::critical: prefix = "<2>"; break;
      default: break;
    }
    dest.append(prefix, prefix + 3);
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<SyslogPriorityFlag>();
  }
};

// Whether stderr is the stream JOURNAL_STREAM names ("DEVICE:INODE"): a child whose stderr
// was redirected elsewhere inherits the variable but must keep the usual format.
bool StderrIs(const char* journal_stream) {
  std::pair<std::string, std::string> parts = absl::StrSplit(journal_stream, ':');
  uint64_t device = 0;
  uint64_t inode = 0;
  if (!absl::SimpleAtoi(parts.first, &device) || !absl::SimpleAtoi(parts.second, &inode)) {
    return false;
  }
  struct stat st {};
  if (fstat(STDERR_FILENO, &st) != 0) return false;
  return static_cast<uint64_t>(st.st_dev) == device && static_cast<uint64_t>(st.st_ino) == inode;
}

}  // namespace

void InitLogging(const char* name) {
  auto logger = spdlog::stderr_logger_mt(name);
  const char* journal = std::getenv("JOURNAL_STREAM");
  const bool to_journal = journal != nullptr && journal[0] != '\0' && StderrIs(journal);
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<SyslogPriorityFlag>('*').set_pattern(
      to_journal ? "%*%v" : "[%Y-%m-%d %H:%M:%S.%e] [%n] [%l] %v");
  logger->set_formatter(std::move(formatter));
  spdlog::set_default_logger(std::move(logger));
}

}  // namespace zfleet
