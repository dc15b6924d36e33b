#!/usr/bin/env bash
# Installs what is missing, builds (Release, with tests) and runs every test with ctest; then
# the agent and controller tests under ThreadSanitizer (tests/tsan.sh, in build-tsan/).
# The ThreadSanitizer build runs at the lowest CPU priority while ctest runs (most of ctest's
# time is spent waiting on daemons and zfs-fuse), so it costs little wall time; its test
# runs come after. ZFLEET_TSAN=0 skips it.
# Under CI (env CI set) the end-to-end tests on zfs-fuse fail rather than skip when real ZFS
# cannot run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="${ZFLEET_BUILD_DIR:-$root/build-release}"
tsan_build="${ZFLEET_TSAN_BUILD_DIR:-$root/build-tsan}"
bash "$root/deploy/install-deps.sh"
ZFLEET_BUILD_DIR="$build" bash "$root/deploy/build.sh"

tsan_pid=""
if [ "${ZFLEET_TSAN:-1}" != 0 ]; then
  mkdir -p "$tsan_build"
  # A session of its own, so the whole build (cmake, ninja, compilers) can be stopped at once.
  setsid nice -n 19 timeout 1200 bash "$root/tests/tsan.sh" "$tsan_build" build \
    >"$tsan_build/build.log" 2>&1 &
  tsan_pid=$!
  # Never leave the build behind when ctest fails or the run is interrupted.
  trap '[ -z "$tsan_pid" ] || kill -- "-$tsan_pid" 2>/dev/null || true' EXIT
fi

ctest --test-dir "$build" --output-on-failure -j "$(nproc)" --timeout 600

if [ -n "$tsan_pid" ]; then
  if ! wait "$tsan_pid"; then
    tsan_pid=""
    tail -n 50 "$tsan_build/build.log" >&2
    echo "tests/run.sh: the ThreadSanitizer build failed (log: $tsan_build/build.log)" >&2
    exit 1
  fi
  tsan_pid=""
  timeout 600 bash "$root/tests/tsan.sh" "$tsan_build" test
fi
