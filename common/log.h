// Logging for zfleet binaries: spdlog to stderr, plus formatting of absl::string_view
// (Debian's absl has its own string_view type that fmt does not know).
#ifndef ZFLEET_COMMON_LOG_H_
#define ZFLEET_COMMON_LOG_H_

#include <string_view>

#include "absl/strings/string_view.h"
#include "spdlog/sinks/stdout_sinks.h"
#include "spdlog/spdlog.h"

template <>
struct fmt::formatter<absl::string_view> : fmt::formatter<std::string_view> {
  template <typename Context>
  auto format(absl::string_view s, Context& ctx) const {
    return fmt::formatter<std::string_view>::format(std::string_view(s.data(), s.size()), ctx);
  }
};

namespace zfleet {

// Sends the default logger to stderr under `name`. Call once at the start of main. Under
// systemd, when stderr is the journal (JOURNAL_STREAM names it), a line starts with its
// syslog priority ("<4>", sd-daemon(3)) instead of a time and name: the journal stamps those
// itself and keeps the priority, so `journalctl -p warning -u zfleet-agent` works.
void InitLogging(const char* name);

}  // namespace zfleet

#endif  // ZFLEET_COMMON_LOG_H_
