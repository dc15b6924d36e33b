#ifndef ZFLEET_CLI_RENDER_RENDER_OPTIONS_H_
#define ZFLEET_CLI_RENDER_RENDER_OPTIONS_H_

#include "absl/time/time.h"

namespace zfleet::cli {

// What the renderers need from the world, decided once by the caller so that
// rendering stays pure: whether stdout takes colour, and the time ages are relative to.
struct RenderOptions {
  bool color = false;
  absl::Time now = absl::UnixEpoch();
};

}  // namespace zfleet::cli

#endif  // ZFLEET_CLI_RENDER_RENDER_OPTIONS_H_
