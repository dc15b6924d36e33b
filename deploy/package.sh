#!/usr/bin/env bash
# Builds the Debian packages into OUTDIR, with Debian's own tools (dpkg-deb, dpkg-shlibdeps,
# help2man) from the Release build (deploy/build.sh, built here if needed):
#   zfleet-agent_VERSION_ARCH.deb       the agent, its systemd unit, /etc/zfleet/agent.toml
#   zfleet-controller_VERSION_ARCH.deb  the controller, its unit, /etc/zfleet/controller.toml
#   zfleet_VERSION_ARCH.deb             the zfleet CLI, its bash and zsh completion
# VERSION is the project's (CMakeLists.txt); ZFLEET_PACKAGE_VERSION overrides it (e.g. for a
# local rebuild that must upgrade an installed one: 0.1.0+local1); ZFLEET_PACKAGE_MAINTAINER
# the Maintainer field ("Name <address>"). ZFLEET_PACKAGE_NO_BUILD=1
# packages the binaries already in the build directory as they are (the tests do).
set -euo pipefail

die() {
  echo "package.sh: $*" >&2
  exit 1
}

[ $# -eq 1 ] || die "usage: deploy/package.sh OUTDIR"
root=$(cd "$(dirname "$0")/.." && pwd)
build="${ZFLEET_BUILD_DIR:-$root/build-release}"
mkdir -p "$1" || die "cannot create $1"
out=$(cd "$1" && pwd)

for tool in dpkg-deb dpkg-shlibdeps dpkg-architecture help2man strip gzip md5sum; do
  command -v "$tool" >/dev/null || die "$tool is missing (run deploy/install-deps.sh as root)"
done

version="${ZFLEET_PACKAGE_VERSION:-$(sed -n 's/^project(zfleet VERSION \([0-9.]*\).*/\1/p' \
  "$root/CMakeLists.txt")}"
[[ "$version" =~ ^[0-9][A-Za-z0-9.+~]*$ ]] || die "bad package version \"$version\""
arch=$(dpkg-architecture -qDEB_HOST_ARCH)
# Reproducible dates: the commit's, else the newest source file's.
date_epoch="${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct 2>/dev/null ||
  stat -c %Y "$root/CMakeLists.txt")}"
maintainer="${ZFLEET_PACKAGE_MAINTAINER:-zfleet maintainers <zfleet@example.org>}"

if [ "${ZFLEET_PACKAGE_NO_BUILD:-0}" != 1 ]; then
  ZFLEET_BUILD_DIR="$build" bash "$root/deploy/build.sh" --target zfleet-agent \
    zfleet-controller zfleet >/dev/null
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# stage PACKAGE: an empty tree with the files every package carries.
stage() {
  local pkg=$1 dir="$work/$1"
  install -d -m 0755 "$dir/DEBIAN" "$dir/usr/bin" "$dir/usr/share/doc/$pkg"
  install -m 0644 "$root/deploy/debian/copyright" "$dir/usr/share/doc/$pkg/copyright"
  printf '%s (%s) unstable; urgency=medium\n\n  * Release %s.\n\n -- %s  %s\n' \
    zfleet "$version" "$version" "$maintainer" \
    "$(LC_ALL=C date -u -R -d "@$date_epoch")" |
    gzip -9n >"$dir/usr/share/doc/$pkg/changelog.gz"
  chmod 0644 "$dir/usr/share/doc/$pkg/changelog.gz"
}

# binary PACKAGE BUILT_PATH SECTION SUMMARY: the stripped binary and its man page, made from
# its --help by help2man so the two never disagree.
binary() {
  local pkg=$1 built=$2 section=$3 summary=$4 name
  name=$(basename "$built")
  [ -x "$built" ] || die "$built was not built"
  install -m 0755 "$built" "$work/$pkg/usr/bin/$name"
  install -d -m 0755 "$work/$pkg/usr/share/man/man$section"
  strip --strip-unneeded --remove-section=.comment --remove-section=.note \
    "$work/$pkg/usr/bin/$name"
  help2man --no-info --no-discard-stderr --section "$section" --name "$summary" \
    --version-string "$version" "$work/$pkg/usr/bin/$name" |
    gzip -9n >"$work/$pkg/usr/share/man/man$section/$name.$section.gz"
  chmod 0644 "$work/$pkg/usr/share/man/man$section/$name.$section.gz"
}

# service PACKAGE NAME: systemd unit, /etc/default file, example config (conffiles) and the
# maintainer scripts.
service() {
  local pkg=$1 name=$2 dir="$work/$1"
  install -d -m 0755 "$dir/lib/systemd/system" "$dir/etc/default" "$dir/etc/zfleet"
  install -m 0644 "$root/deploy/systemd/$pkg.service" "$dir/lib/systemd/system/$pkg.service"
  install -m 0644 "$root/deploy/etc/default/$pkg" "$dir/etc/default/$pkg"
  install -m 0644 "$root/deploy/etc/$name.toml" "$dir/etc/zfleet/$name.toml"
  printf '/etc/default/%s\n/etc/zfleet/%s.toml\n' "$pkg" "$name" >"$dir/DEBIAN/conffiles"
  for script in postinst prerm postrm; do
    install -m 0755 "$root/deploy/debian/$pkg.$script" "$dir/DEBIAN/$script"
  done
}

# control PACKAGE EXTRA_DEPENDS DESCRIPTION...: DEBIAN/control (Depends from the ELF's shared
# libraries, through the libraries' shlibs), DEBIAN/md5sums, then the .deb.
control() {
  local pkg=$1 extra=$2 dir="$work/$1" shlibs depends size
  shift 2
  mkdir -p "$work/shlibs/debian"
  printf 'Source: zfleet\n\nPackage: %s\nArchitecture: any\n' "$pkg" \
    >"$work/shlibs/debian/control"
  local elf args=()
  for elf in "$dir"/usr/bin/*; do args+=("-e$elf"); done
  shlibs=$(cd "$work/shlibs" && dpkg-shlibdeps -O "${args[@]}") ||
    die "dpkg-shlibdeps failed for $pkg"
  shlibs=$(sed -n 's/^shlibs:Depends=//p' <<<"$shlibs")
  [ -n "$shlibs" ] || die "dpkg-shlibdeps found no dependencies for $pkg"
  depends="$shlibs${extra:+, $extra}"
  size=$(du -sk --exclude=DEBIAN "$dir" | cut -f1)
  {
    printf 'Package: %s\nSource: zfleet\nVersion: %s\nArchitecture: %s\nMaintainer: %s\n' \
      "$pkg" "$version" "$arch" "$maintainer"
    printf 'Installed-Size: %s\nDepends: %s\nSection: admin\nPriority: optional\n' \
      "$size" "$depends"
    printf 'Description: %s\n' "$1"
    shift
    local line
    for line in "$@"; do
      if [ -z "$line" ]; then printf ' .\n'; else printf ' %s\n' "$line"; fi
    done
  } >"$dir/DEBIAN/control"
  (cd "$dir" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z |
    xargs -0 md5sum >DEBIAN/md5sums)
  chmod 0644 "$dir/DEBIAN/control" "$dir/DEBIAN/md5sums"
  find "$dir" -exec touch -h -d "@$date_epoch" {} +
  dpkg-deb --root-owner-group -Zxz --build "$dir" "$out/${pkg}_${version}_${arch}.deb" \
    >/dev/null
  echo "$out/${pkg}_${version}_${arch}.deb"
}

umask 022
about=("zfleet keeps every ZFS pool of a fleet scrubbed on time and tells on-call"
  "which pool and which physical disk is in trouble." "")

stage zfleet-agent
binary zfleet-agent "$build/agent/zfleet-agent" 8 \
  "report ZFS pools to zfleet-controller and run its scrubs"
service zfleet-agent agent
control zfleet-agent "" "ZFS fleet scrub agent: reports pools, runs scrubs" "${about[@]}" \
  "The agent runs on every storage host. It reads zpool (every output" \
  "generation, zfs-fuse included), each disk's identity and class, and the ZFS" \
  "stack (module, DKMS/kmod, zfs-* units); it reports to zfleet-controller over" \
  "gRPC with mutual TLS and starts, pauses or stops scrubs when told to, or on" \
  "its own by the last policy while the controller is away."

stage zfleet-controller
binary zfleet-controller "$build/controller/zfleet-controller" 8 \
  "ZFS fleet scrub scheduler and history"
service zfleet-controller controller
# Prometheus alerting rules for /metrics, for the monitoring host to copy into rule_files.
install -d -m 0755 "$work/zfleet-controller/usr/share/zfleet/prometheus"
install -m 0644 "$root/deploy/prometheus/zfleet-alerts.yml" \
  "$work/zfleet-controller/usr/share/zfleet/prometheus/zfleet-alerts.yml"
control zfleet-controller "adduser" "ZFS fleet scrub scheduler and history" "${about[@]}" \
  "The controller stores the fleet's history in SQLite and schedules scrubs by" \
  "disk class inside time windows and concurrency caps, never on a resilvering" \
  "or broken pool. It serves the zfleet CLI and Prometheus /metrics, and issues" \
  "the certificates of mutual TLS (zfleet-controller pki)."

stage zfleet
binary zfleet "$build/cli/zfleet" 1 \
  "on-call view of the ZFS fleet: status, triage, history, scrubs"
# Shell completion, generated by the binary from its own grammar.
install -d -m 0755 "$work/zfleet/usr/share/bash-completion/completions" \
  "$work/zfleet/usr/share/zsh/vendor-completions"
"$build/cli/zfleet" completion bash >"$work/zfleet/usr/share/bash-completion/completions/zfleet"
"$build/cli/zfleet" completion zsh >"$work/zfleet/usr/share/zsh/vendor-completions/_zfleet"
chmod 0644 "$work/zfleet/usr/share/bash-completion/completions/zfleet" \
  "$work/zfleet/usr/share/zsh/vendor-completions/_zfleet"
control zfleet "" "ZFS fleet on-call command line" "${about[@]}" \
  "zfleet asks zfleet-controller for fleet status, pool detail, history, events" \
  "and triage (which disk, on which host, with which serial, and what to do)," \
  "and starts, pauses or stops scrubs."
