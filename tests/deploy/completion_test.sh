#!/usr/bin/env bash
# `zfleet completion bash|zsh`: the scripts parse, and completing in bash and in zsh (through
# bashcompinit) offers the commands, a command's flags and the words of a value, as the
# packages install them. A fake zfleet on PATH answers `pools` and `hosts` for HOST/POOL.
# zsh comes from Debian's zsh package (deploy/install-deps.sh); without it only bash is
# checked (and under CI that is a failure).
set -euo pipefail
build=$1
zfleet="$build/cli/zfleet"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "completion_test: $*" >&2; exit 1; }

"$zfleet" completion bash >"$tmp/zfleet.bash"
"$zfleet" completion zsh >"$tmp/_zfleet"
bash -n "$tmp/zfleet.bash" || fail "the bash script does not parse"
if "$zfleet" completion fish 2>"$tmp/err"; then fail "completion fish was accepted"; fi
grep -q 'want bash or zsh, not "fish"' "$tmp/err" || fail "completion fish: $(cat "$tmp/err")"

# The controller as the completion asks it: `zfleet [conn flags] pools|hosts`.
mkdir "$tmp/bin"
cat >"$tmp/bin/zfleet" <<'FAKE'
#!/bin/sh
for last; do :; done
case $last in
  pools) printf 'HOST  POOL  STATE\nst-01 tank ONLINE\nst-02 backup ONLINE\n' ;;
  hosts) printf 'HOST  REPORTING\nst-01 yes\nst-02 yes\n' ;;
esac
FAKE
chmod +x "$tmp/bin/zfleet"

# complete SHELL WORDS…: what _zfleet offers for the last word, sorted, one line. zsh's
# bashcompinit leaves matching the typed prefix to zsh's compadd: the test does it here.
complete_in() {
  local shell=$1
  shift
  local words="" w
  for w in "$@"; do words+=" '$w'"; done
  if [ "$shell" = bash ]; then
    PATH="$tmp/bin:$PATH" bash -c "source '$tmp/zfleet.bash'; COMP_WORDS=($words);
      COMP_CWORD=\$((\${#COMP_WORDS[@]} - 1)); _zfleet; printf '%s\n' \"\${COMPREPLY[@]}\"" |
      sort | tr '\n' ' '
  else
    PATH="$tmp/bin:$PATH" zsh -fc "autoload -U compinit && compinit -u -d '$tmp/zcompdump';
      source '$tmp/_zfleet'; COMP_WORDS=($words); COMP_CWORD=\$((\${#COMP_WORDS} - 1));
      _zfleet; print -l -- \${(M)COMPREPLY:#\${COMP_WORDS[-1]}*}" | sort | tr '\n' ' '
  fi
}

expect() {  # expect SHELL "WANTED" WORDS…
  local shell=$1 want=$2 got
  shift 2
  got=$(complete_in "$shell" "$@")
  [ "$got" = "$want" ] || fail "$shell: zfleet $*<TAB> offered '$got', wanted '$want'"
}

shells=(bash)
if command -v zsh >/dev/null; then
  zsh -n "$tmp/_zfleet" || fail "the zsh script does not parse"
  shells+=(zsh)
elif [ -n "${CI:-}" ]; then
  fail "zsh is missing (Debian package zsh)"
fi

for sh in "${shells[@]}"; do
  expect "$sh" "schedule scrub " zfleet sc
  expect "$sh" "--wait " zfleet scrub --wa
  expect "$sh" "st-01/tank st-02/backup " zfleet --controller 10.0.0.1:7400 scrub ""
  expect "$sh" "st-01 st-02 " zfleet events --since 1h --host ""
  expect "$sh" "critical " zfleet events --severity cr
  expect "$sh" "status triage " zfleet watch ""
  expect "$sh" "--json " zfleet --js
done
echo "completion_test: ${shells[*]} complete commands, flags, pools, hosts and words"
