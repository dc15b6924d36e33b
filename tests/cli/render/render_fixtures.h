// What the renderer tests share besides the fleet itself: the terminals they render
// for, both at fixtures::kNow.
#ifndef ZFLEET_TESTS_CLI_RENDER_RENDER_FIXTURES_H_
#define ZFLEET_TESTS_CLI_RENDER_RENDER_FIXTURES_H_

#include "cli/render/render_options.h"
#include "tests/cli/fleet_fixtures.h"

namespace zfleet::cli::fixtures {

// A pipe or a file: no colour.
inline const RenderOptions kPlain{.color = false, .now = Now()};
// A terminal that takes colour.
inline const RenderOptions kColor{.color = true, .now = Now()};

}  // namespace zfleet::cli::fixtures

#endif  // ZFLEET_TESTS_CLI_RENDER_RENDER_FIXTURES_H_
