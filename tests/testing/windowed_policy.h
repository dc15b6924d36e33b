// A realistic scheduling policy that the config test, the simulator test and the benchmarks
// all run: SATA weekly in weekend and weekday-night windows, SAS monthly at any hour, one
// scrub per host, paused at the end of a window.
#ifndef ZFLEET_TESTS_TESTING_WINDOWED_POLICY_H_
#define ZFLEET_TESTS_TESTING_WINDOWED_POLICY_H_

#include <string>

#include "absl/strings/str_format.h"

namespace zfleet::testing {

// The policy's [classes] sections.
inline constexpr char kWindowedClassesToml[] = R"([classes.sata]
interval = "7d"
windows = ["Sat 00:00-Mon 06:00", "Mon-Fri 01:00-05:00"]
[classes.sas]
interval = "30d"
windows = ["Mon-Sun 00:00-24:00"]
)";

// The policy sized for a fleet: at most `max_concurrent` scrubs at once and
// `max_per_rack` per rack label, a 30s tick, and kWindowedClassesToml.
inline std::string WindowedPolicyToml(int max_concurrent, int max_per_rack) {
  return absl::StrFormat(R"([scheduler]
tick = "30s"
max_concurrent = %d
max_per_host = 1
max_per_label = { rack = %d }
at_window_end = "pause"
%s)",
                         max_concurrent, max_per_rack, kWindowedClassesToml);
}

}  // namespace zfleet::testing

#endif  // ZFLEET_TESTS_TESTING_WINDOWED_POLICY_H_
