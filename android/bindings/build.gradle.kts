// The Rust core for Android: libmotcua_ffi.so for each ABI (cargo-ndk) and the Kotlin
// bindings generated from it with the Android configuration (uniffi-bindgen,
// bindings/uniffi-android.toml). Both are build outputs, never committed (see .gitignore).
//
// Needs on the build machine: rustup with the Android targets, cargo-ndk, and the NDK
// (ANDROID_NDK_HOME, or the NDK that Android Studio installed). See android/README.md.
import org.gradle.api.tasks.Exec

plugins {
    alias(libs.plugins.android.library)
    alias(libs.plugins.kotlin.android)
}

android {
    namespace = "vn.motcua"
    compileSdk = 35
    defaultConfig {
        minSdk = 26
        consumerProguardFiles("consumer-rules.pro")
    }
    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
    sourceSets["main"].jniLibs.srcDir("src/main/jniLibs")
}

kotlin {
    jvmToolchain(17)
}

/** The Rust workspace (the repository root). */
val rustWorkspace: File = rootDir.resolve(providers.gradleProperty("motcua.rustWorkspace").get()).canonicalFile
val abis = listOf("arm64-v8a", "armeabi-v7a", "x86_64")
val jniLibs = layout.projectDirectory.dir("src/main/jniLibs")
val generatedKotlin = layout.projectDirectory.dir("src/main/kotlin")

/**
 * Builds the shipped library for every ABI into src/main/jniLibs/<abi>/: the size profile
 * `release-mobile` with the `mobile` feature and the trimmed SQLite of
 * scripts/mobile-build-env.sh (bindings/README.md, "Release profile").
 */
val cargoNdkBuild by tasks.registering(Exec::class) {
    group = "rust"
    description = "Builds libmotcua_ffi.so for ${abis.joinToString()} with cargo-ndk."
    workingDir = rustWorkspace
    val targets = abis.flatMap { listOf("-t", it) }
    val cargoNdk = (listOf("cargo", "ndk") + targets + listOf(
        "-o", jniLibs.asFile.path,
        "build", "--profile", "release-mobile", "--features", "mobile", "--locked", "-p", "motcua-ffi",
    )).joinToString(" ")
    commandLine("bash", "-c", "source scripts/mobile-build-env.sh && $cargoNdk")
    inputs.files(fileTree(rustWorkspace) {
        include("Cargo.toml", "Cargo.lock", "protocol/**", "core/**", "bindings/src/**", "bindings/Cargo.toml", "data/**")
        exclude("**/target/**")
    })
    outputs.dir(jniLibs)
}

/** Builds the uniffi-bindgen command of the workspace (exactly its uniffi version). */
val buildBindgen by tasks.registering(Exec::class) {
    group = "rust"
    workingDir = rustWorkspace
    commandLine("cargo", "build", "--locked", "-p", "motcua-uniffi-bindgen", "--bin", "uniffi-bindgen")
}

/**
 * Generates the Android flavour of the Kotlin bindings from the unstripped arm64 library
 * (library mode reads the interface from its metadata), with bindings/uniffi-android.toml
 * merged over bindings/uniffi.toml.
 */
val generateBindings by tasks.registering(Exec::class) {
    group = "rust"
    description = "Generates vn/motcua/motcua_ffi.kt (Android flavour) with uniffi-bindgen."
    dependsOn(cargoNdkBuild, buildBindgen)
    workingDir = rustWorkspace
    val library = rustWorkspace.resolve("target/aarch64-linux-android/release-mobile/libmotcua_ffi.so")
    commandLine(
        rustWorkspace.resolve("target/debug/uniffi-bindgen").path, "generate",
        "--library", library.path,
        "--config", rustWorkspace.resolve("bindings/uniffi-android.toml").path,
        "--language", "kotlin",
        "--out-dir", generatedKotlin.asFile.path,
    )
    inputs.file(library)
    outputs.file(generatedKotlin.file("vn/motcua/motcua_ffi.kt"))
}

tasks.named("preBuild") { dependsOn(generateBindings) }

dependencies {
    // What the generated bindings need: JNA's Android build (with its own .so files),
    // coroutines for the async calls, androidx.annotation for the Android flavour.
    api("net.java.dev.jna:jna:${libs.versions.jna.get()}@aar")
    api(libs.kotlinx.coroutines.android)
    implementation(libs.androidx.annotation)
}
