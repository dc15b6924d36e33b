#!/usr/bin/env bash
# zfleet demo on real ZFS: installs what is missing, builds, makes two small file-backed
# pools (a mirror and a single-disk pool), silently corrupts them, makes a throw-away PKI,
# runs zfleet-controller and one zfleet-agent over mutual TLS, scrubs both pools through
# `zfleet scrub` and shows what on-call sees.
#
#   deploy/demo.sh          run the demo and remove everything it started
#   deploy/demo.sh --keep   leave controller, agent and pools running
#   deploy/demo.sh --stop   remove what a --keep run left
#
# On a host that already runs ZFS (kernel module or zfs-fuse) it uses that, with its own
# file-backed pools named zfleet-demo-*, and touches nothing else.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
state="${ZFLEET_DEMO_DIR:-/var/tmp/zfleet-demo}"
bin="${ZFLEET_BUILD_DIR:-$root/build-release}"
mirror=zfleet-demo-mirror
single=zfleet-demo-single
host=demo-host
keep=0

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
die() { echo "demo: $*" >&2; exit 1; }

case "${1:-}" in
  "") ;;
  --keep) keep=1 ;;
  --stop) ;;
  -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
  *) die "unknown argument $1 (use --keep, --stop or --help)" ;;
esac

stop_pidfile() {
  local f=$1
  [ -f "$f" ] || return 0
  local pid
  pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$f"
}

# Removes everything a previous or the current run started, and only that.
cleanup() {
  stop_pidfile "$state/agent.pid"
  stop_pidfile "$state/controller.pid"
  if command -v zpool >/dev/null && zpool list -H >/dev/null 2>&1; then
    for p in $mirror $single; do
      zpool list -H "$p" >/dev/null 2>&1 && zpool destroy -f "$p" 2>/dev/null || true
    done
  fi
  stop_pidfile "$state/zfs-fuse.pid"
  rm -rf "$state"
}

if [ "${1:-}" = "--stop" ]; then
  cleanup
  echo "demo: stopped and removed"
  exit 0
fi

say "Installing what is missing (Debian packages)"
bash "$root/deploy/install-deps.sh"

say "Building (Release)"
ZFLEET_BUILD_DIR="$bin" bash "$root/deploy/build.sh" --target zfleet zfleet-agent zfleet-controller
zfleet="$bin/cli/zfleet"

# A previous --keep run (or an interrupted one) is cleared first, so the demo reruns.
cleanup
mkdir -p "$state"
[ $keep = 1 ] || trap 'cleanup' EXIT

say "Real ZFS"
if zpool list -H >/dev/null 2>&1; then
  echo "ZFS is already running here; using it with our own pools only"
else
  [ -e /dev/fuse ] || die "/dev/fuse is missing: zfs-fuse cannot run here"
  zfs-fuse --pidfile "$state/zfs-fuse.pid" --no-kstat-mount
  for _ in $(seq 100); do zpool list -H >/dev/null 2>&1 && break; sleep 0.1; done
  zpool list -H >/dev/null 2>&1 || die "zfs-fuse did not come up"
  echo "started zfs-fuse (pid $(cat "$state/zfs-fuse.pid"))"
fi

say "Two file-backed pools, with data, then silent corruption"
for f in m1 m2 s1; do truncate -s 128M "$state/$f"; done
zpool create -f -m "$state/mnt-mirror" $mirror mirror "$state/m1" "$state/m2"
zpool create -f -m "$state/mnt-single" $single "$state/s1"
for i in $(seq 1 20); do
  head -c 1M /dev/urandom >"$state/mnt-mirror/file$i"
  head -c 1M /dev/urandom >"$state/mnt-single/file$i"
done
zpool export $mirror
zpool export $single
# Past the front labels (4 MiB), into the data: one side of the mirror, part of the single.
dd if=/dev/urandom of="$state/m1" bs=1M seek=4 count=60 conv=notrunc status=none
dd if=/dev/urandom of="$state/s1" bs=1M seek=4 count=30 conv=notrunc status=none
zpool import -d "$state" $mirror
zpool import -d "$state" $single 2>/dev/null || true  # its root dataset may not mount
zpool list -H $single >/dev/null || die "the single-disk pool did not import"
zpool list $mirror $single

say "A throw-away PKI: CA, controller, agent and an on-call admin certificate"
ctl="$bin/controller/zfleet-controller"
pki="$state/pki"
"$ctl" pki init --dir "$pki" >/dev/null
"$ctl" pki issue --dir "$pki" --agent $host >/dev/null
"$ctl" pki issue --dir "$pki" --user oncall --role admin >/dev/null
find "$pki" -type f -printf '  %m  %p\n' | sort -k2

say "zfleet-controller and zfleet-agent, over mutual TLS"
port=7400
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
address="127.0.0.1:$port"
printf '[agents]\nreport_interval = "2s"\n[scheduler]\ntick = "1s"\n' >"$state/controller.toml"
printf '[agent]\npoll_interval = "1s"\n[classes]\npools = { "zfleet-demo-*" = "sata" }\n' >"$state/agent.toml"
"$ctl" --listen "$address" --db "$state/zfleet.db" --config "$state/controller.toml" \
  --tls-ca "$pki/ca.crt" --tls-cert "$pki/controller.crt" --tls-key "$pki/controller.key" \
  >>"$state/controller.log" 2>&1 &
echo $! >"$state/controller.pid"
"$bin/agent/zfleet-agent" --controller "$address" --host-id $host --config "$state/agent.toml" \
  --state-dir "$state/agent" --tls-ca "$pki/ca.crt" --tls-cert "$pki/agents/$host.crt" \
  --tls-key "$pki/agents/$host.key" >>"$state/agent.log" 2>&1 &
echo $! >"$state/agent.pid"
export ZFLEET_CONTROLLER="$address"
export ZFLEET_TLS_CA="$pki/ca.crt" ZFLEET_TLS_CERT="$pki/users/oncall.crt"
export ZFLEET_TLS_KEY="$pki/users/oncall.key"
echo "controller on $address (db $state/zfleet.db), agent as $host"
for _ in $(seq 50); do "$zfleet" whoami >/dev/null 2>&1 && break; sleep 0.2; done
say "zfleet whoami"
"$zfleet" whoami

wait_for() {  # wait_for SECONDS JQ-FILTER zfleet-args…
  local secs=$1 filter=$2
  shift 2
  for _ in $(seq $((secs * 5))); do
    if "$zfleet" --json "$@" 2>/dev/null | jq -e "$filter" >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  echo "demo: timed out waiting for: zfleet $* | $filter" >&2
  tail -n 5 "$state/controller.log" "$state/agent.log" >&2
  return 1
}

wait_for 30 "[.pools[] | select(.host == \"$host\") | .pool] | (index(\"$mirror\") != null and index(\"$single\") != null)" pools
echo "first report received"

say "zfleet scrub $host/$mirror and $host/$single"
"$zfleet" scrub "$host/$mirror"
"$zfleet" scrub "$host/$single"
for p in $mirror $single; do
  wait_for 120 '.scrub_runs[0] | .trigger == "manual" and .state == "finished"' pool "$host/$p"
done

say "zfleet status"
"$zfleet" status || true
say "zfleet schedule"
"$zfleet" schedule || true
say "zfleet triage"
"$zfleet" triage || true
say "zfleet pool $host/$mirror"
"$zfleet" pool "$host/$mirror"
say "zfleet pool $host/$single"
"$zfleet" pool "$host/$single"

if [ $keep = 1 ]; then
  say "Left running (--keep)"
  echo "try:  ZFLEET_CONTROLLER=$address ZFLEET_TLS_CA=$pki/ca.crt \\"
  echo "        ZFLEET_TLS_CERT=$pki/users/oncall.crt ZFLEET_TLS_KEY=$pki/users/oncall.key \\"
  echo "        $zfleet status -x"
  echo "stop: $root/deploy/demo.sh --stop"
else
  say "Cleaning up"
fi
