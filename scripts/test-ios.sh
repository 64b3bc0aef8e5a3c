#!/usr/bin/env bash
# The iOS side, compiled and tested on Linux (as root), after `bash scripts/bindings.sh`:
#
#   1. a Swift toolchain: Debian 13's swiftlang (Swift 6.0.3) in a debootstrapped root
#      outside the repository (ios/scripts/swift-chroot.sh; made once, ~1.5 min, then reused)
#   2. what no Linux compiler can check, checked without one: every Swift file parses
#      (tree-sitter; the SwiftUI views and the app's platform code cannot compile off Apple
#      platforms), every name of the bindings the iOS code uses exists in the generated
#      MotCua.swift, the String Catalogs are complete
#   3. `swift test` of ios/MotCuaModels: the state holders against fakes of their ports
#   4. the generated Swift bindings and ios/MotCuaKit's adapters (MotCuaCore) compiled
#      against the host libmotcua_ffi.so, in a generated Linux package
#      (ios/scripts/linux-package.sh), and the integration suite ios/LinuxTests run on them:
#      the app's models over the real adapters, the real library and a real portal
#
# SwiftPM's build directories are under target/swift/ and the generated package under
# target/swift-linux/ (git-ignored). Usage: bash scripts/test-ios.sh (from any directory).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd -P)"
cd "$repo"

fail() { echo "test-ios: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || fail "must run as root (the Swift toolchain runs in a chroot)"
for needed in bindings/generated/swift/MotCua.swift bindings/generated/swift/MotCuaFFI.h \
    target/debug/libmotcua_ffi.so target/debug/motcua; do
    [ -e "$needed" ] || fail "no $needed: run 'bash scripts/bindings.sh' first"
done
command -v python3 >/dev/null || fail "python3 is required (the syntax and String Catalog checks)"

swift_run=(bash ios/scripts/swift-chroot.sh run)
scratch="$repo/target/swift"
# Swift 6.0.3's libswiftObservation.so refers to swift::threading::fatal, which no library
# of the toolchain exports, so linking anything that imports Observation (the models) fails
# with "undefined reference to `swift::threading::fatal(char const*, ...)'": upstream bug
# swiftlang/swift#75670, fixed in Swift 6.2. The symbol is only reached on a fatal threading
# error; letting the linker leave undefined references of shared libraries unresolved works
# around it. Remove with a toolchain >= 6.2.
observation_workaround=(-Xlinker --allow-shlib-undefined)

timings=()
stage() {
    stage_name="$1"
    stage_started=$(date +%s%N)
    echo "==> $1"
}
stage_done() {
    local tenths=$((($(date +%s%N) - stage_started) / 100000000))
    timings+=("$(printf '%5d.%d s  %s' $((tenths / 10)) $((tenths % 10)) "$stage_name")")
}

stage "iOS: the Swift toolchain (Debian 13 swiftlang in a chroot; made once)"
bash ios/scripts/swift-chroot.sh ensure
"${swift_run[@]}" "$repo" swift --version 2>&1 | head -1
stage_done

stage "iOS: every Swift file parses; the bindings names the app uses exist; the String Catalogs are complete"
python3 -m pip install --quiet --disable-pip-version-check "tree-sitter==0.26.1" "tree-sitter-swift==0.7.4"
python3 ios/scripts/check-swift-syntax.py
bash ios/scripts/check-bindings-api.sh
python3 ios/scripts/check-strings.py
stage_done

stage "iOS: MotCuaModels, swift test"
"${swift_run[@]}" ios/MotCuaModels swift test --scratch-path "$scratch/MotCuaModels" "${observation_workaround[@]}"
stage_done

stage "iOS: the Swift bindings and MotCuaCore's adapters compiled against libmotcua_ffi.so"
bash ios/scripts/linux-package.sh target/swift-linux/MotCuaLinux
"${swift_run[@]}" target/swift-linux/MotCuaLinux swift build --build-tests --scratch-path "$scratch/MotCuaLinux" \
    "${observation_workaround[@]}"
stage_done

stage "iOS: the app's models over the real core and a real portal (ios/LinuxTests)"
"${swift_run[@]}" target/swift-linux/MotCuaLinux env MOTCUA_BIN="$repo/target/debug/motcua" \
    swift test --skip-build --scratch-path "$scratch/MotCuaLinux" "${observation_workaround[@]}"
stage_done

echo "==> iOS: time per stage"
printf '    %s\n' "${timings[@]}"
