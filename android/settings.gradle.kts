// The MotCua Android app: a standard Android Gradle build (Kotlin DSL, version catalog in
// gradle/libs.versions.toml). See README.md for the toolchain it needs.
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}

dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
    }
}

rootProject.name = "motcua-android"

// :bindings  the Rust core for Android: the .so per ABI (cargo-ndk) and the generated
//            Kotlin bindings (uniffi, Android flavour); no hand-written code
// :presentation  view-models and UI state over the bindings; plain Kotlin, no android.*
//            (the same sources compile on the JVM with presentation/pom.xml)
// :app       Jetpack Compose UI, platform glue (Keystore, Custom Tabs, WorkManager, camera)
include(":bindings", ":presentation", ":app")
