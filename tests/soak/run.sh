#!/usr/bin/env bash
# The soak: installs what is missing, builds, and runs an hour of faults (loss and delay,
# link outages, the controller frozen or killed, the agent killed, zpool hanging) against
# the real controller, agent and CLI, then prints the tallies. Not part of CI.
#
#   tests/soak/run.sh [MINUTES]     (default 60; needs root for its network namespaces)
#
# Exits non-zero when a scrub ran twice or never, or a change was lost.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build="${ZFLEET_BUILD_DIR:-$root/build-release}"
bash "$root/deploy/install-deps.sh"
ZFLEET_BUILD_DIR="$build" bash "$root/deploy/build.sh" --target zfleet_soak
ZFLEET_SOAK_MINUTES="${1:-60}" exec "$build/tests/soak/zfleet_soak" --gtest_brief=1
