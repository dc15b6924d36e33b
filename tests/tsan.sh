#!/usr/bin/env bash
# Builds the agent and controller tests under ThreadSanitizer, in a build dir of their own,
# and runs them; a data race (or any other TSan report) fails the run.
#
#   tests/tsan.sh [BUILD_DIR [build|test]]   (default: build-tsan at the repository root;
#                                            both steps, or only the build or the runs)
#   ZFLEET_TSAN_JOBS=N             parallel build jobs (default: nproc)
#
# Only the test binaries of code that runs threads are built: the agent (its loop, the
# collector's thread, the autonomy handoff, the command runner), the controller's services
# with the periodic tick and the gRPC and /metrics servers, the Alertmanager and webhook
# senders' threads (alone and inside the ticking controller), the gRPC status glue, common's
# threads (periodic runner, heartbeat, watchdog pinger, shutdown signals), and agent and
# controller in one process over real gRPC. The pure libraries (parsers, scheduler, store,
# events) and the controller's single-threaded services (controller_test) start no thread.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=${1:-$root/build-tsan}
step=${2:-all}
jobs=${ZFLEET_TSAN_JOBS:-$(nproc)}

# binary:folder under BUILD_DIR/tests
tests=(
  agent_test:agent
  agent_host_test:agent/host
  controller_service_test:controller/service
  controller_alerts_test:controller/alerts
  common_grpc_test:common/grpc
  common_test:common
  agent_controller_itest:integration
)

launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
# -O0: it compiles faster than -O1, which matters more here than the tests' speed
# (a minute and a half under TSan); reports keep every frame.
[ "$step" = test ] || cmake -S "$root" -B "$build" "${generator[@]}" "${launcher[@]}" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CXX_FLAGS_RELEASE="-O0 -DNDEBUG" -DZFLEET_SANITIZE=thread >/dev/null
if [ "$step" != test ]; then
  cmake --build "$build" -j "$jobs" --target "${tests[@]%%:*}"
fi
[ "$step" != build ] || exit 0

# halt_on_error: the first report fails the binary (exit 66), so no race scrolls by unseen.
export TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1 suppressions=$here/tsan.supp"
failed=()
for entry in "${tests[@]}"; do
  name=${entry%%:*}
  echo "tsan: $name" >&2
  if ! "$build/tests/${entry#*:}/$name" --gtest_brief=1; then
    failed+=("$name")
  fi
done
[ ${#failed[@]} -eq 0 ] || echo "tsan: failed under ThreadSanitizer: ${failed[*]}" >&2
# The closing line counts test binaries, in the form CI reads.
echo "tsan: $((${#tests[@]} - ${#failed[@]})) passed, ${#failed[@]} failed"
[ ${#failed[@]} -eq 0 ]
