#ifndef ZFLEET_CLI_RENDER_RENDER_OPTIONS_H_
#define ZFLEET_CLI_RENDER_RENDER_OPTIONS_H_

#include <cstddef>

#include "absl/time/time.h"

namespace zfleet::cli {

// What the renderers need from the world, decided once by the caller so that
// rendering stays pure: whether stdout takes colour, how wide its lines may be, and the
// time ages are relative to.
struct RenderOptions {
  bool color = false;
  size_t width = 0;  // the terminal's columns; 0 = no limit (not a terminal, or --wide)
  absl::Time now = absl::UnixEpoch();
};

}  // namespace zfleet::cli

#endif  // ZFLEET_CLI_RENDER_RENDER_OPTIONS_H_
