#!/usr/bin/env bash
# The size gate (run by scripts/test.sh, last): builds the library as the apps ship it
# (profile release-mobile, feature mobile, the SQLite options of scripts/mobile-build-env.sh)
# for this host, strips a copy and fails when it reaches the budget of docs/ARCHITECTURE.md
# (6 MB per ABI: 6,000,000 bytes). The host build stands in for the Android and iOS ones,
# which cannot be built here; per ABI they come out within a few per cent of it
# (docs/benchmarks.md, "Library size"). Prints the size and the margin either way.
#
# Cost (docs/benchmarks.md, "Library size", "The gate"): the fat-LTO build is the expensive
# part, on 2 cores 5.5 minutes cold on a quiet machine (10 under load), 1 to 2 minutes when
# only our crates changed; target/release-mobile then holds about 450 MB. It builds only the
# shared library, as scripts/bindings.sh --release does (the same artifacts, so either
# reuses the other's), never the static library for iOS (23 MB), and leaves in
# target/release-mobile only what a warm rebuild needs.
set -euo pipefail
cd "$(dirname "$0")/.."

budget=6000000
# shellcheck source=mobile-build-env.sh
source scripts/mobile-build-env.sh
# Nothing to gain from incremental caches in an optimised build that is linked whole.
export CARGO_INCREMENTAL=0

target_dir="${CARGO_TARGET_DIR:-target}"
case "$(uname -s)" in
Linux) lib="$target_dir/release-mobile/libmotcua_ffi.so" ;;
Darwin) lib="$target_dir/release-mobile/libmotcua_ffi.dylib" ;;
*) echo "unsupported host $(uname -s)" >&2; exit 1 ;;
esac

echo "==> size gate: building motcua-ffi as shipped (release-mobile, feature mobile; LTO: slow)"
started=$(date +%s)
cargo rustc --locked --profile release-mobile --features mobile -p motcua-ffi --lib --crate-type cdylib
built=$(($(date +%s) - started))

# Intermediate artifacts the gate does not need: incremental caches (none with
# CARGO_INCREMENTAL=0, but an earlier build may have left some) and the static library and
# rlib of a full `cargo build --profile release-mobile` (the iOS recipe builds its own for
# Apple targets). The dependencies' rlibs stay: they make the next run warm.
rm -rf "$target_dir/release-mobile/incremental"
rm -f "$target_dir/release-mobile/libmotcua_ffi.a" "$target_dir/release-mobile/libmotcua_ffi.rlib" \
    "$target_dir"/release-mobile/deps/libmotcua_ffi-*.a "$target_dir"/release-mobile/deps/libmotcua_ffi-*.rlib

stripped="$(mktemp)"
trap 'rm -f "$stripped"' EXIT
strip -o "$stripped" "$lib"
size=$(stat -c %s "$stripped" 2>/dev/null || stat -f %z "$stripped")
margin=$((budget - size))
disk=$(du -sk "$target_dir/release-mobile" | cut -f1)
printf '    stripped library: %d bytes; budget %d bytes; margin %d bytes\n' "$size" "$budget" "$margin"
printf '    build %d s; %s/release-mobile holds %d MB\n' "$built" "$target_dir" $((disk / 1024))
if [ "$size" -ge "$budget" ]; then
    echo "check-library-size: FAILED: the stripped release-mobile library is $size bytes," \
        "at or over its budget of $budget bytes (6 MB) by $((-margin)) bytes" >&2
    echo "    (docs/benchmarks.md, \"Library size\": what takes the space and what was trimmed)" >&2
    exit 1
fi
echo "check-library-size: ok"
