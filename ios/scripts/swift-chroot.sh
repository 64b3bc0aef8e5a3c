#!/usr/bin/env bash
# A Swift toolchain for a Linux machine that has none: a Debian 13 ("trixie") root made
# with debootstrap, Debian's `swiftlang` (Swift 6.0.3: swiftc, SwiftPM, Foundation, XCTest,
# Observation and its macros) installed in it, and commands run there with chroot. The
# machine's own libc and packages stay untouched; Debian 12 has no Swift package.
#
# Usage (as root):
#   ios/scripts/swift-chroot.sh ensure                 make the root if it is not ready
#   ios/scripts/swift-chroot.sh run DIR CMD [ARGS...]  run CMD in DIR (a path under the
#                                                      repository) inside the root
#
# The root lives outside the repository and is reused: MOTCUA_SWIFT_ROOT, default
# ~/.cache/motcua/swift-trixie (~540 MB downloaded, ~2.6 GB on disk, ~1.5 min the first
# time). It is built next to its final place and renamed into it only once swiftlang is
# installed, then marked ready, so an interrupted run leaves nothing that looks usable: the
# next run starts that half-made root over. `run` bind-mounts the repository at the same
# path inside the root (paths printed by the compiler are the real ones), with /proc and
# /dev, and unmounts them on exit whatever happens. One `run` at a time per root (flock).
set -euo pipefail

repo="$(cd "$(dirname "$0")/../.." && pwd)"
root="${MOTCUA_SWIFT_ROOT:-$HOME/.cache/motcua/swift-trixie}"
partial="$root.partial"
ready_marker="$root/.motcua-swift-ready"
mirror="${MOTCUA_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
# The toolchain the checks were written against; the marker records it so that a root made
# for another version is not taken for this one.
swift_package=swiftlang
swift_version_expected="6.0.3"

die() { echo "swift-chroot: $*" >&2; exit 1; }
# Interrupted (Ctrl-C, a CI timeout): exit through the EXIT traps that unmount.
trap 'exit 130' INT
trap 'exit 143' TERM HUP

[ "$(id -u)" -eq 0 ] || die "must run as root (debootstrap, chroot and mount need it)"

# Unmounts every mount point under $1, deepest first (an earlier run killed with -9 could
# not run its trap).
unmount_under() {
    local dir="$1" mount_point
    [ -d "$dir" ] || return 0
    dir="$(cd "$dir" && pwd -P)"
    { awk '{print $2}' /proc/self/mounts | grep -E "^$dir(/|$)" || true; } | sort -r | while read -r mount_point; do
        umount "$mount_point" 2>/dev/null || umount -l "$mount_point"
    done
}

ensure_root() {
    if [ -f "$ready_marker" ] && grep -qx "$swift_package $swift_version_expected" "$ready_marker"; then
        return 0
    fi
    command -v debootstrap >/dev/null || {
        echo "==> installing debootstrap on this machine (apt-get)"
        apt-get update -qq
        apt-get install -y -qq debootstrap >/dev/null
    }
    # A root without a marker is from an interrupted or older run: start it over.
    local stale
    for stale in "$partial" "$root"; do
        if [ -e "$stale" ]; then
            echo "==> removing the unfinished Swift root $stale"
            unmount_under "$stale"
            rm -rf --one-file-system "$stale"
        fi
    done
    mkdir -p "$(dirname "$root")"

    echo "==> debootstrap --variant=minbase trixie $partial"
    debootstrap --variant=minbase trixie "$partial" "$mirror" >"$partial.log" 2>&1 || {
        tail -20 "$partial.log" >&2
        die "debootstrap failed (whole log: $partial.log)"
    }
    cp /etc/resolv.conf "$partial/etc/resolv.conf"

    echo "==> apt-get install $swift_package (with its Recommends: libc6-dev and the C toolchain the linker needs)"
    mount_system "$partial"
    # shellcheck disable=SC2064
    trap "unmount_under '$partial'" EXIT
    chroot "$partial" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
        sh -c "apt-get update -qq && apt-get install -y -qq $swift_package >/dev/null && apt-get clean" \
        || die "apt-get install $swift_package failed in $partial"
    local version
    version="$(chroot "$partial" swift --version 2>&1 | sed -n 's/.*Swift version \([0-9.]*\).*/\1/p' | head -1)"
    unmount_under "$partial"
    trap - EXIT
    [ "$version" = "$swift_version_expected" ] \
        || die "expected Swift $swift_version_expected in trixie's $swift_package, found '$version'"

    mv "$partial" "$root"
    mv "$partial.log" "$root/var/log/motcua-debootstrap.log"
    echo "$swift_package $swift_version_expected" >"$ready_marker"
    echo "==> Swift $version ready in $root"
}

# /proc and /dev inside a root: SwiftPM reads /proc (CPU count, its own path), the
# processes it starts need /dev/null and /dev/urandom, apt a pseudo-terminal (/dev/pts).
mount_system() {
    local target="$1"
    mount -t proc proc "$target/proc"
    mount --bind /dev "$target/dev"
    mount --bind /dev/pts "$target/dev/pts"
}

run_in_root() {
    local dir="$1"
    shift
    [ -f "$ready_marker" ] || die "no Swift root in $root: run '$0 ensure' first"
    case "$(cd "$dir" && pwd -P)/" in
    "$repo"/*) ;;
    *) die "$dir is not in the repository ($repo), which is all the root sees" ;;
    esac
    dir="$(cd "$dir" && pwd -P)"

    exec 9>"$root.lock"
    flock 9
    # Whatever an earlier run killed with -9 left mounted, then ours, always unmounted.
    unmount_under "$root/proc"
    unmount_under "$root/dev"
    unmount_under "$root$repo"
    # shellcheck disable=SC2064
    trap "unmount_under '$root$repo'; unmount_under '$root/dev'; unmount_under '$root/proc'" EXIT
    mount_system "$root"
    mkdir -p "$root$repo"
    mount --bind "$repo" "$root$repo"

    # A clean environment: the machine's PATH, toolchains and locale do not leak in. HOME is
    # the root's /root (SwiftPM keeps its caches there, outside the repository).
    # Its own session (setsid), waited for in the background: an interrupt then stops
    # the whole group (SwiftPM, the tests, the portals they started) before the unmount,
    # instead of waiting for it to finish.
    local status=0 child
    setsid chroot "$root" /usr/bin/env -i \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        HOME=/root LANG=C.UTF-8 TERM="${TERM:-dumb}" \
        sh -c 'cd "$1" && shift && exec "$@"' sh "$dir" "$@" &
    child=$!
    # shellcheck disable=SC2064
    trap "kill -TERM -- -$child 2>/dev/null; wait $child; exit 143" INT TERM HUP
    wait "$child" || status=$?
    trap 'exit 130' INT
    trap 'exit 143' TERM HUP
    return "$status"
}

case "${1:-}" in
ensure) ensure_root ;;
run)
    [ $# -ge 3 ] || die "usage: $0 run DIR CMD [ARGS...]"
    shift
    run_in_root "$@"
    ;;
*)
    echo "usage: $0 ensure | run DIR CMD [ARGS...]" >&2
    exit 2
    ;;
esac
