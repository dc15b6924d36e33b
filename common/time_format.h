#ifndef ZFLEET_COMMON_TIME_FORMAT_H_
#define ZFLEET_COMMON_TIME_FORMAT_H_

#include <cstdint>
#include <string>

namespace zfleet {

// Unix seconds → "2026-11-21T09:48:23Z".
std::string FormatRfc3339(int64_t unix_seconds);

}  // namespace zfleet

#endif  // ZFLEET_COMMON_TIME_FORMAT_H_
