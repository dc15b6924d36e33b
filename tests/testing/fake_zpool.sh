#!/usr/bin/env bash
# A stand-in for `zpool` that prints recorded output, for tests that need a scrub in
# progress, many hosts, or another zpool generation. Its state lives beside it: tests copy
# this script as DIR/zpool and write DIR/list.txt, DIR/status.txt and optionally
# DIR/usage.txt (usage text printed for `CMD -?`, default: legacy zfs-fuse's) and
# DIR/on_scrub.txt (becomes status.txt when a scrub starts). `status` with -j prints
# DIR/status.json, or fails as a zpool without -j does when there is none. Every call is
# appended to DIR/calls.log. DIR/fail.txt, if present, makes every call fail with its content.
# DIR/hang.txt, if present, makes list and status hang until it is removed (at most 5 min),
# as zpool does when the ZFS daemon is stuck.
# DIR/scrub_hold, if present when a scrub starts, holds that call (its pid, the leader of its
# process group, in DIR/scrub.pid) until the file is removed, for at most the seconds the
# file holds (default 60): a `zpool scrub` the test can interrupt or let finish.
set -u
dir=$(cd "$(dirname "$0")" && pwd)
echo "$*" >>"$dir/calls.log"
if [ -f "$dir/fail.txt" ]; then
  cat "$dir/fail.txt" >&2
  exit 1
fi
if [ -f "$dir/hang.txt" ] && [ "${2:-}" != "-?" ]; then
  case "${1:-}" in
    list|status) for _ in $(seq 3000); do [ -f "$dir/hang.txt" ] || break; sleep 0.1; done ;;
  esac
fi
case "${1:-}" in
  list|status|scrub)
    if [ "${2:-}" = "-?" ]; then
      if [ -f "$dir/usage.txt" ]; then cat "$dir/usage.txt"; else
        printf 'usage:\n\tlist [-H] [-o property[,...]] [pool] ...\n\tstatus [-vx] [pool] ...\n\tscrub [-s] <pool> ...\n'
      fi
      exit 2
    fi
    ;;
esac
case "${1:-}" in
  list) cat "$dir/list.txt" ;;
  status)
    case " $* " in
      *" -j "*)
        if [ ! -f "$dir/status.json" ]; then
          echo "invalid option 'j'" >&2
          exit 2
        fi
        cat "$dir/status.json"
        ;;
      *) cat "$dir/status.txt" ;;
    esac
    ;;
  scrub)
    shift
    stop=0
    [ "${1:-}" = "-s" ] && { stop=1; shift; }
    pool="${1:-}"
    if ! cut -f1 "$dir/list.txt" | grep -qx -- "$pool"; then
      echo "cannot open '$pool': no such pool" >&2
      exit 1
    fi
    if [ $stop = 0 ] && [ -f "$dir/scrub_hold" ]; then
      echo $$ >"$dir/scrub.pid"
      limit=$(cat "$dir/scrub_hold")
      for _ in $(seq $(( ${limit:-60} * 10 ))); do
        [ -f "$dir/scrub_hold" ] || break
        sleep 0.1
      done
      rm -f "$dir/scrub.pid"
    fi
    if [ $stop = 0 ] && [ -f "$dir/on_scrub.txt" ]; then cp "$dir/on_scrub.txt" "$dir/status.txt"; fi
    ;;
  *)
    echo "unrecognized command '${1:-}'" >&2
    exit 2
    ;;
esac
