#!/usr/bin/env bash
# Builds the host library, generates the Kotlin (JVM flavour) and Swift bindings from it,
# and lays out what the JVM tests of bindings/jvm-tests need:
#
#   bindings/generated/kotlin/vn/motcua/motcua_ffi.kt   Kotlin, package vn.motcua
#   bindings/generated/swift/                           MotCua.swift, MotCuaFFI.h, modulemap
#   bindings/generated/jvm-resources/linux-x86-64/      the host library, where JNA looks
#   bindings/generated/jvm-resources/motcua-test.properties
#                                                       path of the `motcua` binary (portal)
#
# Usage: scripts/bindings.sh [--release]
#   --release: the library as the apps ship it (profile release-mobile, feature mobile,
#              scripts/mobile-build-env.sh; slow: LTO)
# Generated sources are never committed (/bindings/generated/ is git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."

profile=debug
cargo_profile=()
case "${1:-}" in
"") ;;
--release)
    # The profile and SQLite options of the library the apps ship (Cargo.toml).
    profile=release-mobile
    cargo_profile=(--profile release-mobile --features mobile)
    # shellcheck source=mobile-build-env.sh
    source scripts/mobile-build-env.sh
    ;;
*)
    echo "usage: $0 [--release]" >&2
    exit 2
    ;;
esac

command -v cargo >/dev/null || { echo "cargo is required (rustup)" >&2; exit 1; }

target_dir="${CARGO_TARGET_DIR:-target}"
case "$(uname -s)" in
Linux) lib_file=libmotcua_ffi.so ;;
Darwin) lib_file=libmotcua_ffi.dylib ;;
*) echo "unsupported host $(uname -s)" >&2; exit 1 ;;
esac
case "$(uname -s)-$(uname -m)" in
Linux-x86_64) jna_dir=linux-x86-64 ;;
Linux-aarch64) jna_dir=linux-aarch64 ;;
Darwin-x86_64) jna_dir=darwin-x86-64 ;;
Darwin-arm64) jna_dir=darwin-aarch64 ;;
*) echo "unsupported host $(uname -s)-$(uname -m)" >&2; exit 1 ;;
esac

echo "==> building the host library (motcua-ffi, $profile) and uniffi-bindgen"
# Separate invocations: the generator's `uniffi/cli` feature must not reach the library.
# Only the shared library the generator and JNA read: the crate's static library (for the
# iOS XCFramework, ios/scripts/build-xcframework.sh) is 130 MB in a debug build.
cargo rustc --locked "${cargo_profile[@]}" -p motcua-ffi --lib --crate-type cdylib
cargo build --locked -p motcua-uniffi-bindgen --bin uniffi-bindgen

lib="$target_dir/$profile/$lib_file"
bindgen="$target_dir/debug/uniffi-bindgen"
final=bindings/generated
# Generated next to the final place and swapped in at the end, so that a failed run
# leaves the previous bindings intact.
mkdir -p "$target_dir"
out="$(mktemp -d "$target_dir/generated-bindings.XXXXXX")"
chmod 755 "$out"
trap 'rm -rf "$out"' EXIT
mkdir -p "$out/kotlin" "$out/swift" "$out/jvm-resources/$jna_dir"

echo "==> generating Kotlin (JVM) and Swift bindings from $lib"
# Library mode: the interface is read from the built library's metadata, the
# configuration from bindings/uniffi.toml. Always from the unstripped library.
"$bindgen" generate --library "$lib" --language kotlin --out-dir "$out/kotlin" --no-format
"$bindgen" generate --library "$lib" --language swift --out-dir "$out/swift" --no-format

cp "$lib" "$out/jvm-resources/$jna_dir/"

echo "==> building the portal binary the JVM tests start (motcua, debug)"
cargo build --locked -p motcua-cli --bin motcua
motcua_bin="$(cd "$target_dir/debug" && pwd)/motcua"
printf 'motcua.bin=%s\n' "$motcua_bin" >"$out/jvm-resources/motcua-test.properties"

rm -rf "$final"
mv "$out" "$final"
echo "==> generated in $final:"
(cd "$final" && find . -type f | sort | sed 's/^\.\//    /')
