#!/usr/bin/env bash
# Installs what is missing, builds (Release, with tests) and runs every test with ctest.
# Under CI (env CI set) the end-to-end tests on zfs-fuse fail rather than skip when real ZFS
# cannot run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="${ZFLEET_BUILD_DIR:-$root/build-release}"
bash "$root/deploy/install-deps.sh"
ZFLEET_BUILD_DIR="$build" bash "$root/deploy/build.sh"
ctest --test-dir "$build" --output-on-failure -j "$(nproc)" --timeout 600
