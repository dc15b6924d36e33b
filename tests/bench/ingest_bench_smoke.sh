#!/bin/bash
# ingest_bench works end to end, in a few seconds, in each of its modes: a handful of hosts
# for 1-2 s against the controller (with `zfleet status` runs) and the echo, as fast as
# answered and paced, then the real agent for 3 s; every block printed, no call failed; and
# the RSS limit on a target. Checks no timing.
# Usage: ingest_bench_smoke.sh BUILD_DIR
set -u
bench="$1/tests/bench/ingest_bench"
fail() { echo "FAIL: $*"; echo "$out"; exit 1; }

for bad in --bogus --targets=controller,mars --interval=-1 --settle=5; do
  out=$("$bench" "$bad" 2>&1)
  [ $? -eq 2 ] || fail "$bad must exit 2"
  [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] || fail "$bad must say one line"
done

# As fast as answered, both targets.
out=$(timeout 60 "$bench" --hosts=8 --streams=2 --seconds=1 --pools=2 --disks=6 \
  --status-every=0.3 2>&1)
rc=$?
[ $rc -eq 0 ] || fail "ingest_bench exited $rc"
for target in controller echo; do
  grep -Eq "^$target: +first report of each host: 8 in .*, failures 0$" <<<"$out" ||
    fail "$target: every host's first report"
  grep -Eq "^$target: +second report of each host: 8 in .*, failures 0$" <<<"$out" ||
    fail "$target: every host's second report"
  grep -Eq "^$target: +[1-9][0-9]* reports/s  p50 [0-9.]+ ms  p99 [0-9.]+ ms  max [0-9]+ ms  failures 0  .*cpu [0-9.]+ cores  rss [0-9]+ MB .*loadgen cpu [0-9.]+ cores, rss [0-9]+ MB$" <<<"$out" ||
    fail "$target: the figures, without failures"
done
grep -Eq "^controller: +zfleet status: [1-9][0-9]* runs  p50 [0-9]+ ms  max [0-9]+ ms  failures 0$" <<<"$out" ||
  fail "zfleet status during the load"
grep -Eq "^echo: +zfleet status" <<<"$out" && fail "zfleet status runs against the controller only"
grep -Eq "^controller/echo: [0-9.]+ " <<<"$out" || fail "the ratio"
echo "$out"

# Paced (8 hosts, each every second, for 2 s: 16 reports due, after 1 s unmeasured), then
# the agent, controller only.
out=$(timeout 60 "$bench" --hosts=8 --streams=2 --seconds=2 --interval=1 --settle=1 --pools=2 \
  --disks=6 --status-every=0.5 --targets=controller,agent --agent-seconds=3 2>&1)
rc=$?
[ $rc -eq 0 ] || fail "paced ingest_bench exited $rc"
grep -Eq "^controller: +settling, paced for 1 s, unmeasured: 8 reports due, 0 failures$" <<<"$out" ||
  fail "paced: the settling"
grep -Eq "^controller: +paced, each host every 1 s: 16 reports due, 0 sent late, 0 slots missed; load generator behind by up to [0-9.]+ s \(0 reports over 1 s\)$" <<<"$out" ||
  fail "paced: the slots"
grep -Eq "^controller: +[1-9][0-9]* reports/s  p50 [0-9.]+ ms  p99 [0-9.]+ ms  max [0-9]+ ms  failures 0  " <<<"$out" ||
  fail "paced: the figures, without failures"
grep -Eq "^controller: +held 8 hosts at 1 s for 2 s: yes$" <<<"$out" || fail "paced: held"
grep -Eq "^controller: +zfleet status: [1-9][0-9]* runs  .* failures 0$" <<<"$out" ||
  fail "paced: zfleet status during the load"
grep -Eq "^agent: +[0-9]+ s, 2 pools x 6 disks: rss [0-9.]+ MB \(peak [0-9.]+ MB, median [0-9.]+ MB; at the end [0-9.]+ MB its own, [0-9.]+ MB of its binary and libraries\)  cpu [0-9.]+ s .* controller saw 2 pools, last report [0-9]+ s before the end$" <<<"$out" ||
  fail "the agent's figures, its pools seen by the controller"
grep -Eq "^echo:" <<<"$out" && fail "--targets without echo loads no echo"
echo "$out"

# A target past --max-target-rss-mb stops the load: the run says so and does not hold.
out=$(timeout 60 "$bench" --hosts=8 --streams=2 --seconds=2 --interval=1 --pools=2 --disks=6 \
  --status-every=0 --targets=controller --max-target-rss-mb=10 2>&1)
rc=$?
[ $rc -eq 0 ] || fail "ingest_bench with an RSS limit exited $rc"
grep -Eq "^controller: +load stopped (early|before measuring): its RSS passed [0-9]+ MB \(--max-target-rss-mb=10\)$" <<<"$out" ||
  fail "the RSS limit"
grep -Eq "^controller: +held 8 hosts at 1 s for 2 s: no " <<<"$out" || fail "stopped: not held"
echo "$out"
echo PASS
