#!/usr/bin/env bash
# The size gate: builds the library as the apps ship it (profile release-mobile, feature
# mobile, the SQLite options of scripts/mobile-build-env.sh) for this host, strips a copy
# and fails when it reaches the budget of docs/ARCHITECTURE.md (6 MB per ABI: 6,000,000
# bytes). The host build stands in for the Android and iOS ones, which cannot be built
# here; per ABI they come out within a few per cent of it (docs/benchmarks.md, "Library
# size"). Prints the size and the margin either way.
set -euo pipefail
cd "$(dirname "$0")/.."

budget=6000000
# shellcheck source=mobile-build-env.sh
source scripts/mobile-build-env.sh
echo "==> building motcua-ffi as shipped (release-mobile, feature mobile; LTO: slow)"
cargo build --locked --profile release-mobile --features mobile -p motcua-ffi

target_dir="${CARGO_TARGET_DIR:-target}"
case "$(uname -s)" in
Linux) lib="$target_dir/release-mobile/libmotcua_ffi.so" ;;
Darwin) lib="$target_dir/release-mobile/libmotcua_ffi.dylib" ;;
*) echo "unsupported host $(uname -s)" >&2; exit 1 ;;
esac
stripped="$(mktemp)"
trap 'rm -f "$stripped"' EXIT
strip -o "$stripped" "$lib"
size=$(stat -c %s "$stripped" 2>/dev/null || stat -f %z "$stripped")
margin=$((budget - size))
printf '    stripped library: %d bytes (budget %d, margin %d)\n' "$size" "$budget" "$margin"
if [ "$size" -ge "$budget" ]; then
    echo "check-library-size: the shipped library is over its 6 MB budget by $((-margin)) bytes" >&2
    echo "    (see docs/benchmarks.md, \"Library size\", for what was trimmed before and how)" >&2
    exit 1
fi
