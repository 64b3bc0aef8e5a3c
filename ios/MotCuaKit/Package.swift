// swift-tools-version:5.9
// The Rust core for the app: the XCFramework built from motcua-ffi, the Swift bindings
// uniffi generated from that same build, and the adapters from the models' ports to them.
// Both the XCFramework (Frameworks/) and the generated Swift (Sources/MotCuaBindings/) are
// build products, git-ignored: `ios/scripts/build-xcframework.sh` writes them (README.md).
import PackageDescription

let package = Package(
    name: "MotCuaKit",
    platforms: [.iOS(.v17)],
    products: [
        .library(name: "MotCuaCore", targets: ["MotCuaCore"]),
        .library(name: "MotCuaBindings", targets: ["MotCuaBindings"]),
    ],
    dependencies: [
        .package(path: "../MotCuaModels"),
    ],
    targets: [
        // Static libmotcua_ffi.a per platform (device; simulator arm64 + x86_64) with the C
        // header and the module map of the `MotCuaFFI` module.
        .binaryTarget(name: "MotCuaFFI", path: "Frameworks/MotCuaFFI.xcframework"),
        // MotCua.swift as uniffi generated it (module `MotCuaBindings`, so that its main
        // class `MotCua` and the module do not share a name).
        .target(
            name: "MotCuaBindings",
            dependencies: ["MotCuaFFI"],
            exclude: ["README.md"]
        ),
        // The ports of MotCuaModels over the bindings: conversions only, no decisions.
        .target(
            name: "MotCuaCore",
            dependencies: ["MotCuaBindings", .product(name: "MotCuaModels", package: "MotCuaModels")]
        ),
    ]
)
