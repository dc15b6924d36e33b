#!/usr/bin/env bash
# Installs what is missing, builds (Release, with tests) and runs every test with ctest; then
# the agent and controller tests under ThreadSanitizer (tests/tsan.sh, in build-tsan/: about
# 7 minutes on 2 cores, bounded at 15; ZFLEET_TSAN=0 skips it).
# Under CI (env CI set) the end-to-end tests on zfs-fuse fail rather than skip when real ZFS
# cannot run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="${ZFLEET_BUILD_DIR:-$root/build-release}"
bash "$root/deploy/install-deps.sh"
ZFLEET_BUILD_DIR="$build" bash "$root/deploy/build.sh"
ctest --test-dir "$build" --output-on-failure -j "$(nproc)" --timeout 600
if [ "${ZFLEET_TSAN:-1}" != 0 ]; then
  timeout 900 bash "$root/tests/tsan.sh" "${ZFLEET_TSAN_BUILD_DIR:-$root/build-tsan}"
fi
