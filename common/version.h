// zfleet's version, from CMakeLists.txt's project(… VERSION …): what every binary prints for
// --version and what the agent reports.
#ifndef ZFLEET_COMMON_VERSION_H_
#define ZFLEET_COMMON_VERSION_H_

namespace zfleet {

inline constexpr char kVersion[] = ZFLEET_VERSION;

}  // namespace zfleet

#endif  // ZFLEET_COMMON_VERSION_H_
