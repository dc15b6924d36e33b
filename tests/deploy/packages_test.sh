#!/usr/bin/env bash
# The Debian packages as an administrator meets them, from this build (BUILD_DIR):
# deploy/package.sh makes them; their contents, control fields and conffiles are checked;
# lintian reports no error; both units pass `systemd-analyze verify` and their offline
# security exposure stays at or under 3.0 (controller) and 6.0 (agent). Then they are
# installed (user, directories and modes), every binary answers --help and --version, the
# controller runs as the unit runs it (as user zfleet, its database in /var/lib/zfleet,
# priority-prefixed lines for the journal) and an installed agent reports to it; an upgrade
# keeps a changed conffile and the database; remove keeps the state; purge removes the user,
# the state and the configuration.
# Needs root (dpkg); refuses to touch a machine where zfleet packages are installed.
# Usage: packages_test.sh BUILD_DIR
set -euo pipefail

build=$(cd "$1" && pwd)
root=$(cd "$(dirname "$0")/../.." && pwd)
packages=(zfleet zfleet-agent zfleet-controller)

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
step() { echo "--- $*"; }

if [ "$(id -u)" != 0 ]; then
  [ -z "${CI:-}" ] || fail "needs root under CI (dpkg -i)"
  echo "SKIP: needs root (dpkg -i)"
  exit 77
fi
for tool in lintian systemd-analyze ansible-playbook help2man setpriv; do
  command -v "$tool" >/dev/null || fail "$tool is missing (deploy/install-deps.sh installs it)"
done
for p in "${packages[@]}"; do
  if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed\|config-files'; then
    fail "package $p is installed on this machine; this test would replace and purge it"
  fi
done
if getent passwd zfleet >/dev/null; then
  fail "a user zfleet exists on this machine; this test would delete it on purge"
fi
for dir in /etc/zfleet /var/lib/zfleet /var/lib/zfleet-agent; do
  [ ! -e "$dir" ] || fail "$dir exists on this machine; this test would delete it"
done

tmp=$(mktemp -d)
pids=()
installed=0
cleanup() {
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  if [ "$installed" = 1 ]; then
    dpkg --purge "${packages[@]}" >/dev/null 2>&1 || true
    rm -rf /etc/zfleet /var/lib/zfleet /var/lib/zfleet-agent /var/cache/zfleet-agent.deb
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

# wait_for SECONDS COMMAND...: runs COMMAND every 0.2 s until it succeeds, at most SECONDS.
wait_for() {
  local tries=$(($1 * 5))
  shift
  for _ in $(seq "$tries"); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  return 1
}

version=$(sed -n 's/^project(zfleet VERSION \([0-9.]*\).*/\1/p' "$root/CMakeLists.txt")
arch=$(dpkg --print-architecture)

step "deploy/package.sh"
ZFLEET_PACKAGE_NO_BUILD=1 ZFLEET_BUILD_DIR="$build" bash "$root/deploy/package.sh" "$tmp/v1" \
  >"$tmp/package.log"
for p in "${packages[@]}"; do
  [ -f "$tmp/v1/${p}_${version}_${arch}.deb" ] || fail "no $tmp/v1/${p}_${version}_${arch}.deb"
done
[ "$(find "$tmp/v1" -name '*.deb' | wc -l)" = 3 ] || fail "package.sh made more than 3 files"
deb() { echo "$tmp/v1/$1_${version}_${arch}.deb"; }

step "contents and control fields"
expect_paths() {
  local pkg=$1 listing
  shift
  listing=$(dpkg-deb -c "$(deb "$pkg")" | awk '{print $1, $2, $6}')
  for entry in "$@"; do
    grep -qxF -- "$entry" <<<"$listing" || fail "$pkg: no \"$entry\" in: $listing"
  done
}
expect_paths zfleet-agent "-rwxr-xr-x root/root ./usr/bin/zfleet-agent" \
  "-rw-r--r-- root/root ./lib/systemd/system/zfleet-agent.service" \
  "-rw-r--r-- root/root ./etc/zfleet/agent.toml" \
  "-rw-r--r-- root/root ./etc/default/zfleet-agent" \
  "-rw-r--r-- root/root ./usr/share/man/man8/zfleet-agent.8.gz" \
  "-rw-r--r-- root/root ./usr/share/doc/zfleet-agent/copyright"
expect_paths zfleet-controller "-rwxr-xr-x root/root ./usr/bin/zfleet-controller" \
  "-rw-r--r-- root/root ./lib/systemd/system/zfleet-controller.service" \
  "-rw-r--r-- root/root ./etc/zfleet/controller.toml" \
  "-rw-r--r-- root/root ./etc/default/zfleet-controller" \
  "-rw-r--r-- root/root ./usr/share/man/man8/zfleet-controller.8.gz" \
  "-rw-r--r-- root/root ./usr/share/zfleet/prometheus/zfleet-alerts.yml"
expect_paths zfleet "-rwxr-xr-x root/root ./usr/bin/zfleet" \
  "-rw-r--r-- root/root ./usr/share/man/man1/zfleet.1.gz" \
  "-rw-r--r-- root/root ./usr/share/bash-completion/completions/zfleet" \
  "-rw-r--r-- root/root ./usr/share/zsh/vendor-completions/_zfleet"
if dpkg-deb -c "$(deb zfleet)" | grep -q 'systemd\|etc/'; then
  fail "the CLI package ships a unit or configuration"
fi
for p in "${packages[@]}"; do
  [ "$(dpkg-deb -f "$(deb "$p")" Package Version Architecture | tr '\n' ' ')" = \
    "Package: $p Version: $version Architecture: $arch " ] || fail "$p: bad control fields"
  depends=$(dpkg-deb -f "$(deb "$p")" Depends)
  for lib in libc6 libgrpc++ libprotobuf libstdc++6; do
    grep -q "$lib" <<<"$depends" || fail "$p: Depends lacks $lib: $depends"
  done
done
grep -q 'libsqlite3' <<<"$(dpkg-deb -f "$(deb zfleet-controller)" Depends)" ||
  fail "zfleet-controller: Depends lacks libsqlite3"
grep -q 'adduser' <<<"$(dpkg-deb -f "$(deb zfleet-controller)" Depends)" ||
  fail "zfleet-controller: Depends lacks adduser (its postinst creates the user)"
for pair in zfleet-agent:agent zfleet-controller:controller; do
  p=${pair%%:*}
  mkdir -p "$tmp/control/$p"
  dpkg-deb -e "$(deb "$p")" "$tmp/control/$p"
  [ "$(cat "$tmp/control/$p/conffiles")" = "$(printf '/etc/default/%s\n/etc/zfleet/%s.toml' \
    "$p" "${pair#*:}")" ] || fail "$p: conffiles are: $(cat "$tmp/control/$p/conffiles")"
done
for bin in zfleet-agent zfleet-controller zfleet; do
  p=$bin
  mkdir -p "$tmp/x/$p"
  dpkg-deb -x "$(deb "$p")" "$tmp/x/$p"
  file=$(find "$tmp/x/$p/usr/share/man" -name "$bin.*.gz")
  zcat "$file" | grep -qF -- '.SH OPTIONS' || fail "$bin's man page has no OPTIONS"
  zcat "$file" | grep -qF -- '\-\-help' || fail "$bin's man page does not describe --help"
done

step "lintian"
lintian --fail-on error \
  "$(deb zfleet-agent)" "$(deb zfleet-controller)" "$(deb zfleet)" >"$tmp/lintian.txt" 2>&1 ||
  { cat "$tmp/lintian.txt"; fail "lintian reports errors"; }
cat "$tmp/lintian.txt"
if grep -q '^E:' "$tmp/lintian.txt"; then fail "lintian reports errors"; fi

step "systemd-analyze security (offline)"
for pair in zfleet-controller:30 zfleet-agent:60; do
  p=${pair%%:*}
  unit="$tmp/x/$p/lib/systemd/system/$p.service"
  systemd-analyze security --offline=true --threshold="${pair#*:}" "$unit" >"$tmp/security.txt" ||
    { cat "$tmp/security.txt"; fail "$p.service is exposed over ${pair#*:}/10"; }
  grep 'Overall exposure' "$tmp/security.txt"
done

step "install"
installed=1
dpkg -i "$(deb zfleet-controller)" "$(deb zfleet-agent)" "$(deb zfleet)" >"$tmp/dpkg.log" 2>&1 ||
  { cat "$tmp/dpkg.log"; fail "dpkg -i failed"; }
IFS=: read -r _ _ uid _ _ home shell < <(getent passwd zfleet) || fail "no user zfleet"
[ "$uid" -lt 1000 ] || fail "zfleet is not a system user (uid $uid)"
[ "$home" = /var/lib/zfleet ] || fail "zfleet's home is $home"
[ "$shell" = /usr/sbin/nologin ] || fail "zfleet's shell is $shell"
[ "$(stat -c '%U:%G %a' /etc/zfleet/pki)" = "root:zfleet 2750" ] ||
  fail "/etc/zfleet/pki is $(stat -c '%U:%G %a' /etc/zfleet/pki)"
[ "$(stat -c '%U:%G %a' /var/lib/zfleet)" = "zfleet:zfleet 750" ] ||
  fail "/var/lib/zfleet is $(stat -c '%U:%G %a' /var/lib/zfleet)"
for bin in zfleet-agent zfleet-controller zfleet; do
  [ "$(command -v "$bin")" = "/usr/bin/$bin" ] || fail "$bin is not /usr/bin/$bin"
  "$bin" --help >"$tmp/help.txt" 2>&1 || fail "$bin --help failed"
  grep -q "Usage" "$tmp/help.txt" || fail "$bin --help prints no usage"
  [ "$("$bin" --version)" = "$bin $version" ] || fail "$bin --version: $("$bin" --version)"
done
systemd-analyze verify --man=no /lib/systemd/system/zfleet-controller.service \
  /lib/systemd/system/zfleet-agent.service >"$tmp/verify.txt" 2>&1 ||
  { cat "$tmp/verify.txt"; fail "systemd-analyze verify"; }
[ ! -s "$tmp/verify.txt" ] || { cat "$tmp/verify.txt"; fail "systemd-analyze verify warns"; }

# unit_command UNIT FLAGS: the installed unit's ExecStart with FLAGS where it names its
# /etc/default variable ($ZFLEET_AGENT_ARGS, $ZFLEET_CONTROLLER_ARGS).
unit_command() {
  local command
  command=$(sed -n 's/^ExecStart=//p' "/lib/systemd/system/$1.service")
  [ -n "$command" ] || fail "$1.service has no ExecStart"
  echo "${command//\$ZFLEET_*_ARGS/$2}"
}

# The controller as its unit starts it: the unit's ExecStart, as its User=, with the flags of
# /etc/default/zfleet-controller except the address (any free loopback port).
# start_controller LOG [FLAG...]: starts it, stderr to LOG as if LOG were the journal's
# stream; sets controller_pid and port.
start_controller() {
  local log=$1 exec
  shift
  exec=$(unit_command zfleet-controller "--listen 127.0.0.1:0 $*")
  : >"$log"
  chown zfleet "$log"
  # shellcheck disable=SC2086 # the unit's command line, split as systemd splits it
  JOURNAL_STREAM="$(stat -c '%d:%i' "$log")" \
    setpriv --reuid=zfleet --regid=zfleet --init-groups -- $exec 2>>"$log" &
  controller_pid=$!
  pids+=("$controller_pid")
  wait_for 20 grep -q 'listening on port' "$log" || { cat "$log"; fail "controller did not start"; }
  port=$(sed -n 's/.*listening on port \([0-9]*\).*/\1/p' "$log")
}

step "run the installed controller and agent"
start_controller "$tmp/controller.log"
grep -q '^<6>listening on port' "$tmp/controller.log" ||
  { cat "$tmp/controller.log"; fail "a line for the journal starts with its priority, not a time"; }
[ "$(stat -c %U /var/lib/zfleet/controller.db)" = zfleet ] || fail "the database is not zfleet's"
mkdir -p "$tmp/zpool"
cp "$root/tests/testing/fake_zpool.sh" "$tmp/zpool/zpool"
cp "$root/tests/testdata/fake_host/list.txt" "$tmp/zpool/list.txt"
cp "$root/tests/testdata/fake_host/healthy.txt" "$tmp/zpool/status.txt"
# The agent as its unit starts it, with its address and a fake zpool.
agent_exec=$(unit_command zfleet-agent \
  "--controller 127.0.0.1:$port --host-id pkgtest-host --zpool $tmp/zpool/zpool")
# shellcheck disable=SC2086
$agent_exec 2>"$tmp/agent.log" &
agent_pid=$!
pids+=("$agent_pid")
wait_for 30 bash -c "zfleet --controller 127.0.0.1:$port hosts | grep -q pkgtest-host" ||
  { cat "$tmp/agent.log"; fail "the installed agent's host is not in zfleet hosts"; }
[ -d /var/lib/zfleet-agent ] || fail "the agent made no state directory"
kill -TERM "$agent_pid" "$controller_pid"
wait "$agent_pid" || fail "agent exit $? on SIGTERM"
wait "$controller_pid" || fail "controller exit $? on SIGTERM"

step "mutual TLS as README says, the agent rolled out by deploy/ansible/zfleet-agent.yml"
zfleet-controller pki init --dir /etc/zfleet/pki --name localhost >/dev/null
zfleet-controller pki issue --dir /etc/zfleet/pki --user oncall --role viewer >/dev/null
[ "$(stat -c '%U:%G %a' /etc/zfleet/pki/ca.key)" = "root:zfleet 600" ] ||
  fail "ca.key is $(stat -c '%U:%G %a' /etc/zfleet/pki/ca.key)"
chmod 0640 /etc/zfleet/pki/controller.key
pki=/etc/zfleet/pki
start_controller "$tmp/controller-tls.log" --tls-ca $pki/ca.crt --tls-cert $pki/controller.crt \
  --tls-key $pki/controller.key
grep -q 'mutual TLS' "$tmp/controller-tls.log" || fail "the controller does not serve mutual TLS"
printf '[zfleet_agents]\npkgtest-host ansible_connection=local ansible_python_interpreter=%s\n' \
  /usr/bin/python3 >"$tmp/inventory"
ANSIBLE_HOME="$tmp/ansible" ANSIBLE_LOCAL_TEMP="$tmp/ansible/local" \
  ANSIBLE_REMOTE_TEMP="$tmp/ansible/remote" ANSIBLE_NOCOLOR=1 ansible-playbook -i "$tmp/inventory" \
  "$root/deploy/ansible/zfleet-agent.yml" -e zfleet_manage_service=false \
  -e "zfleet_controller=127.0.0.1:$port" -e "zfleet_deb=$(deb zfleet-agent)" \
  -e "zfleet_pki_dir=$pki" >"$tmp/ansible.log" 2>&1 ||
  { cat "$tmp/ansible.log"; fail "ansible-playbook failed"; }
[ -f $pki/agents/pkgtest-host.crt ] || fail "the playbook issued no certificate for the host"
[ "$(stat -c '%U %a' $pki/agent.key)" = "root 600" ] || fail "agent.key is not 0600 root"
grep -q -- "--controller 127.0.0.1:$port --host-id pkgtest-host --tls-ca" /etc/default/zfleet-agent ||
  fail "the playbook wrote: $(cat /etc/default/zfleet-agent)"
# The agent exactly as its unit would start it now: /etc/default's flags, a fake zpool that
# now shows a scrub running (what only this agent, over TLS, can have reported).
cp "$root/tests/testdata/fake_host/scrubbing.txt" "$tmp/zpool/status.txt"
# shellcheck disable=SC1091
. /etc/default/zfleet-agent
agent_exec=$(unit_command zfleet-agent "$ZFLEET_AGENT_ARGS --zpool $tmp/zpool/zpool")
# shellcheck disable=SC2086
$agent_exec 2>"$tmp/agent-tls.log" &
agent_pid=$!
pids+=("$agent_pid")
export ZFLEET_TLS_CA=$pki/ca.crt ZFLEET_TLS_CERT=$pki/users/oncall.crt \
  ZFLEET_TLS_KEY=$pki/users/oncall.key
wait_for 30 bash -c "zfleet --controller localhost:$port pools | grep -q 'scrub 1.2%'" ||
  { cat "$tmp/agent-tls.log"; fail "the rolled-out agent's host is not in zfleet hosts"; }
unset ZFLEET_TLS_CA ZFLEET_TLS_CERT ZFLEET_TLS_KEY
kill -TERM "$agent_pid" "$controller_pid"
wait "$agent_pid" || fail "agent exit $? on SIGTERM"
wait "$controller_pid" || fail "controller exit $? on SIGTERM"

step "upgrade keeps a changed conffile and the database"
echo '# changed by the administrator' >>/etc/zfleet/controller.toml
ZFLEET_PACKAGE_NO_BUILD=1 ZFLEET_PACKAGE_VERSION="$version+test1" ZFLEET_BUILD_DIR="$build" \
  bash "$root/deploy/package.sh" "$tmp/v2" >>"$tmp/package.log"
uid_before=$(id -u zfleet)
dpkg -i "$tmp"/v2/*.deb >"$tmp/dpkg.log" 2>&1 || { cat "$tmp/dpkg.log"; fail "upgrade failed"; }
[ "$(dpkg-query -W -f='${Version}' zfleet-controller)" = "$version+test1" ] || fail "not upgraded"
grep -q 'changed by the administrator' /etc/zfleet/controller.toml || fail "conffile replaced"
[ "$(id -u zfleet)" = "$uid_before" ] || fail "the upgrade made a new zfleet user"
start_controller "$tmp/controller2.log"
zfleet --controller "127.0.0.1:$port" hosts | grep -q pkgtest-host ||
  fail "the host reported before the upgrade is gone"
kill -TERM "$controller_pid"
wait "$controller_pid" || fail "controller exit $? on SIGTERM"

step "remove keeps state and user; purge removes them"
dpkg -r "${packages[@]}" >"$tmp/dpkg.log" 2>&1 || { cat "$tmp/dpkg.log"; fail "dpkg -r failed"; }
[ ! -e /usr/bin/zfleet-controller ] || fail "remove left the binary"
[ -f /var/lib/zfleet/controller.db ] || fail "remove deleted the database"
getent passwd zfleet >/dev/null || fail "remove deleted the user"
[ -f /etc/zfleet/controller.toml ] || fail "remove deleted the configuration"
dpkg --purge "${packages[@]}" >"$tmp/dpkg.log" 2>&1 || { cat "$tmp/dpkg.log"; fail "purge failed"; }
installed=0
[ -f /etc/zfleet/pki/ca.key ] || fail "purge deleted the CA in /etc/zfleet/pki"
rm -rf /etc/zfleet /var/cache/zfleet-agent.deb
for gone in /var/lib/zfleet /var/lib/zfleet-agent /etc/default/zfleet-agent \
  /etc/default/zfleet-controller /lib/systemd/system/zfleet-agent.service; do
  [ ! -e "$gone" ] || fail "purge left $gone"
done
! getent passwd zfleet >/dev/null || fail "purge left the user zfleet"
! getent group zfleet >/dev/null || fail "purge left the group zfleet"
echo "PASS"
