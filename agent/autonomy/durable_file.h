// Small state files that survive a crash or power loss whole: written to a temporary file,
// fsynced, renamed over the old one and the directory fsynced, so a reader finds either the
// old content or the new, never a torn mix.
#ifndef ZFLEET_AGENT_AUTONOMY_DURABLE_FILE_H_
#define ZFLEET_AGENT_AUTONOMY_DURABLE_FILE_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace zfleet::agent {

// Replaces `path` with `content` durably (via `path`.tmp, mode 0600). Internal naming the
// file and the system's reason when any step fails; `path` then still holds its old content.
absl::Status WriteFileDurably(const std::string& path, absl::string_view content);

// The content of `path`; nullopt when it does not exist. Internal naming the file when it
// exists but cannot be read.
absl::StatusOr<std::optional<std::string>> ReadFileIfExists(const std::string& path);

}  // namespace zfleet::agent

#endif  // ZFLEET_AGENT_AUTONOMY_DURABLE_FILE_H_
