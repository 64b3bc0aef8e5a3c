// swift-tools-version:5.9
// The app's state holders and the ports they use, in plain Swift (Foundation and
// Observation only, no UIKit or SwiftUI, no bindings): `swift test` runs their tests on any
// Mac (or any machine with a Swift 5.9+ toolchain), without the Rust library. The
// adapters from these ports to the generated bindings are in ../MotCuaKit.
import PackageDescription

let package = Package(
    name: "MotCuaModels",
    platforms: [.iOS(.v17), .macOS(.v14)],
    products: [
        .library(name: "MotCuaModels", targets: ["MotCuaModels"]),
    ],
    targets: [
        .target(name: "MotCuaModels"),
        .testTarget(name: "MotCuaModelsTests", dependencies: ["MotCuaModels"]),
    ]
)
