#!/usr/bin/env bash
# Builds what the iOS app links and compiles against, on a Mac with Xcode 15+ and rustup:
#   ios/MotCuaKit/Frameworks/MotCuaFFI.xcframework   libmotcua_ffi.a for the device
#                                                    (arm64) and the simulator (arm64 +
#                                                    x86_64), with MotCuaFFI.h + module map
#   ios/MotCuaKit/Sources/MotCuaBindings/MotCua.swift  uniffi's Swift for that same build
# then generates the Xcode project. Both outputs are git-ignored.
#
# Usage: ios/scripts/build-xcframework.sh [--debug]   (release-mobile by default: the size profile)
# Needs: rustup target add aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios
#        brew install xcodegen
set -euo pipefail
cd "$(dirname "$0")/../.."

# What ships: the size profile and the `mobile` feature, with SQLite trimmed
# (scripts/mobile-build-env.sh; bindings/README.md, "Release profile").
profile=release-mobile
cargo_profile=(--profile release-mobile --features mobile)
if [ "${1:-}" = "--debug" ]; then
    profile=debug
    cargo_profile=()
else
    # shellcheck source=../../scripts/mobile-build-env.sh
    source scripts/mobile-build-env.sh
fi
[ "$(uname -s)" = Darwin ] || { echo "needs macOS with Xcode (xcodebuild, lipo)" >&2; exit 1; }
target_dir="${CARGO_TARGET_DIR:-target}"
build=ios/build
kit=ios/MotCuaKit

echo "==> static libraries for the device and both simulators ($profile)"
for triple in aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios; do
    cargo build --locked "${cargo_profile[@]}" -p motcua-ffi --target "$triple"
done

echo "==> Swift bindings from the unstripped device library (library mode)"
cargo build --locked -p motcua-uniffi-bindgen --bin uniffi-bindgen
rm -rf "$build"
mkdir -p "$build/swift" "$build/headers" "$build/ios-sim"
"$target_dir/debug/uniffi-bindgen" generate \
    --library "$target_dir/aarch64-apple-ios/$profile/libmotcua_ffi.a" \
    --language swift --out-dir "$build/swift"

echo "==> one simulator library for arm64 and x86_64"
lipo -create \
    "$target_dir/aarch64-apple-ios-sim/$profile/libmotcua_ffi.a" \
    "$target_dir/x86_64-apple-ios/$profile/libmotcua_ffi.a" \
    -output "$build/ios-sim/libmotcua_ffi.a"

echo "==> MotCuaFFI.xcframework"
cp "$build/swift/MotCuaFFI.h" "$build/headers/"
cp "$build/swift/MotCuaFFI.modulemap" "$build/headers/module.modulemap"
rm -rf "$kit/Frameworks/MotCuaFFI.xcframework"
mkdir -p "$kit/Frameworks"
xcodebuild -create-xcframework \
    -library "$target_dir/aarch64-apple-ios/$profile/libmotcua_ffi.a" -headers "$build/headers" \
    -library "$build/ios-sim/libmotcua_ffi.a" -headers "$build/headers" \
    -output "$kit/Frameworks/MotCuaFFI.xcframework"

echo "==> MotCua.swift into the MotCuaBindings target"
cp "$build/swift/MotCua.swift" "$kit/Sources/MotCuaBindings/MotCua.swift"
bash ios/scripts/check-bindings-api.sh "$kit/Sources/MotCuaBindings/MotCua.swift"

echo "==> MotCua.xcodeproj"
(cd ios && xcodegen generate)
echo "open ios/MotCua.xcodeproj, or: xcodebuild -project ios/MotCua.xcodeproj -scheme MotCua -destination 'platform=iOS Simulator,name=iPhone 15' build"
