#!/bin/bash
# ingest_bench works end to end, in a few seconds: a handful of hosts for 1 s against the
# controller and the echo, both blocks printed, no call failed. Checks no timing.
# Usage: ingest_bench_smoke.sh BUILD_DIR
set -u
bench="$1/tests/bench/ingest_bench"
fail() { echo "FAIL: $*"; echo "$out"; exit 1; }

out=$("$bench" --bogus 2>&1)
[ $? -eq 2 ] || fail "a bad flag must exit 2"
[ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] || fail "a bad flag must say one line"

out=$(timeout 60 "$bench" --hosts=8 --streams=2 --seconds=1 --pools=2 --disks=6 2>&1)
rc=$?
[ $rc -eq 0 ] || fail "ingest_bench exited $rc"
for target in controller echo; do
  grep -Eq "^$target: +first report of each host: 8 in .*, failures 0$" <<<"$out" ||
    fail "$target: every host's first report"
  grep -Eq "^$target: +[1-9][0-9]* reports/s  p50 [0-9.]+ ms  p99 [0-9.]+ ms  failures 0  .*cpu [0-9.]+ cores  rss [0-9]+ MB" <<<"$out" ||
    fail "$target: the figures, without failures"
done
grep -Eq "^controller/echo: [0-9.]+ " <<<"$out" || fail "the ratio"
echo "$out"
echo PASS
