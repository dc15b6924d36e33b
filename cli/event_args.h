// The arguments of `zfleet events` and `zfleet ack`, checked before anything is sent.
// Pure: the caller passes the time --since counts back from.
#ifndef ZFLEET_CLI_EVENT_ARGS_H_
#define ZFLEET_CLI_EVENT_ARGS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace zfleet::cli {

inline constexpr absl::string_view kDefaultSince = "24h";

// `--since DURATION` ("24h", "7d", "1h30m"; common/duration.h) → now − DURATION.
// InvalidArgument "--since: bad duration …" for text ParseHumanDuration refuses, and
// "--since: must be longer than 0s" for a zero duration.
absl::StatusOr<absl::Time> ParseSince(absl::string_view text, absl::Time now);

// `--severity` → ListEventsRequest.min_severity: "" stays "" (all), "info", "warning"
// and "critical" (any case) come back lower-case. InvalidArgument naming the value
// otherwise.
absl::StatusOr<std::string> ParseSeverity(absl::string_view text);

// `zfleet ack [--events] ID…` → the ids in the order given, duplicates dropped.
// InvalidArgument when the list is empty or an id is not a positive decimal integer,
// naming incident ids (or event ids with `events`) and where to find them.
absl::StatusOr<std::vector<int64_t>> ParseAckIds(const std::vector<std::string>& args,
                                                 bool events);

}  // namespace zfleet::cli

#endif  // ZFLEET_CLI_EVENT_ARGS_H_
