#!/usr/bin/env bash
# Builds the libFuzzer target for the zpool text and JSON parsers with Debian's clang
# (clang-14, libclang-rt-14-dev; deploy/install-deps.sh installs them) in its own build
# dir, seeds it from tests/testdata and runs it for a bounded time.
#
#   tests/fuzz/run_fuzz.sh [BUILD_DIR]      (default: build-fuzz at the repository root)
#   ZFLEET_FUZZ_SECONDS=60                  how long to fuzz
#
# Exits 0 when the run ends without a finding; non-zero on any crash, leak, sanitizer
# report or build failure. Findings are saved as BUILD_DIR/artifacts/crash-* (or leak-*,
# timeout-*, oom-*); reproduce one with BUILD_DIR/zpool_parsers_fuzz FILE. The corpus in
# BUILD_DIR/corpus grows from run to run.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build-fuzz}
seconds=${ZFLEET_FUZZ_SECONDS:-60}
cxx=${ZFLEET_FUZZ_CXX:-clang++-14}

if ! command -v "$cxx" >/dev/null; then
  echo "run_fuzz: $cxx not found; run deploy/install-deps.sh (clang-14, libclang-rt-14-dev)" >&2
  exit 1
fi
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)

mkdir -p "$build"
cmake -S "$here" -B "$build" "${generator[@]}" -DCMAKE_CXX_COMPILER="$cxx" \
  -DCMAKE_BUILD_TYPE=None >"$build/configure.log" 2>&1 || {
  cat "$build/configure.log" >&2
  exit 1
}
cmake --build "$build" -j "${ZFLEET_FUZZ_BUILD_JOBS:-2}" >"$build/build.log" 2>&1 || {
  tail -50 "$build/build.log" >&2
  exit 1
}

# Seeds: every recorded or hand-written zpool output.
seeds="$build/seeds"
rm -rf "$seeds"
mkdir -p "$seeds" "$build/corpus" "$build/artifacts"
for f in "$root"/tests/testdata/{legacy,openzfs08,openzfs2,openzfs23,fake_host}/*; do
  case "$f" in *.md) continue ;; esac
  cp "$f" "$seeds/$(basename "$(dirname "$f")")_$(basename "$f")"
done

# Words of both formats, so that mutations build lines the parsers know.
cat >"$build/zpool.dict" <<'DICT'
"  pool: "
" state: "
"status: "
"action: "
"   see: "
"  scan: "
" scrub: "
"config:"
"errors: "
"\x09NAME        STATE     READ WRITE CKSUM"
"scrub repaired "
"resilvered "
" in progress since "
" scanned at "
" issued at "
" total"
"% done"
" to go"
"Permanent errors have been detected in the following files:"
"No known data errors"
" data errors, use '-v' for a list"
"mirror-0"
"raidz2-1"
"replacing-1"
"spare-0"
"draid2:4d:12c:1s-0"
"logs"
"spares"
"AVAIL"
"INUSE"
"Sun Nov 15 00:24:01 2026"
"\"pools\""
"\"vdevs\""
"\"vdev_type\""
"\"root\""
"\"scan_stats\""
"\"rebuild_stats\""
"\"function\""
"\"SCRUB\""
"\"RESILVER\""
"\"SCANNING\""
"\"FINISHED\""
"\"scrub_pause\""
"\"to_examine\""
"\"skipped\""
"\"issued\""
"\"processed\""
"\"scan_processed\""
"\"not_present\""
"\"aux\""
"\"CANT_OPEN\""
"\"ERR_EXCEEDED\""
"\"spares\""
"\"l2cache\""
"\"errlist\""
"\"error_count\""
"\"output_version\""
DICT

echo "run_fuzz: fuzzing for ${seconds}s (build dir $build)" >&2
set +e
"$build/zpool_parsers_fuzz" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
  -rss_limit_mb=2048 -print_final_stats=1 -dict="$build/zpool.dict" \
  -artifact_prefix="$build/artifacts/" "$build/corpus" "$seeds" 2>"$build/fuzz.log"
status=$?
set -e
grep -E '^(stat::|Done|#[0-9]+ *DONE)' "$build/fuzz.log" >&2 || true
if [ $status -ne 0 ] || grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:' \
  "$build/fuzz.log"; then
  tail -60 "$build/fuzz.log" >&2
  echo "run_fuzz: FAILED (exit $status); artifacts in $build/artifacts" >&2
  exit 1
fi
echo "run_fuzz: no findings" >&2
